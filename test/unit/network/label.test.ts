import assert from 'node:assert/strict';
import { test } from 'node:test';
import { networkLabel, networkScores, ScoredColumns } from '../../../src/core/network/label';
import { DEFAULT_NETWORK_THRESHOLDS } from '../../../src/core/network/spec';

/** Columns of a run with three layers (two pairs) from their start and end values; the middle record is unmeasured. */
function columns(o: { kernel: number; tangent: number; zeta: [number | null, number | null][]; norms: [number, number][]; distance?: number }): ScoredColumns {
  return {
    kernelChange: [0, null, o.kernel],
    tangentChange: [0, null, o.tangent],
    distance: [0, 0.5, o.distance ?? 0.7],
    layers: o.norms.map(([a, b]) => ({ norm: [a, (a + b) / 2, b] })),
    alignment: o.zeta.map(([a, b]) => ({ zeta: [a, 0.5, b] })),
  };
}

const label = (c: ScoredColumns) => networkLabel(networkScores(c)!, DEFAULT_NETWORK_THRESHOLDS);

test('scores are net changes of ζ per pair, log norm changes per layer, and the largest kernel and feature changes measured', () => {
  const s = networkScores({ ...columns({ kernel: 0.3, tangent: 0.2, zeta: [[0.1, 0.6], [0.5, 0.2]], norms: [[1, Math.E], [2, 2], [4, 1]] }), kernelChange: [0, 0.5, 0.3] })!;
  assert.equal(s.kernelChange, 0.5, 'the largest, not the last');
  assert.equal(s.tangentChange, 0.2);
  assert.deepEqual(s.zetaChange.map((z) => +z!.toFixed(12)), [0.5, -0.3]);
  assert.equal(s.alignment, 0.5);
  assert.equal(s.disalignment, 0.3);
  assert.deepEqual(s.normChange.map((z) => +z!.toFixed(12)), [1, 0, +Math.log(1 / 4).toFixed(12)]);
  assert.ok(Math.abs(s.balanceChange! - (1 + Math.log(4))) < 1e-12);
  assert.equal(s.distance, 0.7);
});

test('the label: kernel only when both the kernel and the tangent features barely moved', () => {
  assert.equal(label(columns({ kernel: 0.05, tangent: 0.05, zeta: [[0.1, 0.9], [0.1, 0.1]], norms: [[1, 1], [1, 1], [1, 1]] })), 'kernel');
  // Disalignment moves the kernel at second order only: the features must count too.
  assert.equal(label(columns({ kernel: 0.05, tangent: 0.3, zeta: [[0.6, 0.2], [0.3, 0.3]], norms: [[1, 1], [1, 1], [1, 1]] })), 'disalignment');
  assert.equal(label(columns({ kernel: 0.5, tangent: 0.05, zeta: [[0.1, 0.6], [0.3, 0.35]], norms: [[1, 2], [1, 2], [1, 2]] })), 'alignment');
});

test('the label: rescaling when no ζ moved, or alongside when one layer was rescaled against another', () => {
  assert.equal(label(columns({ kernel: 0.5, tangent: 0.5, zeta: [[0.3, 0.35], [0.3, 0.25]], norms: [[1, 3], [1, 3], [1, 3]] })), 'rescaling');
  assert.equal(label(columns({ kernel: 0.5, tangent: 0.5, zeta: [[0.1, 0.7], [0.3, 0.3]], norms: [[1, 10], [1, 1], [1, 1]] })), 'mixed: alignment+rescaling');
  // Pairs moving in opposite directions: both mechanisms are named.
  assert.equal(label(columns({ kernel: 0.5, tangent: 0.5, zeta: [[0.1, 0.7], [0.8, 0.2]], norms: [[1, 1], [1, 1], [1, 1]] })), 'mixed: alignment+disalignment');
  // Without pairs (no hidden layer) only the norms can tell.
  assert.equal(networkLabel(networkScores({ kernelChange: [0, 0.4], tangentChange: [0, 0.4], distance: [0, 1], layers: [{ norm: [1, 2] }], alignment: [] })!, DEFAULT_NETWORK_THRESHOLDS), 'rescaling');
});

test('undefined pieces stay null: no kernel measured after step 0, a layer at zero, no records', () => {
  const s = networkScores({ kernelChange: [0, null], tangentChange: [0, null], distance: [0, 1], layers: [{ norm: [0, 1] }, { norm: [1, 1] }], alignment: [{ zeta: [null, 0.5] }] })!;
  assert.equal(s.kernelChange, null);
  assert.equal(s.tangentChange, null);
  assert.deepEqual(s.zetaChange, [null]);
  assert.equal(s.alignment, null);
  assert.deepEqual(s.normChange, [null, 0]);
  assert.equal(s.balanceChange, null);
  // Not known to be kernel, and no ζ moved: rescaling.
  assert.equal(networkLabel(s, DEFAULT_NETWORK_THRESHOLDS), 'rescaling');
  assert.equal(networkScores({ kernelChange: [], tangentChange: [], distance: [], layers: [], alignment: [] }), null);
});
