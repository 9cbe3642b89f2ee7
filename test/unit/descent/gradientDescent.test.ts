/**
 * The gradient-descent simulator (`simulate`, step k reported at t = k) against a plain full-batch
 * gradient-descent loop over (u, W) written here (test/reference/network.ts `referenceDescent`),
 * and against the exact flow as the rates shrink (first-order convergence).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseExperiment } from '../../../src/core/experiment/parse';
import { Activation, Experiment } from '../../../src/core/experiment/experiment';
import { simulate } from '../../../src/core/runs/simulate';
import { solve } from '../../../src/core/runs/solve';
import { Series, Trajectory } from '../../../src/core/trajectory/trajectory';
import { trajectoryProblems } from '../../reference/compare';
import { logUniform, randomConfigs, RawExperiment } from '../../reference/configs';
import { referenceDescent } from '../../reference/network';
import { Rng } from '../../../src/core/math/rng';

function experimentOf(raw: RawExperiment): Experiment {
  const { experiment, diagnostics } = parseExperiment(JSON.stringify(raw));
  assert.deepEqual(diagnostics.map((d) => d.message), [], `valid experiment: ${JSON.stringify(raw).slice(0, 300)}`);
  assert.ok(experiment);
  return experiment;
}

const QUANTITIES = ['output', 'loss', 'zeta', 'normU', 'normW', 'ntk', 'distance'] as const;

/**
 * |a − b| / max over the series |b|, per reported step (the worst quantity at each step): gradient
 * descent is compared to the scale of each series, since the plain loop and the simulator round
 * differently and a near-zero crossing amplifies rounding in relative terms but not against the
 * series' scale.
 */
function pointErrors(a: Series, b: Series, m: number): { errors: number[]; quantities: string[] } {
  const errors = new Array<number>(m).fill(0);
  const quantities = new Array<string>(m).fill('');
  for (const q of QUANTITIES) {
    const x = q === 'ntk' ? a.ntk : a[q];
    const y = q === 'ntk' ? b.ntk : b[q];
    if (!x || !y) continue;
    let scale = 0;
    for (let k = 0; k < m; k++) if (y[k] !== null) scale = Math.max(scale, Math.abs(y[k] as number));
    for (let k = 0; k < m; k++) {
      const u = x[k];
      const v = y[k];
      const e = u === v ? 0 : u === null || v === null ? Infinity : Math.abs(u - v) / scale;
      if (!(e <= errors[k])) {
        errors[k] = e;
        quantities[k] = q;
      }
    }
  }
  return { errors, quantities };
}

function descentErrors(traj: Series, ref: Series): { worst: number; quantity: string; at: number } {
  assert.deepEqual(traj.t, ref.t, 'same reported steps');
  const { errors, quantities } = pointErrors(traj, ref, traj.t.length);
  let k = 0;
  for (let j = 1; j < errors.length; j++) if (!(errors[j] <= errors[k])) k = j;
  return { worst: errors[k] ?? 0, quantity: quantities[k] ?? '', at: traj.t[k] };
}

/** Rates scaled so that λ|r₀| (the step's relative size) is `stepSize`, keeping the experiment's rate ratio. */
function withStepSize(raw: RawExperiment, stepSize: number): RawExperiment {
  const e = experimentOf(raw);
  const traj = solve({ ...e, time: { kind: 'at', at: [0] } });
  const lambda = traj.summary.lambda ?? 1;
  const r0 = Math.abs(traj.output[0] - traj.summary.effectiveTarget);
  const kernel = Math.max(traj.ntk![0], lambda * r0, 1e-300);
  const scale = stepSize / kernel;
  return { ...raw, learningRates: { u: raw.learningRates.u * scale, W: raw.learningRates.W * scale } };
}

/**
 * Tolerances against the plain loop, as a fraction of each series' scale: the simulator's own plain
 * loop must match to 1e-12; the O(1) recursion multiplies its coefficients α_k = Π(1 − λr_j) step by
 * step, so 1e-10. Large steps (λ|r| ≳ 1) can make gradient descent chaotic: a 4-ulp change of θ₀
 * then grows to O(1) within tens of steps and no two computations can agree past that. So at each
 * step the bound is raised by 100× the spread that such a perturbation of the plain loop produces,
 * and once that spread reaches 1e-3 of the scale (past the run's predictability horizon, where one
 * perturbation no longer measures the envelope) the comparison stops.
 */
