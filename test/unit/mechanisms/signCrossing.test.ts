import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseExperiment } from '../../../src/core/experiment/parse';
import { solve } from '../../../src/core/runs/solve';

/** A small random initialisation whose output starts with the sign opposite to the target's. */
function run(y: number, seed: number) {
  const { experiment } = parseExperiment(JSON.stringify({
    model: { width: 50, outputScale: 1 },
    data: { x: [1, 0], y },
    init: { scaleU: 0.1, scaleW: 0.1, seed },
    learningRates: { u: 1, W: 1 },
    time: { end: 20, points: 200 },
  }));
  assert.ok(experiment);
  return solve(experiment);
}

test('an output that crosses zero on its way is alignment, not "alignment+disalignment"', () => {
  const r = run(1.5, 7);
  const s = r.summary as typeof r.summary & { label: string; scores: { alignment: number; disalignment: number } };
  // ζ starts negative with |ζ| above the threshold, passes through 0 where f changes sign, ends near 1.
  assert.ok(s.zetaInitial !== null && s.zetaInitial < -0.1, `ζ₀ = ${s.zetaInitial}`);
  assert.ok(r.output[0] < 0 && r.output[r.output.length - 1] > 0, 'f changes sign on the way');
  assert.ok(s.zetaFinal !== null && s.zetaFinal > 0.9);
  assert.equal(s.label, 'alignment');
  assert.equal(s.scores.disalignment, 0);
  assert.ok(Math.abs(s.scores.alignment - (Math.abs(s.limit!.zeta!) - Math.abs(s.zetaInitial))) < 1e-12);
});
