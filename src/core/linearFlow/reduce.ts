/**
 * From an experiment to the few numbers its exact solution depends on (docs/model.md §1–§3):
 * the effective sample (ā, y_eff, irreducible loss) and the initial layers seen along the data.
 */
import { ExperimentError } from '../experiment/errors';
import { DataSpec, Experiment, InitSpec } from '../experiment/experiment';
import { Rng } from '../math/rng';
import { dot, norm } from '../math/vectors';
import { ExactFlow } from './exactFlow';
import { PlaneInvariants, planeInvariants } from './plane';

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

/** The single (x, y) pair whose gradient flow equals that of the data (docs/model.md §1, Proposition 1). */
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


/** The exact flow of an experiment with linear activation, and its effective sample. */
export function exactFlowOf(e: Experiment): { flow: ExactFlow; sample: EffectiveSample; theta0: number; plane: PlaneInvariants } {
  if (e.model.activation !== 'linear') {
    throw new ExperimentError(`the exact solver needs model.activation "linear", got "${e.model.activation}": run it with \`flab simulate\` instead`, 'model.activation');
  }
  const sample = effectiveSample(e.data);
  const layers = initialLayers(e.init, e.model.width, sample.direction);
  const etaU = e.learningRates.u;
  const etaW = e.learningRates.W;
  const lambda = e.model.outputScale * sample.abar * Math.sqrt(etaU) * Math.sqrt(etaW);
  if (!Number.isFinite(lambda)) {
    throw new ExperimentError('model.outputScale × |x| × √(η_u η_W) overflows a 64-bit number: rescale the experiment', 'model.outputScale');
  }
  const plane = planeInvariants(layers.u, layers.v, etaU, etaW);
  let normU2 = 0;
  for (let i = 0; i < layers.u.length; i++) normU2 += layers.u[i] * layers.u[i];
  const flow = new ExactFlow({ plane, etaU, etaW, lambda, y: sample.y, irreducibleLoss: sample.irreducibleLoss, normWPerp2: layers.normWPerp2 });
  return { flow, sample, theta0: Math.sqrt(normU2 + layers.normW2), plane };
}
