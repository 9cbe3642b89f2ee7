/** The validated, normalised form of a `*.flab.json` experiment (defaults filled in). */

export type Activation = 'linear' | 'relu' | 'leaky_relu' | 'tanh' | 'sigmoid' | 'swish';

export interface Sample {
  x: number[];
  y: number;
}

export type DataSpec = { kind: 'single'; x: number[]; y: number } | { kind: 'samples'; samples: Sample[] };

export type InitSpec =
  | { kind: 'random'; scaleU: number; scaleW: number; seed: number }
  | { kind: 'explicit'; u: number[]; W: number[][] };

/** `end` undefined: the solver picks the horizon (docs/model.md, "Default horizon"). */
export type TimeSpec =
  | { kind: 'grid'; end?: number; points: number; spacing: 'linear' | 'log'; start?: number }
  | { kind: 'at'; at: number[] };

export interface Experiment {
  name?: string;
  description?: string;
  model: { width: number; outputScale: number; activation: Activation };
  data: DataSpec;
  init: InitSpec;
  learningRates: { u: number; W: number };
  time: TimeSpec;
  compare: { simulate: boolean };
}

/** The input dimension D of an experiment. */
export function inputDimension(e: Experiment): number {
  return e.data.kind === 'single' ? e.data.x.length : e.data.samples[0].x.length;
}
