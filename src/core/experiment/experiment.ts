/** The validated, normalised form of a `*.flab.json` experiment (defaults filled in). */

export type Activation = 'linear' | 'relu' | 'leaky_relu' | 'tanh' | 'sigmoid' | 'swish';

export interface Sample {
  x: number[];
  y: number;
}

/** The two-layer linear model's data: one sample, or collinear samples (docs/model.md §1). */
export type LinearData = { kind: 'single'; x: number[]; y: number } | { kind: 'samples'; samples: Sample[] };

export type InitSpec =
  | { kind: 'random'; scaleU: number; scaleW: number; seed: number }
  | { kind: 'explicit'; u: number[]; W: number[][] };

/** `end` undefined: the solver picks the horizon (docs/model.md §5). */
export type TimeSpec =
  | { kind: 'grid'; end?: number; points: number; spacing: 'linear' | 'log'; start?: number }
  | { kind: 'at'; at: number[] };

export interface Experiment {
  name?: string;
  description?: string;
  model: { width: number; outputScale: number; activation: Activation };
  data: LinearData;
  init: InitSpec;
  learningRates: { u: number; W: number };
  time: TimeSpec;
  compare: { simulate: boolean };
  /** Weight decay ρ ≥ 0: the objective adds ½ρ(|u|² + ‖W‖_F²) (docs/finite-rates.md); undefined means 0. */
  weightDecay?: number;
  /**
   * Thresholds of the mechanism label (docs/mechanisms.md); missing ones take their defaults. `at`:
   * where the exact flow is scored, over t ∈ [0, ∞) (`"infinity"`, the default) or up to the end of the
   * reported run (`"end"`: a finite training budget).
   */
  classify?: { kernelChange?: number; tangentChange?: number; zetaChange?: number; balanceChange?: number; at?: 'infinity' | 'end' };
  /** A sweep over one numeric hyperparameter (docs/mechanisms.md, "Sweeps"). */
  sweep?: SweepSpec;
  /** Hyperparameters that were given as powers of the width, by JSON path (values above are already d-scaled). */
  widthScaling?: Record<string, WidthPower>;
  /** The named parameterisation whose width exponents apply to plain numbers (docs/mechanisms.md). */
  parameterisation?: Parameterisation;
  /** The file's JSON value as written: sweeps, width scans and phase diagrams rewrite one key of it. */
  source?: unknown;
}

/** A hyperparameter = base · d^exponent. */
export interface WidthPower {
  exponent: number;
  base: number;
}

export type Parameterisation = 'standard' | 'ntk' | 'meanField' | 'muP';

/** `"sweep": { "<key>": [values] | { from, to, count, scale } }`, resolved to a JSON path and its values. */
export interface SweepSpec {
  /** The key as written (`outputScale`), and the JSON path it names (`model.outputScale`). */
  key: string;
  path: string;
  values: number[];
}

/** The input dimension D of an experiment. */
export function inputDimension(e: Experiment): number {
  return e.data.kind === 'single' ? e.data.x.length : e.data.samples[0].x.length;
}
