/**
 * What each format's reader hands to `loadDataset`: the kept samples of one split with inputs as read
 * (not yet normalised) and targets not yet turned into class indices, plus where each target came from
 * so that a label beyond the class count is reported at its place in the file.
 */
import { countOf, DataLocation } from './dataError';
import { formatShape, MemoryBudget } from './dataLimits';
import { DataTask } from './dataSpec';

/** Where one sample's target is: the spec key of its file (or inline value) and the place in it. */
export interface TargetPlace {
  key: string;
  location: DataLocation;
}

/**
 * Class labels as read: `values[i]` is sample i's label as a number (NaN when it is not one); `text[i]`,
 * when given, is the label as written (CSV fields and inline strings may be class names).
 */
export interface RawClasses {
  kind: 'classes';
  values: Float64Array;
  /** Each label as written (CSV, inline): messages quote it so. */
  text?: string[];
  /** Labels the float64 values round (64-bit integers beyond 2⁵³, in .npy), by index: as the file stores them. */
  exact?: Map<number, string>;
  place(i: number): TargetPlace;
}

/** Regression targets, row-major count × outputs, already checked finite. */
export interface RawRegression {
  kind: 'regression';
  values: Float32Array;
  outputs: number;
}

/** One split as read. */
export interface RawSplit {
  count: number;
  sampleShape: number[];
  features: number;
  /** Inputs as read (count × features), finite. */
  x: Float32Array;
  /** The inputs were stored as unsigned bytes 0–255 (so `scale01` divides by 255). */
  byteValued: boolean;
  targets: RawClasses | RawRegression;
}

/** Both splits of a data set as read, and a one-line description of where they came from. */
export interface RawData {
  train: RawSplit;
  test?: RawSplit;
  /** The spec key of the test inputs, where a test set that does not match the training set is reported. */
  testKey?: string;
  source: string;
}

/** What every reader needs. */
export interface ReadContext {
  /** The directory relative paths are resolved against (the experiment file's). */
  baseDir: string;
  /** The JSON path of the spec (`data`). */
  path: string;
  maxReadBytes: number;
  budget: MemoryBudget;
  signal?: AbortSignal;
  /** Called with each split's shape before its arrays are allocated (`LoadOptions.beforeAllocating`); throws to refuse it. */
  beforeAllocating?: (shape: SplitShape) => void;
}

/**
 * The shape of a split as a data file says it before anything of it is allocated: an IDX or .npy
 * header, the CIFAR-10 batches' sizes, a CSV file's first lines. (Inline data is not announced: it
 * is in memory already, as part of the experiment file.)
 */
export interface SplitShape {
  /** `training` or `test`. */
  what: string;
  /** Samples kept; undefined when not known before the lines are read (a CSV file without a subset size). */
  count?: number;
  /** Inputs per sample. */
  features: number;
  task: DataTask;
  /** Regression: outputs per sample. Classes: the class count when the spec or the format fixes it, else undefined (known once the labels are read). */
  outputs?: number;
}

/**
 * Reserves the memory of a split of `count` samples before anything is allocated: the float32
 * inputs (at `inputsKey`), the targets and the samples' indices in their files (at `targetsKey`),
 * once `ctx.beforeAllocating` has seen the split's shape.
 */
export function reserveSplit(ctx: ReadContext, what: string, count: number, features: number, outputs: number, task: DataTask, inputsKey: string, targetsKey: string): void {
  ctx.beforeAllocating?.({ what, count, features, task, outputs: task === 'regression' ? outputs : undefined });
  ctx.budget.reserve(count * features * 4, `${what} inputs: ${formatShape([count, features])} float32 values`, inputsKey);
  ctx.budget.reserve(count * (outputs + 1) * 4, `${what} targets: ${formatShape([count, outputs])} values, and ${formatShape([count])} sample indices`, targetsKey);
}

/**
 * The shape of one sample as read, as the data line says it after the noun: ` of 3 features` for a
 * row of features (CSV, inline, a .npy of N × k), ` of 28 × 28` with more axes (` of 3 × 32 × 32`).
 * Until 2026-12 only the CSV and inline lines said it (their feature count).
 */
export function sampleShapeSaid(shape: readonly number[]): string {
  return shape.length === 1 ? ` of ${countOf(shape[0], 'feature')}` : ` of ${formatShape(shape)}`;
}
