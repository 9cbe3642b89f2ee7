/**
 * Plain full-batch gradient descent on the samples themselves (docs/model.md §7):
 * f(x) = γ Σᵢ uᵢ σ(wᵢ·x), L = ½ mean_s (f(x_s) − y_s)², both layers updated from the same
 * gradient evaluation, step k reported at t = k. O(samples·d·D) per step.
 */
import { ACTIVATIONS } from './activation';
import { ExperimentError } from './errors';
import { exactFlowOf, defaultHorizon, PLATEAU_KERNEL_GROWTH } from './solve';
import { Experiment, inputDimension, Sample } from './experiment';
import { MAX_SIMULATED_PARAMETERS, MAX_SIMULATION_WORK, MAX_STEPS } from './limits';
import { effectiveSample, forEachInitialNeuron } from './reduce';
import { formatNumber } from './schemaCheck';
import { timeGrid } from './timeGrid';
import { Trajectory } from './trajectory';

/**
 * A run is divergent once its loss exceeds this (or any number stops being finite). It is far below
 * the overflow threshold, so the first divergent step is usually still finite and gets reported.
 */
export const DIVERGENCE_LOSS = 1e100;

/** Gradient descent at the experiment's rates; `time` counts steps. */
export function simulate(e: Experiment): Trajectory {
  const d = e.model.width;
  const D = inputDimension(e);
  const samples: Sample[] = e.data.kind === 'single' ? [{ x: e.data.x, y: e.data.y }] : e.data.samples;
  const sample = effectiveSample(e.data);
  const steps = reportedSteps(e);
  const lastStep = steps[steps.length - 1];
  if (d * D > MAX_SIMULATED_PARAMETERS) {
    throw new ExperimentError(`model.width × input dimension = ${formatNumber(d * D)} exceeds the simulator's limit of ${formatNumber(MAX_SIMULATED_PARAMETERS)} weights (it keeps W and its initial value in memory, 16 bytes each)`, 'model.width');
  }
  const work = lastStep * samples.length * d * D;
  if (work > MAX_SIMULATION_WORK) {
    throw new ExperimentError(`${formatNumber(lastStep)} steps × ${samples.length} samples × ${formatNumber(d * D)} weights = ${formatNumber(work)} multiply-adds exceeds the simulator's limit of ${formatNumber(MAX_SIMULATION_WORK)} (minutes of computing): use fewer steps or a smaller width`, e.time.kind === 'at' ? 'time.at' : 'time.end');
  }

  const sigma = ACTIVATIONS[e.model.activation];
  const gamma = e.model.outputScale;
  const etaU = e.learningRates.u;
  const etaW = e.learningRates.W;
  const u = new Float64Array(d);
  const W = new Float64Array(d * D);
  forEachInitialNeuron(e.init, d, D, (i, ui, row) => {
    u[i] = ui;
    W.set(row, i * D);
  });
  const u0 = u.slice();
  const W0 = W.slice();
  let theta0 = 0;
  for (let i = 0; i < d; i++) theta0 += u[i] * u[i];
  for (let k = 0; k < d * D; k++) theta0 += W[k] * W[k];
  theta0 = Math.sqrt(theta0);

  const n = samples.length;
  const X = new Float64Array(n * D);
  samples.forEach((s, i) => X.set(s.x, i * D));
  const residuals = new Float64Array(n);
  const gradU = new Float64Array(d);
  const gradW = new Float64Array(d * D);

  const out: Trajectory = { t: [], output: [], loss: [], zeta: [], normU: [], normW: [], ntk: [], distance: [], summary: undefined as unknown as Trajectory['summary'] };
  let diverged: { step: number } | null = null;
  let next = 0; // index into `steps`

  /** ½ mean residual², filling `residuals`. */
  const forward = (): number => {
    let loss = 0;
    for (let s = 0; s < n; s++) {
      let f = 0;
      for (let i = 0; i < d; i++) {
        let z = 0;
        for (let j = 0; j < D; j++) z += W[i * D + j] * X[s * D + j];
        f += u[i] * sigma.value(z);
      }
      const r = gamma * f - samples[s].y;
      residuals[s] = r;
      loss += r * r;
    }
    return (0.5 * loss) / n;
  };

  const record = (step: number, loss: number): void => {
    let output = 0;
    let uu = 0;
    let vv = 0;
    let uv = 0;
    let ww = 0;
    let ntkU = 0;
    let ntkW = 0;
    let dist = 0;
    for (let i = 0; i < d; i++) {
      let v = 0;
      for (let j = 0; j < D; j++) {
        const w = W[i * D + j];
        v += w * sample.direction[j];
        ww += w * w;
        const dw = w - W0[i * D + j];
        dist += dw * dw;
      }
      const du = u[i] - u0[i];
      dist += du * du;
      const h = sigma.value(v * sample.abar);
      const dh = sigma.derivative(v * sample.abar);
      output += u[i] * h;
      uu += u[i] * u[i];
      vv += v * v;
      uv += u[i] * v;
      ntkU += h * h;
      ntkW += u[i] * u[i] * dh * dh;
    }
    const cross = Math.sqrt(uu) * Math.sqrt(vv);
    out.t.push(step);
    out.output.push(gamma * output);
    out.loss.push(loss);
    out.zeta.push(cross > 0 ? Math.max(-1, Math.min(1, uv / cross)) : null);
    out.normU.push(Math.sqrt(uu));
    out.normW.push(Math.sqrt(ww));
    out.ntk!.push(gamma * gamma * (etaU * ntkU + etaW * ntkW * sample.abar * sample.abar));
    out.distance.push(theta0 > 0 ? Math.sqrt(dist) / theta0 : Math.sqrt(dist));
  };

  for (let step = 0; step <= lastStep; step++) {
    const loss = forward();
    if (!(loss <= DIVERGENCE_LOSS)) {
      diverged = { step };
      // The arrays end at the last finite state: this one, when it is still finite.
      if (Number.isFinite(loss) && allFinite(u) && allFinite(W)) record(step, loss);
      break;
    }
    if (step === steps[next]) {
      record(step, loss);
      next++;
    }
    if (step === lastStep) break;
    // Both layers from the same gradient evaluation.
    gradU.fill(0);
    gradW.fill(0);
    for (let s = 0; s < n; s++) {
      const r = (gamma * residuals[s]) / n;
      if (r === 0) continue;
      for (let i = 0; i < d; i++) {
        let z = 0;
        for (let j = 0; j < D; j++) z += W[i * D + j] * X[s * D + j];
        gradU[i] += r * sigma.value(z);
        const g = r * u[i] * sigma.derivative(z);
        for (let j = 0; j < D; j++) gradW[i * D + j] += g * X[s * D + j];
      }
    }
    for (let i = 0; i < d; i++) u[i] -= etaU * gradU[i];
    for (let k = 0; k < d * D; k++) W[k] -= etaW * gradW[k];
  }
  const m = out.t.length;
  if (m === 0) throw new ExperimentError('the initial loss overflows a 64-bit number: the initial weights or the output scale are far too large', 'init');
  let omega: number | null = null;
  let lambda: number | null = null;
  if (e.model.activation === 'linear') {
    const { flow } = exactFlowOf(e);
    omega = flow.omega;
    lambda = flow.lambda;
  }
  out.summary = {
    solver: 'simulate',
    width: d,
    inputDimension: D,
    lambda,
    effectiveInput: sample.abar,
    effectiveTarget: sample.y,
    irreducibleLoss: sample.irreducibleLoss,
    omega,
    plateauTime: observedPlateau(out),
    horizon: out.t[m - 1],
    zetaInitial: out.zeta[0],
    zetaFinal: out.zeta[m - 1],
    lossInitial: out.loss[0],
    lossFinal: out.loss[m - 1],
    ntkInitial: out.ntk![0],
    ntkFinal: out.ntk![m - 1],
    limit: null,
    diverged,
  };
  return out;
}