const PREDICTABLE_SPREAD = 1e-3;
const PLAIN_TOLERANCE = 1e-12;
const RECURSION_TOLERANCE = 1e-10;

test('linear network: simulate (the O(1) recursion) equals a plain gradient-descent loop to 1e-10, simulate --reference to 1e-12 (beyond the predictability horizon of chaotic runs: their own spread)', (t) => {
  const configs = randomConfigs(120, 8080, { maxWidth: 60, alignedWidth: 20, misalignment: [1e-6, 1e-2] });
  const failures: string[] = [];
  const worst = { recursion: { error: 0, label: '' }, plain: { error: 0, label: '' } };
  const rng = new Rng(17);
  for (const { label, raw } of configs) {
    // Step sizes λ|r₀| from gentle to beyond the stability limit (catapults and divergence included).
    const stepSize = logUniform(rng, 1e-3, 3);
    const scaled = withStepSize(raw, stepSize);
    scaled.time = { end: 200, points: 41 };
    const e = experimentOf(scaled);
    try {
      const steps = simulateSteps(e);
      const ref = referenceDescent(e, steps);
      const spread = referenceDescent(e, steps, 4 * 2 ** -53);
      for (const reference of [false, true]) {
        const name = reference ? 'simulate --reference' : 'simulate';
        const run = simulate(e, { reference });
        const problems = trajectoryProblems(run);
        // The run also reports its catapult window's steps (docs/finite-rates.md §3): compare on the grid's.
        const traj = onSteps(run, ref.series.t);
        if (problems.length > 0) throw new Error(`${name}: ${problems.join('; ')}`);
        if (ref.diverged !== null && traj.summary.diverged === null) throw new Error(`${name}: the plain loop overflows at step ${ref.diverged}, the simulator reports no divergence`);
        // Compare up to where both have numbers (a diverging run ends at its last finite step).
        const m = Math.min(traj.t.length, ref.series.t.length, spread.series.t.length);
        assert.deepEqual(traj.t.slice(0, m), ref.series.t.slice(0, m));
        const own = pointErrors(spread.series, ref.series, m).errors;
        const { errors, quantities } = pointErrors(traj, ref.series, m);
        const tolerance = reference ? PLAIN_TOLERANCE : RECURSION_TOLERANCE;
        for (let k = 0; k < m && own[k] < PREDICTABLE_SPREAD; k++) {
          const bound = tolerance + 100 * own[k];
          if (own[k] < 1e-13 && errors[k] > worst[reference ? 'plain' : 'recursion'].error) worst[reference ? 'plain' : 'recursion'] = { error: errors[k], label: `${label} step ${traj.t[k]} ${quantities[k]}` };
          if (!(errors[k] <= bound)) throw new Error(`${name}: ${quantities[k]} off by ${errors[k].toExponential(2)} of its scale at step ${traj.t[k]} (bound ${bound.toExponential(2)}; step size λ|r₀| = ${stepSize.toPrecision(3)})`);
        }
      }
    } catch (err) {
      failures.push(`${label}: ${(err as Error).message}\n  ${JSON.stringify(scaled).slice(0, 700)}`);
    }
  }
  t.diagnostic(`worst where rounding is not amplified: recursion ${worst.recursion.error.toExponential(2)} (${worst.recursion.label}), plain ${worst.plain.error.toExponential(2)} (${worst.plain.label})`);
  assert.equal(failures.length, 0, `${failures.length} failures:\n${failures.slice(0, 8).join('\n')}`);
});

/** The points of a run at the given steps (those it reports of them, in order). */
function onSteps(run: Trajectory, steps: readonly number[]): Trajectory {
  const keep = new Set(steps);
  const index = run.t.flatMap((t, k) => (keep.has(t) ? [k] : []));
  const pick = <T>(a: T[] | undefined): T[] | undefined => a && index.map((k) => a[k]);
  return { ...run, t: pick(run.t)!, output: pick(run.output)!, loss: pick(run.loss)!, zeta: pick(run.zeta)!, normU: pick(run.normU)!, normW: pick(run.normW)!, ntk: pick(run.ntk), distance: pick(run.distance)!, objective: pick(run.objective) };
}

function simulateSteps(e: Experiment): number[] {
  if (e.time.kind === 'at') return e.time.at;
  const end = e.time.end ?? 0;
  return Array.from({ length: e.time.points }, (_, k) => Math.round((k * end) / (e.time.kind === 'grid' ? e.time.points - 1 : 1)));
}

