/**
 * The ORIGINAL two-layer network over its full parameters θ = (u ∈ R^d, W ∈ R^{d×D}), with the loss
 * written on the data itself, L = ½ mean_s (f(x_s) − y_s)², f(x) = γ Σ_i u_i σ(w_iᵀ x).
 * Nothing here uses the reduced variables of the exact solver (ũ, ṽ, p, q, S, z): this is the
 * independent reference the tests compare the solver and the simulator against.
 *
 * State layout: one Float64Array, u_1 … u_d, then W row by row (W_11 … W_1D, W_21 …).
 */
import type { Activation, Experiment } from '../../src/core/experiment/experiment';
import { Rng } from '../../src/core/math/rng';
import { integrate, IntegratorOptions, IntegratorStats } from './extrapolation';

export interface Network {
  d: number;
  D: number;
  gamma: number;
  etaU: number;
  etaW: number;
  activation: Activation;
  /** Sample inputs (each of length D) and targets. */
  xs: Float64Array[];
  ys: number[];
  /** Unit direction of the data, oriented along the first nonzero input. */
  n: Float64Array;
  /** ā = √(mean_s |x_s|²): the effective input is ā·n. */
  aBar: number;
}

/** The network, data and rates of an experiment, read straight from its fields. */
export function networkOf(e: Experiment): Network {
  const samples = e.data.kind === 'single' ? [{ x: e.data.x, y: e.data.y }] : e.data.samples;
  const xs = samples.map((s) => Float64Array.from(s.x));
  const ys = samples.map((s) => s.y);
  const D = xs[0].length;
  const first = xs.find((x) => x.some((v) => v !== 0));
  if (!first) throw new Error('networkOf: every input is zero');
  const firstNorm = Math.hypot(...first);
  const n = first.map((v) => v / firstNorm);
  let m2 = 0;
  for (const x of xs) for (let j = 0; j < D; j++) m2 += x[j] * x[j];
  m2 /= xs.length;
  return {
    d: e.model.width,
    D,
    gamma: e.model.outputScale,
    etaU: e.learningRates.u,
    etaW: e.learningRates.W,
    activation: e.model.activation,
    xs,
    ys,
    n,
    aBar: Math.sqrt(m2),
  };
}

/**
 * θ₀ of an experiment. A random initialisation is redrawn with the project's portable generator in
 * the documented order: one Rng(seed); u_1 … u_d (σ_u·normal()) first, then W row by row (σ_W·normal()).
 */
export function initialState(e: Experiment): Float64Array {
  const d = e.model.width;
  const D = e.data.kind === 'single' ? e.data.x.length : e.data.samples[0].x.length;
  const theta = new Float64Array(d + d * D);
  if (e.init.kind === 'explicit') {
    for (let i = 0; i < d; i++) theta[i] = e.init.u[i];
    for (let i = 0; i < d; i++) for (let j = 0; j < D; j++) theta[d + i * D + j] = e.init.W[i][j];
  } else {
    const rng = new Rng(e.init.seed);
    for (let i = 0; i < d; i++) theta[i] = e.init.scaleU * rng.normal();
    for (let k = 0; k < d * D; k++) theta[d + k] = e.init.scaleW * rng.normal();
  }
  return theta;
}

/** σ and σ′ of each activation (leaky_relu slope 0.01; σ′(0) of relu and leaky_relu taken from the left). */
export function activationOf(a: Activation): { f: (z: number) => number; df: (z: number) => number } {
  const sig = (z: number) => 1 / (1 + Math.exp(-z));
  switch (a) {
    case 'linear': return { f: (z) => z, df: () => 1 };
    case 'relu': return { f: (z) => (z > 0 ? z : 0), df: (z) => (z > 0 ? 1 : 0) };
    case 'leaky_relu': return { f: (z) => (z > 0 ? z : 0.01 * z), df: (z) => (z > 0 ? 1 : 0.01) };
    case 'tanh': return { f: Math.tanh, df: (z) => 1 - Math.tanh(z) ** 2 };
    case 'sigmoid': return { f: sig, df: (z) => sig(z) * (1 - sig(z)) };
    case 'swish': return { f: (z) => z * sig(z), df: (z) => sig(z) + z * sig(z) * (1 - sig(z)) };
  }
}

/** ∂L/∂θ at θ, written into `grad` (u block, then W row by row). */
export function lossGradient(net: Network, theta: Float64Array, grad: Float64Array): void {
  const { d, D, gamma, xs, ys } = net;
  const act = activationOf(net.activation);
  const S = xs.length;
  grad.fill(0);
  const pre = new Float64Array(d);
  for (let s = 0; s < S; s++) {
    const x = xs[s];
    let f = 0;
    for (let i = 0; i < d; i++) {
      let h = 0;
      for (let j = 0; j < D; j++) h += theta[d + i * D + j] * x[j];
      pre[i] = h;
      f += theta[i] * act.f(h);
    }
    const r = (gamma * f - ys[s]) / S;
    for (let i = 0; i < d; i++) {
      grad[i] += r * gamma * act.f(pre[i]);
      const back = r * gamma * theta[i] * act.df(pre[i]);
      for (let j = 0; j < D; j++) grad[d + i * D + j] += back * x[j];
    }
  }
}

