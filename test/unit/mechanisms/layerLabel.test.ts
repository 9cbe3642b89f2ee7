import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classify, DEFAULT_THRESHOLDS, scoresFromChanges } from '../../../src/core/mechanisms/classify';
import { DEFAULT_LAYER_THRESHOLDS, explainLayerLabel, LayerColumns, layerLabel, layerScores } from '../../../src/core/mechanisms/layerLabel';
import { Rng } from '../../../src/core/math/rng';

/** Columns of a run with three layers (two pairs) from their start and end values; the middle record is unmeasured. */
function columns(o: { kernel: number; tangent: number; zeta: [number | null, number | null][]; norms: [number, number][]; distance?: number }): LayerColumns {
  return {
    kernelChange: [0, null, o.kernel],
    tangentChange: [0, null, o.tangent],
    distance: [0, 0.5, o.distance ?? 0.7],
    layers: o.norms.map(([a, b]) => ({ norm: [a, (a + b) / 2, b] })),
    alignment: o.zeta.map(([a, b]) => ({ zeta: [a, 0.5, b] })),
  };
}

const label = (c: LayerColumns) => layerLabel(layerScores(c)!, c.distance.length);

test('scores are net changes of ζ per pair, log norm changes per layer, and the largest kernel and feature changes measured', () => {
  const s = layerScores({ ...columns({ kernel: 0.3, tangent: 0.2, zeta: [[0.1, 0.6], [0.5, 0.2]], norms: [[1, Math.E], [2, 2], [4, 1]] }), kernelChange: [0, 0.5, 0.3] })!;
  assert.equal(s.kernelChange, 0.5, 'the largest, not the last');
  assert.equal(s.tangentChange, 0.2);
  assert.deepEqual(s.zetaChange.map((z) => +z!.toFixed(12)), [0.5, -0.3]);
  assert.equal(s.alignment, 0.5);
  assert.equal(s.disalignment, 0.3);
  assert.deepEqual(s.normChange.map((z) => +z!.toFixed(12)), [1, 0, +Math.log(1 / 4).toFixed(12)]);
  assert.ok(Math.abs(s.balanceChange! - (1 + Math.log(4))) < 1e-12);
  assert.equal(s.distance, 0.7);
  assert.equal(s.maxDistance, 0.7);
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
  assert.equal(label({ kernelChange: [0, 0.4], tangentChange: [0, 0.4], distance: [0, 1], layers: [{ norm: [1, 2] }], alignment: [] }), 'rescaling');
  // A layer that starts at zero has an infinite norm change: rescaled, as for the linear model.
  assert.equal(label({ kernelChange: [0, 0.4], tangentChange: [0, 0.4], distance: [0, 1], layers: [{ norm: [0, 2] }, { norm: [1, 1] }], alignment: [{ zeta: [null, 0.9] }] }), 'rescaling');
  assert.equal(label({ kernelChange: [0, 0.4], tangentChange: [0, 0.4], distance: [0, 1], layers: [{ norm: [1, 2] }, { norm: [0, 1] }, { norm: [1, 1] }], alignment: [{ zeta: [0.1, 0.9] }, { zeta: [null, 0.9] }] }), 'mixed: alignment+rescaling');
});

test('rescaling as the rule\'s remainder says how far the norms moved: "the norms did the learning" was said of norms that moved by 0.06%', () => {
  const reason = (norms: [number, number][]) => explainLayerLabel(layerScores(columns({ kernel: 0.5, tangent: 0.5, zeta: [[0.3, 0.32], [0.3, 0.29]], norms }))!, 3).reasons[1];
  assert.equal(reason([[1, 1.0006], [2, 2], [1, 0.9999]]), "No pair's ζ changed by 0.1 or more: the layers neither lined up nor turned apart — rescaling, the rule's name for feature learning by neither; each layer's norm changed by a factor of at most 1.001 either way: the change the kernel test saw is not in the layers' scales.");
  assert.equal(reason([[1, 3], [2, 2], [1, 1]]), "No pair's ζ changed by 0.1 or more: the layers neither lined up nor turned apart — rescaling, the rule's name for feature learning by neither; each layer's norm changed by a factor of at most 3 either way.");
  assert.match(reason([[0, 3], [2, 2], [1, 1]]), /; a layer starts or ends at exactly zero\.$/);
});