test('every activation: simulate equals the plain gradient-descent loop to 1e-12 of each series', () => {
  const activations: Activation[] = ['relu', 'leaky_relu', 'tanh', 'sigmoid', 'swish', 'linear'];
  const failures: string[] = [];
  for (const activation of activations) {
    for (let seed = 0; seed < 4; seed++) {
      const raw: RawExperiment = {
        model: { width: [1, 5, 40, 200][seed], outputScale: [1, 0.5, 0.2, 0.05][seed], activation },
        data: seed % 2 === 0 ? { x: [0.5, -1, 0.25].slice(0, 1 + seed), y: 0.7 } : { samples: [{ x: [1, 2], y: 1 }, { x: [-0.5, -1], y: 0.2 }, { x: [2, 4], y: -0.3 }] },
        init: { scaleU: 0.5, scaleW: 0.8, seed: 100 + seed },
        learningRates: { u: 0.05, W: [0.05, 0.2, 0.01, 0.5][seed] },
        time: { end: 300, points: 31 },
      };
      const e = experimentOf(raw);
      const traj = simulate(e, { reference: true });
      try {
        assert.deepEqual(trajectoryProblems(traj), []);
        const ref = referenceDescent(e, traj.t);
        assert.equal(ref.diverged, null);
        const err = descentErrors(traj, ref.series);
        if (!(err.worst <= 1e-12)) throw new Error(`${err.quantity} off by ${err.worst.toExponential(2)} of its scale at step ${err.at}`);
        // Small rates: the loss decreases (to rounding).
        const scale = Math.max(...traj.loss);
        for (let k = 1; k < traj.t.length; k++) if (!(traj.loss[k] <= traj.loss[k - 1] + 1e-13 * scale)) throw new Error(`loss rises at step ${traj.t[k]}: ${traj.loss[k - 1]} → ${traj.loss[k]}`);
      } catch (err) {
        failures.push(`${activation} #${seed}: ${(err as Error).message}\n  ${JSON.stringify(raw)}`);
      }
    }
  }
  assert.equal(failures.length, 0, failures.join('\n'));
});

test('huge rates diverge: summary.diverged is set and every number printed is finite (every activation but relu)', () => {
  // ReLU is left out on purpose: its first huge step turns every unit off (a dead network, loss ½y²
  // from then on), which is what gradient descent does; tested below.
  for (const activation of ['linear', 'leaky_relu', 'tanh', 'sigmoid', 'swish'] as Activation[]) {
    const raw: RawExperiment = { model: { width: 16, outputScale: 1, activation }, data: { x: [1, 0.5], y: 2 }, init: { scaleU: 1, scaleW: 1, seed: 4 }, learningRates: { u: 1e3, W: 1e3 }, time: { end: 2000, points: 101 } };
    const traj = simulate(experimentOf(raw));
    assert.deepEqual(trajectoryProblems(traj), [], activation);
    assert.ok(traj.summary.diverged, `${activation}: divergence reported`);
    assert.ok(traj.summary.diverged.step >= 1 && traj.summary.diverged.step <= 2000, `${activation}: diverged at step ${traj.summary.diverged.step}`);
  }
});

test('rates beyond the largest stable ones, no time.end: descent runs until it blows up, so the divergence is seen (the flow\'s one step showed a 10¹³-fold loss, no divergence and a label)', () => {
  const raw: RawExperiment = { model: { width: 64, outputScale: 1 }, data: { x: [1], y: 1 }, init: { scaleU: 0.001, scaleW: 0.001, seed: 1 }, learningRates: { u: 1e6, W: 1e6 } };
  const traj = simulate(experimentOf(raw));
  assert.ok(traj.summary.maxStableRateScale! < 1e-5, `maxStableRateScale ${traj.summary.maxStableRateScale}`);
  assert.deepEqual(traj.summary.diverged, { step: 3 });
  assert.equal(traj.summary.horizon, 3, 'the grid ends where the run blew up');
  assert.equal(traj.summary.label ?? null, null);
  // Stable rates: descent settles (residual at 10⁻³ of its start, kernel below 2) at step 32; the flow's horizon, 14 steps,
  // stopped it at a loss of 0.0012 while its kernel still swung about 2 (1.36, 2.02, 1.60, 1.94, …).
  const stable = simulate(experimentOf({ ...raw, learningRates: { u: 0.9, W: 0.9 } }));
  assert.ok(stable.summary.maxStableRateScale! >= 1, `stable: ${stable.summary.maxStableRateScale}`);
  assert.equal(stable.summary.horizon, 32);
  assert.equal(stable.summary.diverged, null);
});