/** The gradient flow dθ/dt = −(η_u, η_W) ∘ ∂L/∂θ as a right-hand side for the integrator. */
export function gradientFlow(net: Network): (t: number, theta: Float64Array, out: Float64Array) => void {
  return (_t, theta, out) => {
    lossGradient(net, theta, out);
    for (let i = 0; i < net.d; i++) out[i] *= -net.etaU;
    for (let k = net.d; k < out.length; k++) out[k] *= -net.etaW;
  };
}

/** The quantities the solver reports (docs/model.md §4), measured on θ directly. */
export interface Measures {
  output: number;
  loss: number;
  zeta: number | null;
  normU: number;
  normW: number;
  ntk: number;
  distance: number;
}

/** Measures θ: output at ā·n, loss on the samples, ζ = cos∠(u, W n), norms, NTK at ā·n, distance from θ₀. */
export function measure(net: Network, theta: Float64Array, theta0: Float64Array): Measures {
  const { d, D, gamma, xs, ys, n, aBar } = net;
  const act = activationOf(net.activation);
  let loss = 0;
  for (let s = 0; s < xs.length; s++) {
    let f = 0;
    for (let i = 0; i < d; i++) {
      let h = 0;
      for (let j = 0; j < D; j++) h += theta[d + i * D + j] * xs[s][j];
      f += theta[i] * act.f(h);
    }
    loss += (gamma * f - ys[s]) ** 2;
  }
  loss = loss / (2 * xs.length);
  let output = 0;
  let uv = 0;
  let uu = 0;
  let vv = 0;
  let ww = 0;
  let kernel = 0;
  for (let i = 0; i < d; i++) {
    let v = 0;
    for (let j = 0; j < D; j++) {
      const w = theta[d + i * D + j];
      v += w * n[j];
      ww += w * w;
    }
    const u = theta[i];
    output += u * act.f(aBar * v);
    uv += u * v;
    uu += u * u;
    vv += v * v;
    // Σ_θ η_θ (∂f/∂θ)² at x = ā n: ∂f/∂u_i = γσ(h_i), ∂f/∂w_i = γ u_i σ′(h_i) x.
    kernel += net.etaU * act.f(aBar * v) ** 2 + net.etaW * (u * act.df(aBar * v) * aBar) ** 2;
  }
  let moved = 0;
  let start = 0;
  for (let k = 0; k < theta.length; k++) {
    moved += (theta[k] - theta0[k]) ** 2;
    start += theta0[k] ** 2;
  }
  return {
    output: gamma * output,
    loss,
    // √uu·√vv, not √(uu·vv): the product underflows for layers below 1e-77 (a small initialisation's plateau).
    zeta: uu === 0 || vv === 0 ? null : uv / (Math.sqrt(uu) * Math.sqrt(vv)),
    normU: Math.sqrt(uu),
    normW: Math.sqrt(ww),
    ntk: gamma * gamma * kernel,
    distance: start === 0 ? Math.sqrt(moved) : Math.sqrt(moved / start),
  };
}

export interface ReferenceSeries {
  t: number[];
  output: number[];
  loss: number[];
  zeta: (number | null)[];
  normU: number[];
  normW: number[];
  ntk: number[];
  distance: number[];
}

function collect(net: Network, states: Float64Array[], theta0: Float64Array, times: readonly number[]): ReferenceSeries {
  const s: ReferenceSeries = { t: [...times], output: [], loss: [], zeta: [], normU: [], normW: [], ntk: [], distance: [] };
  for (const theta of states) {
    const m = measure(net, theta, theta0);
    s.output.push(m.output);
    s.loss.push(m.loss);
    s.zeta.push(m.zeta);
    s.normU.push(m.normU);
    s.normW.push(m.normW);
    s.ntk.push(m.ntk);
    s.distance.push(m.distance);
  }
  return s;
}

/** High-accuracy gradient flow of the full network, measured at `times` (ascending, ≥ 0). */
export function referenceFlow(e: Experiment, times: readonly number[], options: Partial<IntegratorOptions> = {}, stats?: IntegratorStats): ReferenceSeries {
  const net = networkOf(e);
  const theta0 = initialState(e);
  // Integrate the displacement Δ = θ − θ₀ (dΔ/dt = F(θ₀ + Δ)), so that the distance from θ₀ keeps its
  // relative accuracy even while it is far smaller than θ₀ (early times, the kernel regime).
  const flow = gradientFlow(net);
  const theta = new Float64Array(theta0.length);
  const rhs = (t: number, delta: Float64Array, out: Float64Array) => {
    for (let k = 0; k < theta.length; k++) theta[k] = theta0[k] + delta[k];
    flow(t, theta, out);
  };
  const displacements = integrate(rhs, 0, new Float64Array(theta0.length), times, options, stats);
  const s = collect(net, displacements.map((delta) => delta.map((v, k) => theta0[k] + v)), theta0, times);
  s.distance = displacements.map((delta) => distanceOf(delta, theta0));
  return s;
}

