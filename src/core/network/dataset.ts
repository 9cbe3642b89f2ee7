/**
 * A data set in memory, as the trainer consumes it (docs/networks.md, "Data"): inputs as one
 * row-major float32 matrix (samples × features, already normalised), targets as class labels or
 * regression values.
 */

/** Class labels: `labels[i]` ∈ [0, classCount) is the class of sample i (one-hot inside the trainer). */
export interface ClassTargets {
  kind: 'classes';
  labels: Uint8Array | Int32Array;
  classCount: number;
}

/** Regression targets: row-major samples × outputs. */
export interface RegressionTargets {
  kind: 'regression';
  values: Float32Array;
  outputs: number;
}

export interface Dataset {
  /** Number of samples. */
  count: number;
  /** Features per sample (the flattened input size). */
  features: number;
  /** The shape of one sample before flattening, e.g. [28, 28] or [3, 32, 32]; [features] when flat. */
  sampleShape: number[];
  /** Inputs, row-major count × features. */
  x: Float32Array;
  targets: ClassTargets | RegressionTargets;
}

/** The output size a network needs for these targets. */
export function outputSize(d: Dataset): number {
  return d.targets.kind === 'classes' ? d.targets.classCount : d.targets.outputs;
}
