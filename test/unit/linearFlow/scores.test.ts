/**
 * Issue 8, kind 3: the scores of an exact run agree with their own series. The end of a run is the
 * series' limit (the same formulas at t = ∞), so the distance score is the distance series' last value
 * once the flow has converged; likewise for the phase diagram's cells.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { phaseDiagramSync } from '../../../src/core/analysis/phase/phaseDiagram';
import { withValue } from '../../../src/core/analysis/sweep';
import { Experiment } from '../../../src/core/experiment/experiment';
import { parseExperiment } from '../../../src/core/experiment/parse';
import { Rng } from '../../../src/core/math/rng';
import { SCORE_NAMES } from '../../../src/core/mechanisms/classify';
import { solve } from '../../../src/core/runs/solve';
import { referenceFlowDD } from '../../reference/doubleDouble';

function experimentOf(raw: object): Experiment {
  const { experiment, diagnostics } = parseExperiment(JSON.stringify(raw));
  assert.deepEqual(diagnostics.map((d) => d.message), [], JSON.stringify(raw));
  return experiment!;
}

const neuron = (etaW: number) => ({ model: { width: 1 }, data: { x: [1, 0], y: 1 }, init: { u: [0.3], W: [[0.2, 0.5]] }, learningRates: { u: 1, W: etaW }, time: { end: 1e-3 } });

test('a single neuron with η_W = 1e50 (and 1e30): scores.distance is the distance series at its end, 5.0829 (was 0, and 4.7547)', () => {
  // Right value, by hand: the output fits y = 1 with v = Wn moving alone (η_W ≫ η_u), u fixed at 0.3, so
  // v → 1/0.3; W_⊥ = 0.5 never moves: ‖θ − θ₀‖ = 1/0.3 − 0.2 over ‖θ₀‖ = √(0.09 + 0.04 + 0.25).
  const expected = (1 / 0.3 - 0.2) / Math.sqrt(0.09 + 0.04 + 0.25);
  assert.ok(Math.abs(expected - 5.0829) < 1e-4);
  for (const etaW of [1e50, 1e30]) {
    const t = solve(experimentOf(neuron(etaW)));
    const last = t.distance[t.distance.length - 1];
    const score = t.summary.scores!.distance;
    assert.ok(Math.abs(score - expected) <= 1e-12 * expected, `η_W = ${etaW}: score ${score} vs ${expected}`);
    assert.ok(Math.abs(last - expected) <= 1e-12 * expected, `η_W = ${etaW}: series ${last}`);
    // And it is a kernel-regime fit: u does not move, v moves by a tiny fraction of the rescaled pair.
    assert.equal(t.summary.label, 'kernel');
    const tangent = t.summary.scores!.tangentChange!;
    assert.ok(tangent > 0 && Math.abs(tangent * etaW ** 0.5 / ((1 / 0.3 - 0.2) / 0.3) - 1) < 1e-6, `tangentChange ${tangent}`);
  }
});

test('every score equals its series far past the horizon, over random experiments (the end of a run is its series limit)', () => {
  const rng = new Rng(8801);
  let checked = 0;
  for (let i = 0; i < 60; i++) {
    const d = 1 + Math.floor(rng.uniform() * 20);
    const raw = {
      model: { width: d, outputScale: Math.exp(4 * rng.normal()) },
      data: { x: [1, rng.normal()], y: (rng.uniform() < 0.5 ? -1 : 1) * Math.exp(2 * rng.normal()) },
      init: { scaleU: Math.exp(3 * rng.normal()), scaleW: Math.exp(3 * rng.normal()), seed: i },
      learningRates: { u: Math.exp(6 * rng.normal()), W: Math.exp(6 * rng.normal()) },
    };
    const base = solve(experimentOf(raw));
    const T = base.summary.horizon;
    const late = solve(experimentOf({ ...raw, time: { at: [0, 1e6 * T] } }));
    const s = base.summary.scores!;
    const last = late.t.length - 1;
    const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
    assert.ok(rel(s.distance, late.distance[last]) <= 1e-9, `#${i} distance ${s.distance} vs ${late.distance[last]}`);
    // The score is the maximum over the path (the end, or the kernel's minimum where f crosses zero);
    // the series' K(∞)/K(0) − 1 carries an absolute rounding error of a few ε.
    const endChange = Math.abs(late.ntk![last] / late.ntk![0] - 1);
    assert.ok(s.kernelChange! >= endChange * (1 - 1e-7) - 1e-14, `#${i} kernelChange ${s.kernelChange!} < ${endChange}`);
    const crosses = Math.sign(late.output[0]) !== Math.sign(late.output[last]);
    if (!crosses) assert.ok(Math.abs(s.kernelChange! - endChange) <= 1e-7 * endChange + 1e-14, `#${i} kernelChange ${s.kernelChange!} vs ${endChange}`);
    if (s.normChangeU !== null) assert.ok(Math.abs(s.normChangeU - Math.log(late.normU[last] / late.normU[0])) <= 1e-9 * Math.max(1, Math.abs(s.normChangeU)), `#${i} normChangeU`);
    if (s.zetaChange !== null) assert.ok(Math.abs(s.zetaChange - (Math.abs(late.zeta[last]!) - Math.abs(late.zeta[0]!))) <= 1e-9, `#${i} zetaChange`);
    checked++;
  }
  assert.equal(checked, 60);
});

test('the distance score against the double-double reference for layers 1e4 times apart in the rate metric', () => {
  const e = experimentOf({ ...neuron(1e8), time: { at: [0, 1e-3] } });
  const ref = referenceFlowDD(e, [0, 1e-3]);
  const t = solve(e);
  assert.ok(Math.abs(t.summary.scores!.distance / ref.distance[1] - 1) < 1e-9, `${t.summary.scores!.distance} vs ${ref.distance[1]}`);
});

test('phase diagram cells have the scores of one solve each, also for unbalanced layers (the hover showed the same wrong values)', () => {
  const e = experimentOf({ model: { width: 1 }, data: { x: [1, 0], y: 1 }, init: { scaleU: 0.3, scaleW: 0.4, seed: 5 }, learningRates: { u: 1, W: 1 } });
  const p = phaseDiagramSync(e, { key: 'learningRates.W', from: 1, to: 1e50 }, { key: 'learningRates.u', from: 1e-3, to: 1e3 }, [11, 4]);
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 11; j++) {
      const variant = withValue(withValue(e, 'learningRates.W', p.x.values[j]), 'learningRates.u', p.y.values[i]);
      const run = solve(variant);
      const cell = run.summary.scores!;
      // The cell's distance is also its own series' end, far past the horizon (independently of the scores' code).
      const late = solve({ ...variant, time: { kind: 'at', at: [0, 1e6 * run.summary.horizon] } });
      const d = p.scores.distance[i * 11 + j];
      assert.ok(Math.abs(d - late.distance[1]) <= 1e-9 * late.distance[1], `(${i}, ${j}) distance ${d} vs series ${late.distance[1]}`);
      for (const name of SCORE_NAMES) {
        const v = p.scores[name][i * 11 + j];
        const w = cell[name];
        if (w === null) assert.ok(Number.isNaN(v), `(${i}, ${j}) ${name}`);
        // Relative for the sizes; absolute (a few ε) for the log and ζ changes, which are near 0 here.
        else assert.ok(Math.abs(v - w) <= 1e-8 * Math.abs(w) + 1e-13, `(${i}, ${j}) ${name}: ${v} vs ${w}`);
      }
    }
  }
});
