/**
 * From an experiment to the few numbers its exact solution depends on (docs/model.md §1–§3):
 * the effective sample (ā, y_eff, irreducible loss) and the initial layers seen along the data.
 */
import { dot, norm } from './config';
import { DataSpec, InitSpec } from './experiment';
import { Rng } from './rng';

export interface EffectiveSample {
  /** Unit vector n of the data's line, oriented along the first nonzero input. */
  direction: number[];
  /** ā = |x| = √E[a²] for inputs x̃ = a·n. */
  abar: number;
  /** y_eff = E[a·y] / ā. */
  y: number;
  /** ½(E[y²] − y_eff²) ≥ 0, the part of the loss no network can remove. */
  irreducibleLoss: number;
}

/** The single (x, y) pair whose gradient flow equals that of the data (MODEL.md §1, Proposition 1). */
export function effectiveSample(data: DataSpec): EffectiveSample {
  if (data.kind === 'single') {
    const abar = norm(data.x);
    return { direction: data.x.map((v) => v / abar), abar, y: data.y, irreducibleLoss: 0 };
  }
  const samples = data.samples;
  const first = samples.find((s) => s.x.some((v) => v !== 0));
  if (!first) throw new Error('effectiveSample: every input is zero'); // rejected by parseExperiment
  const firstNorm = norm(first.x);
  const direction = first.x.map((v) => v / firstNorm);
  const a = samples.map((s) => dot(s.x, direction));
  const count = samples.length;
  let m2 = 0;
  let may = 0;
  for (let i = 0; i < count; i++) {
    m2 += a[i] * a[i];
    may += a[i] * samples[i].y;
  }
  m2 /= count;
  may /= count;
  // Irreducible loss as the mean squared residual of the best fit y ≈ βa (two passes, no cancellation).
  const beta = may / m2;
  let residual = 0;
  for (let i = 0; i < count; i++) residual += (samples[i].y - beta * a[i]) ** 2;
  const abar = Math.sqrt(m2);
  return { direction, abar, y: may / abar, irreducibleLoss: (0.5 * residual) / count };
}

/**
 * Visits the initial weights neuron by neuron: `visit(i, u_i, W_i)` with W_i the i-th row.
 * Random initialisation draws u_1 … u_d first, then W row by row (W_11 … W_1D, W_21 …), all from
 * one `Rng(seed)`: u_i = σ_u·N(0,1), W_ij = σ_W·N(0,1). The row buffer is reused between calls.
 */
export function forEachInitialNeuron(init: InitSpec, width: number, inputDim: number, visit: (i: number, u: number, row: Float64Array) => void): void {
  const row = new Float64Array(inputDim);
  if (init.kind === 'explicit') {
    for (let i = 0; i < width; i++) {
      row.set(init.W[i]);
      visit(i, init.u[i], row);
    }
    return;
  }
  const rng = new Rng(init.seed);
  const u = new Float64Array(width);
  for (let i = 0; i < width; i++) u[i] = init.scaleU * rng.normal();
  for (let i = 0; i < width; i++) {
    for (let j = 0; j < inputDim; j++) row[j] = init.scaleW * rng.normal();
    visit(i, u[i], row);
  }
}

/** The initial layers seen along the data: u, v = W n, and the parts of W that never move. */
export interface InitialLayers {
  u: Float64Array;
  /** v = W n, the hidden layer along the data direction. */
  v: Float64Array;
  /** ‖W_⊥‖_F² with W_⊥ = W − v nᵀ (constant under gradient flow without weight decay). */
  normWPerp2: number;
  /** ‖W‖_F². */
  normW2: number;
}

/** Draws or reads the initial weights and projects them on the data direction; O(d·D) time, O(d) memory. */
export function initialLayers(init: InitSpec, width: number, direction: number[]): InitialLayers {
  const D = direction.length;
  const u = new Float64Array(width);
  const v = new Float64Array(width);
  let normWPerp2 = 0;
  let normW2 = 0;
  forEachInitialNeuron(init, width, D, (i, ui, row) => {
    u[i] = ui;
    let vi = 0;
    for (let j = 0; j < D; j++) vi += row[j] * direction[j];
    v[i] = vi;
    for (let j = 0; j < D; j++) {
      normW2 += row[j] * row[j];
      const off = row[j] - vi * direction[j];
      normWPerp2 += off * off;
    }
  });
  return { u, v, normWPerp2, normW2 };
}

/**
 * The invariants of the rescaled layers ũ = u/√η_u, ṽ = v/√η_W (MODEL.md §3), computed directly
 * from the weights so that nearly aligned or anti-aligned layers lose no precision.
 */
export interface PlaneInvariants {
  /** P = |ũ + ṽ|², Q = |ũ − ṽ|². */
  P: number;
  Q: number;
  /** c = |ũ|² − |ṽ|² = p₀·q₀ (conserved by the flow). */
  c: number;
  /** ũ·ṽ at t = 0. */
  uv: number;
  /** G = PQ − c² = 4(|ũ|²|ṽ|² − (ũ·ṽ)²) ≥ 0, from a two-pass projection (no cancellation). */
  G: number;
  /** |ũ|², |ṽ|² at t = 0. */
  uu: number;
  vv: number;
}

/** The plane invariants of (u, v) under the layer rates (η_u, η_W). */
export function planeInvariants(u: Float64Array, v: Float64Array, etaU: number, etaW: number): PlaneInvariants {
  const su = 1 / Math.sqrt(etaU);
  const sv = 1 / Math.sqrt(etaW);
  let P = 0;
  let Q = 0;
  let uu = 0;
  let vv = 0;
  let uv = 0;
  let c = 0;
  for (let i = 0; i < u.length; i++) {
    const a = u[i] * su;
    const b = v[i] * sv;
    // c as Σ(ũ_i + ṽ_i)(ũ_i − ṽ_i) keeps its precision when |ũ| ≈ |ṽ|.
    c += (a + b) * (a - b);
    P += (a + b) * (a + b);
    Q += (a - b) * (a - b);
    uu += a * a;
    vv += b * b;
    uv += a * b;
  }
  // |ũ ∧ ṽ|² as |longer|²·|shorter − projection|², the projection taken on the longer vector.
  let wedge = 0;
  if (uu > 0 && vv > 0) {
    const alongU = uu >= vv;
    const alpha = alongU ? uv / uu : uv / vv;
    let rest = 0;
    for (let i = 0; i < u.length; i++) {
      const a = u[i] * su;
      const b = v[i] * sv;
      const off = alongU ? b - alpha * a : a - alpha * b;
      rest += off * off;
    }
    wedge = (alongU ? uu : vv) * rest;
  }
  return { P, Q, c, uv, G: 4 * wedge, uu, vv };
}