test('θ₀ = 0: a network that moved from exactly zero fails the distance\'s kernel test whatever the weights\' units (the distance is absolute there)', () => {
  // Three all-zero checkpoints, then A·s and A·s·1.01: the label was kernel at s = 1e-3, rescaling at 0.1.
  const fromZero = (s: number) => ({
    distance: [0, 0, 0, 5.17 * s, 5.22 * s],
    layers: [{ norm: [0, 0, 0, 3.58 * s, 3.61 * s] }, { norm: [0, 0, 0, 3.74 * s, 3.77 * s] }],
    alignment: [{ zeta: [null, null, null, 0.358, 0.358] }],
  });
  for (const scale of [1e-3, 0.1, 1e-30, 1e30]) {
    const s = layerScores(fromZero(scale))!;
    assert.equal(s.startsAtZero, true);
    assert.equal(layerLabel(s, 5), 'rescaling', `scale ${scale}`);
    const why = explainLayerLabel(s, 5);
    assert.equal(why.regime, 'feature learning');
    assert.deepEqual(why.criteria[0], { name: 'distance', text: 'Largest distance from the first checkpoint ‖θ − θ₀‖ (θ₀ = 0: relative to it, infinite)', value: null, threshold: 0.1, reached: true, decisive: true });
    assert.match(why.reasons[0], /^Checkpoints carry no data, so the distance stands for the tangent kernel; but every layer of the first checkpoint is exactly zero, and the network moved from it \(by up to [\de.+-]+ in the weights' own units\): relative to θ₀ = 0 that is infinitely far whatever those units, so the test of the relative distance fails: feature learning\.$/);
  }
  // The trainer's kernel test falls back to the distance when the kernel is not measured: the same rule.
  const omitted = { ...fromZero(1e-3), kernelChange: [null, null, null, null, null], tangentChange: [null, null, null, null, null], kernelOmitted: 'its 2,049 outputs …', trained: true };
  assert.equal(label(omitted), 'rescaling');
  assert.match(explainLayerLabel(layerScores(omitted)!, 5).reasons[0], /^The tangent kernel is not measured \(its 2,049 outputs …\), so the distance stands for it; but every layer of θ₀ is exactly zero/);
  // Measured kernels decide as before: θ₀ = 0 does not touch a test it does not take.
  assert.equal(label({ ...fromZero(1e-3), kernelChange: [0, 0, 0, 0, 0], tangentChange: [0, 0, 0, 0, 0] }), 'kernel');
  // Zero throughout: nothing moved, and the distance of 0 passes (or, trained, it is frozen).
  const still = { distance: [0, 0], layers: [{ norm: [0, 0] }], alignment: [] };
  assert.equal(label(still), 'kernel');
  assert.equal(layerScores(still)!.startsAtZero, true);
  // A single zero layer beside others is not θ₀ = 0: the distance is relative as usual.
  assert.equal(layerScores({ distance: [0, 0.05], layers: [{ norm: [0, 0.01] }, { norm: [1, 1] }], alignment: [] })!.startsAtZero, false);
  assert.equal(label({ distance: [0, 0.05], layers: [{ norm: [0, 0.01] }, { norm: [1, 1] }], alignment: [] }), 'kernel');
});

test('checkpoints: without a kernel, the largest distance from the first checkpoint is the kernel test', () => {
  const moved = (distance: number[], zeta: number[]) => ({ distance, layers: [{ norm: distance.map(() => 1) }, { norm: distance.map(() => 1) }], alignment: [{ zeta }] });
  assert.equal(label(moved([0, 0.02, 0.05], [0.1, 0.2, 0.5])), 'kernel', 'ζ moved but the weights barely: a random-features fit');
  assert.equal(label(moved([0, 0.4, 0.05], [0.1, 0.2, 0.5])), 'alignment', 'a series that went out and came back is not kernel');
  const s = layerScores(moved([0, 0.4, 0.05], [0.1, 0.2, 0.5]))!;
  assert.equal(s.kernelChange, null);
  assert.equal(s.maxDistance, 0.4);
  assert.equal(s.distance, 0.05);
  assert.equal(layerLabel(s, 3, { ...DEFAULT_LAYER_THRESHOLDS, distance: 0.5 }), 'kernel', 'the threshold is the file\'s');
  assert.equal(layerLabel(layerScores(moved([0], [0.1]))!, 1), null, 'one checkpoint: nothing has changed yet');
  // A middle checkpoint left out for NaN or ±∞ weights (said in its warning): the largest distance is
  // over the others' (it was NaN or ∞, printed null beside a label whose kernel test it had decided).
  const gap = layerScores(moved([0, NaN, 0.05], [0.1, null as unknown as number, 0.12]))!;
  assert.equal(gap.maxDistance, 0.05);
  assert.equal(layerLabel(gap, 3), 'kernel');
  assert.equal(layerScores(moved([0, NaN, 0.4], [0.1, 0.2, 0.5]))!.maxDistance, 0.4);
  assert.equal(layerScores(moved([0, Infinity, 0.05], [0.1, 0.2, 0.12]))!.maxDistance, 0.05, '±∞ weights in the middle checkpoint');
  // No distance finite (a first checkpoint of NaN or ±∞ weights, the reference of every one): NaN,
  // printed null as the distances are — it was 0, the largest of nothing.
  for (const distance of [[NaN], [NaN, NaN, NaN]]) {
    const none = layerScores(moved(distance, distance.map(() => 0.1)))!;
    assert.ok(Number.isNaN(none.maxDistance), `maxDistance of ${JSON.stringify(distance)}: ${none.maxDistance}`);
    assert.equal(layerLabel(none, distance.length), null);
  }
  assert.equal(layerScores(moved([0], [0.1]))!.maxDistance, 0, 'one finite checkpoint: 0 from itself');
});

test('a kernel measurement that is not finite never passes the kernel test: the largest distance from θ₀ stands for it, and the explanation says why', () => {
  for (const bad of [NaN, Infinity, -Infinity]) {
    // The first record's 0 is the only finite kernel measurement left: it must not decide "kernel".
    const c = { ...columns({ kernel: bad, tangent: 0.05, zeta: [[0.1, 0.1], [0.2, 0.2]], norms: [[1, 1], [1, 1], [1, 1]], distance: 0.7 }), kernelChange: [0, bad, bad] };
    const s = layerScores(c)!;
    assert.equal(s.kernelNotFinite, true);
    assert.equal(s.kernelChange, null);
    assert.equal(s.tangentChange, null, 'both are set aside together');
    assert.equal(label(c), 'rescaling', 'moved 0.7 from θ₀: feature learning, not kernel');
    const e = explainLayerLabel(s, 3);
    assert.equal(e.criteria[0].name, 'distance');
    assert.match(e.criteria[0].text, /from θ₀/);
    assert.match(e.reasons[0], /could not be measured in float32/);
    // A run that barely moved is still kernel, by the distance.
    assert.equal(label({ ...c, distance: [0, 0.02, 0.05] }), 'kernel');
  }
  // A tangent change that is not finite sets the kernel aside too; finite columns keep the kernel test.
  assert.equal(layerScores({ ...columns({ kernel: 0.05, tangent: NaN, zeta: [[0.1, 0.1]], norms: [[1, 1], [1, 1]] }) })!.kernelNotFinite, true);
  const fine = layerScores(columns({ kernel: 0.05, tangent: 0.05, zeta: [[0.1, 0.1]], norms: [[1, 1], [1, 1]] }))!;
  assert.equal(fine.kernelNotFinite, false);
  assert.equal(fine.kernelChange, 0.05);
  assert.equal(layerScores({ distance: [0, 0.4], layers: [{ norm: [1, 1] }], alignment: [] })!.kernelNotFinite, false, 'checkpoints: no kernel, nothing not finite');
});

test('a kernel never measured for too many outputs: the distance from θ₀ stands for it, and the reason names the outputs', () => {
  const c = { ...columns({ kernel: 0, tangent: 0, zeta: [[0.1, 0.1], [0.2, 0.2]], norms: [[1, 1], [1, 1], [1, 1]], distance: 0.7 }), kernelChange: [null, null, null], tangentChange: [null, null, null], kernelOmitted: 'its 5,000 outputs …' };
  const s = layerScores(c)!;
  assert.equal(s.kernelOmitted, 'its 5,000 outputs …');
  assert.equal(s.kernelNotFinite, false);
  const e = explainLayerLabel(s, 3);
  assert.equal(e.criteria[0].name, 'distance');
  assert.match(e.criteria[0].text, /from θ₀/, 'a training run\'s θ₀, not a first checkpoint');
  assert.match(e.reasons[0], /^The tangent kernel is not measured \(its 5,000 outputs …\), so the distance stands for it: the network moved at most 0\.7 ≥ 0\.1 from θ₀: feature learning\.$/);
  assert.equal(label({ ...c, distance: [0, 0.02, 0.05] }), 'kernel', 'a run that barely moved is kernel, by the distance');
  assert.equal(layerScores(columns({ kernel: 0.05, tangent: 0.05, zeta: [[0.1, 0.1]], norms: [[1, 1], [1, 1]] }))!.kernelOmitted, null);
});

test('weights that are not finite at either end (a checkpoint holding NaN) give no label, and say why', () => {
  // Before, a NaN norm made the balance change null — read as a layer gone to zero — and "rescaling".
  for (const bad of [NaN, Infinity]) {
    for (const at of ['first', 'last', 'distance'] as const) {
      const c = columns({ kernel: 0.5, tangent: 0.5, zeta: [[0.1, 0.1]], norms: [[1, 1], [1, 1]] });
      const norms = c.layers.map((l) => ({ norm: [...l.norm] }));
      const distance = [...c.distance];
      if (at === 'first') norms[0].norm[0] = bad;
      else if (at === 'last') norms[1].norm[2] = bad;
      else distance[2] = bad;
      const s = layerScores({ ...c, layers: norms, distance })!;
      assert.equal(s.weightsNotFinite, true, `${bad} at the ${at}`);
      assert.equal(layerLabel(s, 3), null, `${bad} at the ${at}`);
      assert.match(explainLayerLabel(s, 3).regime, /not finite/);
    }
  }
  // A NaN at a checkpoint in between: the scores are of the ends, which are finite.
  const middle = columns({ kernel: 0.5, tangent: 0.5, zeta: [[0.1, 0.1]], norms: [[1, 1], [1, 1]] });
  assert.equal(layerScores({ ...middle, layers: [{ norm: [1, NaN, 1] }, { norm: [1, 1, 1] }] })!.weightsNotFinite, false);
});

test('one rule: a two-layer network gets the linear model\'s label from the same scores', () => {
  const rng = new Rng(11);
  const labels = new Set<string>();
  for (let k = 0; k < 2000; k++) {
    const pick = (a: number, b: number) => a + (b - a) * rng.uniform();
    const kernel = Math.exp(pick(-6, 1));
    const tangent = Math.exp(pick(-6, 1));
    const [z0, z1] = [pick(0, 1), pick(0, 1)];
    const [u0, u1, w0, w1] = [pick(0.1, 2), pick(0.1, 20), pick(0.1, 2), pick(0.1, 20)];
    const distance = pick(0, 2);
    // W_1 = W (hidden), W_2 = uᵀ (output): the layers in network order.
    const c: LayerColumns = { kernelChange: [0, kernel], tangentChange: [0, tangent], distance: [0, distance], layers: [{ norm: [w0, w1] }, { norm: [u0, u1] }], alignment: [{ zeta: [z0, z1] }] };
    const expected = classify(scoresFromChanges(kernel, z1 - z0, Math.log(u1 / u0), Math.log(w1 / w0), distance, tangent), DEFAULT_THRESHOLDS);
    const got = label(c);
    assert.equal(got, expected, JSON.stringify(c));
    labels.add(got!);
  }
  assert.ok(labels.size >= 5, `the cases reach most labels: ${[...labels].join(', ')}`);
});

test('undefined pieces stay null: no kernel measured after step 0, a layer at zero, no records', () => {
  const s = layerScores({ kernelChange: [0, null], tangentChange: [0, null], distance: [0, 1], layers: [{ norm: [0, 1] }, { norm: [1, 1] }], alignment: [{ zeta: [null, 0.5] }] })!;
  assert.equal(s.kernelChange, null);
  assert.equal(s.tangentChange, null);
  assert.deepEqual(s.zetaChange, [null]);
  assert.equal(s.alignment, null);
  assert.deepEqual(s.normChange, [null, 0]);
  assert.equal(s.balanceChange, null);
  // Not known to be kernel (and it moved), and no ζ change known: rescaling.
  assert.equal(layerLabel(s, 2), 'rescaling');
  assert.equal(layerScores({ kernelChange: [], tangentChange: [], distance: [], layers: [], alignment: [] }), null);
});

test('a run in progress is scored on each pair\'s last measurement of ζ: its cadence may skip the latest record', () => {
  const base = columns({ kernel: 0.3, tangent: 0.2, zeta: [[0.1, 0.6], [0.5, 0.2]], norms: [[1, 1], [1, 1], [1, 1]] });
  // The latest record has no ζ (the verdict so far said "no pair's ζ changed" while the chart showed 0.1 → 0.6).
  const s = layerScores({ ...base, alignment: [{ zeta: [0.1, 0.6, null] }, { zeta: [0.5, null, null] }] })!;
  assert.deepEqual(s.zetaChange.map((z) => (z === null ? null : +z.toFixed(12))), [0.5, null], 'the second pair has no measurement since the first record');
  assert.equal(s.alignment, 0.5);
  assert.equal(layerLabel(s, 3), 'alignment');
});

test('a comparable loss that rose more than tenfold, still finite, gives no label and says so; tenfold or less, or a catapult that came down, keeps it', () => {
  const base = columns({ kernel: 0.8, tangent: 1, zeta: [[0.1, 0.3]], norms: [[1, 100], [1, 200]] });
  const withLoss = (values: (number | null)[], of: 'test' | 'training' = 'test') => ({ ...base, comparableLoss: { of, values } });
  // A tanh network at η = 10⁶ (its units saturated: its features never vanish, as a collapse's do) went 2.3 → 1.4·10⁶ on its test set.
  const blown = layerScores(withLoss([2.3, 40, 1.4e6]))!;
  assert.deepEqual(blown.lossBlewUp, { of: 'test', first: 2.3, last: 1.4e6 });
  assert.equal(layerLabel(blown, 3), null);
  const e = explainLayerLabel(blown, 3);
  assert.equal(e.regime, 'no label: the test loss blew up — from 2.3 at the first record to 1.4e6 at the last, more than 10 times, though it stayed finite — so the kernel, ζ and the norms moved with a blow-up, not with learning; a smaller learning rate or initialisation trains it');
  assert.match(explainLayerLabel(layerScores(withLoss([1, 2, 50], 'training'))!, 3).regime, /^no label: the training loss blew up — from 1 at the first record to 50 at the last/);
  // Up to ten times the first loss is labelled (noise of a run that barely moved, a slow start); a catapult's spike in the middle is.
  for (const loss of [[2.3, 5, 23], [2.3, 2.2, 2.31], [2.3, 5e4, 0.4], [0, 1, 5], [2.3, 1, NaN], [null, 1, 50]]) {
    const s = layerScores(withLoss(loss))!;
    assert.equal(s.lossBlewUp, null, loss.join(' → '));
    assert.notEqual(layerLabel(s, 3), null, loss.join(' → '));
  }
  // Without a comparable loss (a minibatch run without a test set, checkpoints) there is no such test.
  assert.equal(layerScores(base)!.lossBlewUp, null);
});

test('a training run whose kernel is measured at θ₀ only so far takes the distance from θ₀, and says so — not "from its first checkpoint"', () => {
  // At step 80 of a long run the verdict read "Largest distance from the first checkpoint … (checkpoints carry no data, …)".
  const early = layerScores({ kernelChange: [0, null, null], tangentChange: [0, null, null], distance: [0, 0.2, 0.327], layers: [{ norm: [1, 1.1, 1.2] }, { norm: [1, 1, 1.1] }], alignment: [{ zeta: [0.1, null, 0.15] }] })!;
  assert.equal(early.kernelPending, true);
  assert.equal(early.kernelChange, null);
  const e = explainLayerLabel(early, 3);
  assert.equal(e.criteria[0].text, 'Largest distance from θ₀ ‖θ − θ₀‖/‖θ₀‖');
  assert.equal(e.reasons[0], 'The tangent kernel has been measured at θ₀ only so far (the measurements are spaced by their cost), so until the next one the distance stands for it: the network moved at most 0.327 ≥ 0.1 from θ₀: feature learning.');
  assert.doesNotMatch(JSON.stringify(e), /checkpoint/);
  // Measured again: the kernel test; checkpoints (no kernel column): theirs, worded as before.
  assert.equal(layerScores({ kernelChange: [0, null, 0.05], tangentChange: [0, null, 0.04], distance: [0, 0.2, 0.327], layers: [{ norm: [1, 1.1, 1.2] }, { norm: [1, 1, 1.1] }], alignment: [{ zeta: [0.1, null, 0.15] }] })!.kernelPending, false);
  const checkpoints = layerScores({ distance: [0, 0.2, 0.327], layers: [{ norm: [1, 1.1, 1.2] }, { norm: [1, 1, 1.1] }], alignment: [{ zeta: [0.1, null, 0.15] }] })!;
  assert.equal(checkpoints.kernelPending, false);
  assert.match(explainLayerLabel(checkpoints, 3).reasons[0], /from its first checkpoint \(checkpoints carry no data/);
});
