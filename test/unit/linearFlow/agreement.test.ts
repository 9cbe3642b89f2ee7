/**
 * The exact solver against an independent high-accuracy integration of the ORIGINAL gradient flow
 * over all d(D+1) parameters (test/reference: Gragg–Bulirsch–Stoer extrapolation of order 16,
 * componentwise relative tolerance 1e-13 per step, on the displacement θ − θ₀; for the nearly
 * (anti-)aligned and parallel categories the same method of order 20 in double-double arithmetic at
 * 1e-20, because those are ill-conditioned in the original variables), over hundreds of seeded
 * random experiments.
 *
 * Agreement means, for each of output, loss, zeta, normU, normW, ntk and distance at every reported
 * time, |solver − reference| ≤ 1e-8 · max(|reference|, 1e-3 · max over the series |reference|)
 * (test/reference/compare.ts explains the floor). The horizon is the solver's own default one
 * (plateau, transition and convergence to within 1e-3 of the limit), linear or log spaced.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseExperiment } from '../../../src/core/experiment/parse';
import { Experiment } from '../../../src/core/experiment/experiment';
import { solve } from '../../../src/core/runs/solve';
import { compareSeries, QUANTITIES, Quantity, trajectoryProblems, WorstError } from '../../reference/compare';
import { CATEGORIES, LabelledConfig, needsDoubleDouble, randomConfigs, RawExperiment } from '../../reference/configs';
import { referenceFlowDD } from '../../reference/doubleDouble';
import { IntegratorOptions } from '../../reference/extrapolation';
import { initialState, networkOf, referenceFlow } from '../../reference/network';

const TOLERANCE = 1e-8;

function experimentOf(raw: RawExperiment): Experiment {
  const { experiment, diagnostics } = parseExperiment(JSON.stringify(raw));
  assert.deepEqual(diagnostics.map((d) => d.message), [], 'the generated experiment is valid');
  assert.ok(experiment);
  return experiment;
}

interface Worst extends WorstError {
  label: string;
}

/** Runs every configuration; returns the worst error per quantity and every configuration that fails. */
function checkAgreement(configs: LabelledConfig[], tolerance: (e: Experiment) => number = () => TOLERANCE, integrator: Partial<IntegratorOptions> = {}): { worst: Record<Quantity, Worst>; failures: string[] } {
  const worst = {} as Record<Quantity, Worst>;
  for (const q of QUANTITIES) worst[q] = { error: 0, index: -1, solver: null, reference: null, label: '' };
  const failures: string[] = [];
  for (const { label, raw } of configs) {
    const experiment = experimentOf(raw);
    let where = 'solve';
    try {
      const traj = solve(experiment);
      const problems = trajectoryProblems(traj);
      if (problems.length > 0) throw new Error(problems.join('; '));
      where = 'reference';
      const ref = needsDoubleDouble(label) ? referenceFlowDD(experiment, traj.t) : referenceFlow(experiment, traj.t, { maxSteps: 40_000, ...integrator });
      const allowed = tolerance(experiment);
      const errors = compareSeries(traj, ref);
      const bad: string[] = [];
      for (const q of QUANTITIES) {
        const e = errors[q];
        if (e.error > worst[q].error) worst[q] = { ...e, label };
        if (!(e.error <= allowed)) bad.push(`${q}: error ${e.error.toExponential(2)} at t[${e.index}] = ${traj.t[e.index]} (solver ${e.solver}, reference ${e.reference})`);
      }
      if (bad.length > 0) failures.push(`${label}: ${bad.join('; ')}\n  ${JSON.stringify(raw).slice(0, 2000)}`);
    } catch (err) {
      failures.push(`${label}: ${where} threw ${(err as Error).message}\n  ${JSON.stringify(raw).slice(0, 2000)}`);
    }
  }
  return { worst, failures };
}

function report(t: { diagnostic: (m: string) => void }, worst: Record<Quantity, Worst>): void {
  for (const q of QUANTITIES) {
    const w = worst[q];
    t.diagnostic(`worst ${q}: ${w.error.toExponential(2)} (${w.label || 'exact everywhere'})`);
  }
}

test('the exact solver agrees with the full-parameter gradient flow over 312 random experiments', (t) => {
  const configs = randomConfigs(312, 20260128, { maxWidth: 200, wideWidth: 3000, misalignment: [1e-6, 1e-2] });
  assert.equal(configs.length, CATEGORIES.length * 24);
  const { worst, failures } = checkAgreement(configs);
  report(t, worst);
  assert.equal(failures.length, 0, `${failures.length} of ${configs.length} experiments disagree:\n${failures.slice(0, 12).join('\n')}`);
});

/**
 * √(max(P, Q) / min(P, Q)) with P = |ũ + ṽ|², Q = |ũ − ṽ|²: how much a rounding of the inputs is
 * amplified. Misaligning ũ ≈ ±ṽ by a relative ε leaves the small one of p, q at ε of the large
 * one; 64-bit inputs fix it only to 2^-53/ε, and that part decides the dynamics after the layers
 * turn round. No 64-bit computation can do better than ~2^-53·κ, so near this limit the test asks
 * for backward stability: agreement to max(1e-8, 16·2^-53·κ) (observed up to ~4·2^-53·κ, in the loss,
 * which squares the residual; the margin covers the rounding of n and of the sums over neurons).
 */