test('linear network: gradient descent converges to the exact flow at first order (halve the rates, double the steps: the error halves)', () => {
  const cases: RawExperiment[] = [
    { model: { width: 20, outputScale: 1 }, data: { x: [1, -0.5], y: 1.5 }, init: { scaleU: 1e-2, scaleW: 1e-2, seed: 1 }, learningRates: { u: 1, W: 1 } },
    { model: { width: 50, outputScale: 0.3 }, data: { samples: [{ x: [1], y: 1 }, { x: [2], y: -0.5 }] }, init: { scaleU: 1, scaleW: 0.3, seed: 2 }, learningRates: { u: 4, W: 0.5 } },
    { model: { width: 5, outputScale: 2 }, data: { x: [0.5], y: -1 }, init: { scaleU: 0.5, scaleW: 0.5, seed: 3 }, learningRates: { u: 0.1, W: 1 } },
  ];
  for (const raw of cases) {
    const e = experimentOf({ ...raw, time: { points: 2 } });
    const T = solve(e).summary.horizon;
    // Flow times on a coarse grid; GD with rates η·h runs T/h steps for flow time T.
    const times = [0.25, 0.5, 0.75, 1].map((f) => f * T);
    const exact = solve(experimentOf({ ...raw, time: { at: times } }));
    const scale = Math.max(...exact.output.map(Math.abs), Math.abs(exact.summary.effectiveTarget));
    const errors: number[] = [];
    for (const steps of [1600, 3200, 6400, 12800]) {
      const h = T / steps;
      const gd = simulate(experimentOf({ ...raw, learningRates: { u: raw.learningRates.u * h, W: raw.learningRates.W * h }, time: { at: times.map((t) => Math.round(t / h)) } }));
      assert.equal(gd.summary.diverged, null);
      let worst = 0;
      for (let k = 0; k < times.length; k++) worst = Math.max(worst, Math.abs(gd.output[k] - exact.output[k]) / scale);
      errors.push(worst);
    }
    for (let i = 1; i < errors.length; i++) {
      const ratio = errors[i - 1] / errors[i];
      assert.ok(ratio > 1.8 && ratio < 2.2, `${JSON.stringify(raw)}: errors ${errors.map((x) => x.toExponential(2)).join(', ')} do not halve (ratio ${ratio.toFixed(3)})`);
    }
    assert.ok(errors[errors.length - 1] < 1e-2, `error at 12800 steps: ${errors[errors.length - 1]}`);
  }
});

test('relu with huge rates: every unit dies, the loss settles at ½y² and stays finite', () => {
  const raw: RawExperiment = { model: { width: 16, outputScale: 1, activation: 'relu' }, data: { x: [1, 0.5], y: 2 }, init: { scaleU: 1, scaleW: 1, seed: 4 }, learningRates: { u: 1e3, W: 1e3 }, time: { end: 2000, points: 101 } };
  const e = experimentOf(raw);
  const traj = simulate(e);
  assert.deepEqual(trajectoryProblems(traj), []);
  assert.equal(traj.summary.diverged, null);
  assert.equal(traj.loss[traj.loss.length - 1], 2);
  const ref = referenceDescent(e, traj.t);
  assert.ok(descentErrors(traj, ref.series).worst <= 1e-12);
});

test('a run that diverges reports its grid\'s horizon beside the step where it blew up, its series ending before', () => {
  // Issue 8, example 1a: rates 1e160 (width 2, x [1], y 1, u [1, 0.5], W [[1], [0.5]]). The flow's
  // horizon is 3e-160; the default grid runs descent until it blows up, at step 1; the series end at
  // step 0. The summary said horizon 0 beside diverged at step 1.
  for (const reference of [false, true]) {
    const out = simulate(experimentOf({ model: { width: 2 }, data: { x: [1], y: 1 }, init: { u: [1, 0.5], W: [[1], [0.5]] }, learningRates: { u: 1e160, W: 1e160 } } as RawExperiment), { reference });
    assert.deepEqual(out.summary.diverged, { step: 1 });
    assert.equal(out.summary.horizon, 1, `reference ${reference}`);
    assert.deepEqual(out.t, [0]);
  }
});