/** The steps reported: the time grid rounded to whole steps, without repeats. */
export function reportedSteps(e: Experiment): number[] {
  if (e.time.kind === 'grid' && e.time.end !== undefined && !Number.isInteger(e.time.end)) {
    throw new ExperimentError(`time.end counts gradient-descent steps for \`flab simulate\`: it must be a whole number, got ${formatNumber(e.time.end)}`, 'time.end');
  }
  const times = timeGrid(e.time, () => Math.ceil(simulationHorizon(e)));
  const steps: number[] = [];
  for (const t of times) {
    const k = Math.round(t);
    if (k > MAX_STEPS) throw new ExperimentError(`${formatNumber(k)} gradient-descent steps exceed the limit of ${formatNumber(MAX_STEPS)}`, e.time.kind === 'at' ? 'time.at' : 'time.end');
    if (steps.length === 0 || k > steps[steps.length - 1]) steps.push(k);
  }
  return steps;
}

/** Default number of steps: the exact flow's horizon of the same network made linear (step ≈ unit time). */
function simulationHorizon(e: Experiment): number {
  const linear: Experiment = { ...e, model: { ...e.model, activation: 'linear' } };
  const { flow } = exactFlowOf(linear);
  return Math.max(1, Math.min(defaultHorizon(flow), MAX_STEPS));
}

/** First reported time at which the loss has come a quarter of the way to its final value, when the kernel grows ≥ 10×. */
function observedPlateau(t: Trajectory): number | null {
  const ntk = t.ntk;
  const m = t.t.length;
  if (!ntk || m < 2 || !(ntk[m - 1] >= PLATEAU_KERNEL_GROWTH * ntk[0])) return null;
  const first = t.loss[0];
  const last = t.loss[m - 1];
  for (let k = 0; k < m; k++) if (t.loss[k] - last <= 0.25 * (first - last)) return t.t[k];
  return null;
}

function allFinite(a: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}