function conditionNumber(e: Experiment): number {
  const net = networkOf(e);
  const theta = initialState(e);
  let P = 0;
  let Q = 0;
  for (let i = 0; i < net.d; i++) {
    let v = 0;
    for (let j = 0; j < net.D; j++) v += theta[net.d + i * net.D + j] * net.n[j];
    const a = theta[i] / Math.sqrt(net.etaU);
    const b = v / Math.sqrt(net.etaW);
    P += (a + b) ** 2;
    Q += (a - b) ** 2;
  }
  return Math.sqrt(Math.max(P, Q) / Math.min(P, Q));
}

test('nearly (anti-)aligned down to ε = 1e-14: the solver is backward stable (error ≤ max(1e-8, 16·2^-53·κ))', (t) => {
  const configs = randomConfigs(40, 99, { only: ['nearly aligned (ũ ≈ ṽ, Q → 0)', 'nearly anti-aligned (ũ ≈ −ṽ, P → 0)'], misalignment: [1e-14, 1e-6], alignedWidth: 6 });
  const { worst, failures } = checkAgreement(configs, (e) => Math.max(TOLERANCE, 16 * 2 ** -53 * conditionNumber(e)));
  report(t, worst);
  assert.equal(failures.length, 0, failures.join('\n'));
});

test('the exact solver agrees with the full-parameter flow at widths 10³ and 10⁴', (t) => {
  // The reference integrates all d(D+1) parameters, so these two are the slow ones: few points,
  // D ≤ 2, and a per-step tolerance of 1e-12 (still ≥ 100× below the bar).
  const configs: LabelledConfig[] = [
    { label: 'width 1000, plateau (small init)', raw: { model: { width: 1000, outputScale: 0.03 }, data: { x: [0.6, -0.8], y: 1 }, init: { scaleU: 1e-3, scaleW: 1e-3, seed: 1 }, learningRates: { u: 1, W: 2 }, time: { points: 10 } } },
    { label: 'width 10000, near the kernel regime (large init)', raw: { model: { width: 10_000, outputScale: 0.01 }, data: { x: [1.5], y: -2 }, init: { scaleU: 1, scaleW: 1, seed: 2 }, learningRates: { u: 1, W: 0.5 }, time: { points: 10 } } },
  ];
  const { worst, failures } = checkAgreement(configs, undefined, { rtol: 1e-12, columns: 7 });
  report(t, worst);
  assert.equal(failures.length, 0, failures.join('\n'));
});

test('the distance from θ₀ keeps its relative accuracy at early times (t = 1e-14 … 1e-4)', () => {
  // S(t) ≈ λ r₀ t is tiny here; the distance is first order in it and must not be lost to cancellation.
  for (const init of [{ u: [1], W: [[1]] }, { u: [1, 0.5], W: [[0.3], [0.2]] }]) {
    const raw: RawExperiment = { model: { width: init.u.length, outputScale: 1 }, data: { x: [1], y: 2 }, init, learningRates: { u: 1, W: 1 }, time: { at: [0, 1e-14, 1e-12, 1e-10, 1e-8, 1e-6, 1e-4] } };
    const experiment = experimentOf(raw);
    const traj = solve(experiment);
    const ref = referenceFlowDD(experiment, traj.t);
    for (let k = 1; k < traj.t.length; k++) {
      const rel = Math.abs(traj.distance[k] - ref.distance[k]) / ref.distance[k];
      assert.ok(rel <= TOLERANCE, `${JSON.stringify(raw)}\n  distance at t = ${traj.t[k]}: solver ${traj.distance[k]}, reference ${ref.distance[k]} (relative error ${rel.toExponential(2)})`);
    }
  }
});

test('one layer 1e12 times smaller than the other: |u| and ζ keep their relative accuracy (t = 0 included)', () => {
  for (const rates of [{ u: 1, W: 1 }, { u: 10, W: 1e-3 }]) {
    const raw: RawExperiment = { model: { width: 2, outputScale: 1 }, data: { x: [1], y: -1 }, init: { u: [1e-12, 2e-12], W: [[30], [10]] }, learningRates: rates, time: { at: [0, 1e-4, 1e-3, 1e-2] } };
    const experiment = experimentOf(raw);
    const traj = solve(experiment);
    const ref = referenceFlowDD(experiment, traj.t);
    // At t = 0: |u| = √5·1e-12 and ζ = (30 + 20)/(√5·√1000) exactly as the weights give them.
    assert.ok(Math.abs(ref.normU[0] - Math.sqrt(5) * 1e-12) <= 1e-15 * ref.normU[0]);
    for (let k = 0; k < traj.t.length; k++) {
      for (const q of ['normU', 'zeta'] as const) {
        const a = traj[q][k] as number;
        const b = ref[q][k] as number;
        assert.ok(Math.abs(a - b) <= TOLERANCE * Math.abs(b), `${JSON.stringify(raw)}\n  ${q} at t = ${traj.t[k]}: solver ${a}, reference ${b} (relative error ${(Math.abs(a - b) / Math.abs(b)).toExponential(2)})`);
      }
    }
  }
});