/** |Δ| / |θ₀| (|Δ| when θ₀ = 0). */
function distanceOf(delta: Float64Array, theta0: Float64Array): number {
  let moved = 0;
  let start = 0;
  for (let k = 0; k < delta.length; k++) {
    moved += delta[k] * delta[k];
    start += theta0[k] * theta0[k];
  }
  return start === 0 ? Math.sqrt(moved) : Math.sqrt(moved / start);
}

/**
 * Plain full-batch gradient descent on the samples, θ_{k+1} = θ_k − (η_u, η_W) ∘ ∇L(θ_k), both layers
 * from the same gradient evaluation, measured after the integer step numbers `steps` (ascending).
 * Stops at the first non-finite parameter: `diverged` is that step and the series is cut there.
 */
export function referenceDescent(e: Experiment, steps: readonly number[], perturbation = 0): { series: ReferenceSeries; diverged: number | null } {
  const net = networkOf(e);
  const theta0 = initialState(e);
  const theta = Float64Array.from(theta0);
  // A relative perturbation of θ₀ (alternating signs) measures how much the run itself amplifies rounding.
  for (let k = 0; k < theta.length; k++) theta[k] *= 1 + (k % 2 === 0 ? perturbation : -perturbation);
  const grad = new Float64Array(theta.length);
  const states: Float64Array[] = [];
  const reached: number[] = [];
  let k = 0;
  let diverged: number | null = null;
  outer: for (const target of steps) {
    while (k < target) {
      lossGradient(net, theta, grad);
      for (let i = 0; i < net.d; i++) theta[i] -= net.etaU * grad[i];
      for (let i = net.d; i < theta.length; i++) theta[i] -= net.etaW * grad[i];
      k++;
      if (!theta.every(Number.isFinite)) {
        diverged = k;
        break outer;
      }
    }
    states.push(Float64Array.from(theta));
    reached.push(target);
  }
  return { series: collect(net, states, theta0, reached), diverged };
}

/**
 * The late-time decay rate κ of gradient flow with weight decay ρ, from the linearised network alone:
 * once the output has vanished (r = −y_eff), u and v = W n obey
 *   u' = η_u (γ ā y_eff v − ρ u),   v' = η_W (γ ā y_eff u − ρ v),
 * whose slowest mode decays as e^{−κt}, κ = −(largest eigenvalue). 0 when it does not decay.
 */
export function lateDecayRate(e: Experiment): number {
  const net = networkOf(e);
  const rho = e.weightDecay ?? 0;
  let ay = 0;
  for (let s = 0; s < net.xs.length; s++) {
    let a = 0;
    for (let j = 0; j < net.D; j++) a += net.xs[s][j] * net.n[j];
    ay += a * net.ys[s];
  }
  const yEff = ay / net.xs.length / net.aBar;
  const c = net.gamma * net.aBar * yEff;
  // [[−η_u ρ, η_u c], [η_W c, −η_W ρ]]: trace and determinant.
  const tr = -(net.etaU + net.etaW) * rho;
  const det = net.etaU * net.etaW * (rho * rho - c * c);
  const largest = tr / 2 + Math.sqrt((tr * tr) / 4 - det);
  return Math.max(0, -largest);
}

/**
 * Gradient flow with weight decay ρ of the full network, dθ/dt = −(η_u, η_W) ∘ (∇L(θ) + ρθ), integrated
 * as Θ = e^{κt}θ (dΘ/dt = κΘ + e^{κt}F(e^{−κt}Θ)) with the extrapolation integrator: with κ the late
 * decay rate, Θ stays of order one while θ decays by any factor, so the integrator's relative error
 * control holds all the way (measured quantities from θ itself).
 */
export function referenceFlowDecay(e: Experiment, times: readonly number[], kappa = lateDecayRate(e), options: Partial<IntegratorOptions> = {}): ReferenceSeries {
  const net = networkOf(e);
  const rho = e.weightDecay ?? 0;
  const theta0 = initialState(e);
  const theta = new Float64Array(theta0.length);
  const rhs = (t: number, big: Float64Array, out: Float64Array) => {
    const down = Math.exp(-kappa * t);
    for (let k = 0; k < theta.length; k++) theta[k] = big[k] * down;
    lossGradient(net, theta, out);
    for (let k = 0; k < out.length; k++) out[k] = kappa * big[k] - (k < net.d ? net.etaU : net.etaW) * (out[k] / down + rho * big[k]);
  };
  const states = integrate(rhs, 0, theta0, times, options);
  return collect(net, states.map((big, i) => big.map((v) => v * Math.exp(-kappa * times[i]))), theta0, times);
}
