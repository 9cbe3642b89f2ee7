/**
 * The `data` key of an experiment that trains a network on real data (docs/networks.md, "Data"): the
 * embedded MNIST subset, the user's files (IDX, CIFAR-10 batches, CSV, NumPy .npy), or a small set
 * written inline. Paths are relative to the experiment file. `parseDataSpec` checks a parsed JSON value
 * and locates every problem at its key.
 */
import { DataError, formatCount, joinPath } from './dataError';
import { NormalizeMode } from './normalize';

/** What the targets are: class labels (one-hot inside the trainer) or regression values. */
export type DataTask = 'classes' | 'regression';

/** Options every form shares: how many samples to keep and how to normalise the inputs. */
export interface SubsetOptions {
  /** Training samples kept (default: all): the first N, or N at random with `subsetSeed`. */
  train?: number;
  /** Test samples kept (default: all the test files hold; 0: no test set). */
  test?: number;
  /** When set, the kept samples are a uniformly random subset drawn with this seed, in file order. */
  subsetSeed?: number;
  /** Input normalisation; `scale01` for mnist, idx and cifar10, `none` for csv, npy and inline. */
  normalize?: NormalizeMode;
}

/**
 * The 10,000 MNIST digits embedded with the extension (a subset of MNIST; see docs/networks.md):
 * `train` from the start of the embedded order, `test` from its end, never overlapping.
 */
export interface MnistSpec extends SubsetOptions {
  dataset: 'mnist';
  train: number;
}

/** A pair of IDX files per split (MNIST, Fashion-MNIST, KMNIST, EMNIST), plain or .gz. */
export interface IdxSpec extends SubsetOptions {
  format: 'idx';
  trainImages: string;
  trainLabels: string;
  testImages?: string;
  testLabels?: string;
  /** Default `classes`. */
  task?: DataTask;
  /** Class count (default: the largest label kept + 1). */
  classes?: number;
}

/** CIFAR-10 binary batches (data_batch_1.bin …, test_batch.bin): 1 label byte + 3,072 pixel bytes per image. */
export interface Cifar10Spec extends SubsetOptions {
  format: 'cifar10';
  /** One batch file or several, read in this order. */
  trainBatches: string | string[];
  testBatches?: string | string[];
}

/** A CSV column: its name in the header, or its 0-based index (negative from the end, −1 the last). */
export type CsvColumn = string | number;

/** A CSV file per split, one sample per line: feature columns and label column(s). */
export interface CsvSpec extends SubsetOptions {
  format: 'csv';
  trainFile: string;
  testFile?: string;
  /** The target column(s) (default −1, the last); every other column is a feature. */
  label?: CsvColumn | CsvColumn[];
  /** The first line names the columns (default: when any of its fields is not a number). */
  header?: boolean;
  /** One character (default `,`). */
  delimiter?: string;
  /** Default `classes`: labels are non-negative integers, or names (indexed in sorted order). */
  task?: DataTask;
  classes?: number;
}

/** NumPy arrays saved with `np.save`: inputs N × … and targets N or N × k, per split. */
export interface NpySpec extends SubsetOptions {
  format: 'npy';
  trainX: string;
  trainY: string;
  testX?: string;
  testY?: string;
  /** Default: `classes` for integer or boolean targets, `regression` for floating-point ones. */
  task?: DataTask;
  classes?: number;
}

/** One inline split: inputs as rows, targets as class labels (integers or names) or as rows of values. */
export interface InlineSplit {
  x: number[][];
  y: number[] | string[] | number[][];
}

/** A small data set written in the experiment file. */
export interface InlineSpec {
  format?: 'inline';
  train: InlineSplit;
  test?: InlineSplit;
  /** Default: `regression` when y holds rows, else `classes`. */
  task?: DataTask;
  classes?: number;
  normalize?: NormalizeMode;
}

export type DataSpec = MnistSpec | IdxSpec | Cifar10Spec | CsvSpec | NpySpec | InlineSpec;

/** The formats of the user's files, as `format` names them. */
export const DATA_FORMATS = ['idx', 'cifar10', 'csv', 'npy', 'inline'] as const;
/** The embedded data sets, as `dataset` names them. */
export const EMBEDDED_DATASETS = ['mnist'] as const;
/** The values of `normalize` and of `task`. */
export const NORMALIZE_MODES: readonly NormalizeMode[] = ['none', 'scale01', 'standardize'];
export const DATA_TASKS: readonly DataTask[] = ['classes', 'regression'];

/** Most samples asked of one split (the largest count a 32-bit index holds). */
const MAX_COUNT = 4294967295;
/** Most classes: more than any labelled data set, few enough for a one-hot output layer. */
export const MAX_CLASSES = 100_000;

const SUBSET_KEYS = ['train', 'test', 'subsetSeed', 'normalize'];
const KEYS: Record<string, string[]> = {
  mnist: ['dataset', ...SUBSET_KEYS],
  idx: ['format', 'trainImages', 'trainLabels', 'testImages', 'testLabels', 'task', 'classes', ...SUBSET_KEYS],
  cifar10: ['format', 'trainBatches', 'testBatches', ...SUBSET_KEYS],
  csv: ['format', 'trainFile', 'testFile', 'label', 'header', 'delimiter', 'task', 'classes', ...SUBSET_KEYS],
  npy: ['format', 'trainX', 'trainY', 'testX', 'testY', 'task', 'classes', ...SUBSET_KEYS],
  inline: ['format', 'train', 'test', 'task', 'classes', 'normalize'],
};

/** Checks that `value` (the parsed JSON at `path`) is a data spec; throws a DataError at the first problem. */
export function parseDataSpec(value: unknown, path = 'data'): DataSpec {
  const o = object(value, path);
  if ('dataset' in o) {
    if ('format' in o) throw new DataError('give either "dataset" (an embedded data set) or "format" (your own files), not both', joinPath(path, 'format'));
    const dataset = o.dataset;
    if (dataset !== 'mnist') throw new DataError(`expected an embedded data set, one of ${list(EMBEDDED_DATASETS)}, found ${show(dataset)}`, joinPath(path, 'dataset'));
    checkKeys(o, KEYS.mnist, path, 'dataset "mnist"');
    if (o.train === undefined) throw new DataError('the embedded MNIST needs "train": how many of its 10,000 digits to train on', joinPath(path, 'train'));
    checkSubset(o, path);
    return o as unknown as MnistSpec;
  }
  const format = o.format ?? (o.train !== undefined && typeof o.train === 'object' ? 'inline' : undefined);
  if (format === undefined) throw new DataError(`expected "dataset": "mnist", or "format": one of ${list(DATA_FORMATS)} (or "train": { "x", "y" } written inline)`, path);
  if (typeof format !== 'string' || !(DATA_FORMATS as readonly string[]).includes(format)) {
    throw new DataError(`expected "format" to be one of ${list(DATA_FORMATS)}, found ${show(format)}`, joinPath(path, 'format'));
  }
  checkKeys(o, KEYS[format], path, `format "${format}"`);
  if (format === 'inline') {
    inlineSplit(o.train, joinPath(path, 'train'));
    if (o.test !== undefined) inlineSplit(o.test, joinPath(path, 'test'));
    checkTaskAndClasses(o, path);
    optionalEnum(o, 'normalize', NORMALIZE_MODES, path);
    return o as unknown as InlineSpec;
  }
  checkSubset(o, path);
  const testFiles: Record<string, string> = { idx: 'testImages', cifar10: 'testBatches', csv: 'testFile', npy: 'testX' };
  if (typeof o.test === 'number' && o.test > 0 && o[testFiles[format]] === undefined) {
    throw new DataError(`${o.test} test samples asked for, and there is no test file ("${testFiles[format]}")`, joinPath(path, 'test'));
  }
  switch (format) {
    case 'idx':
      requiredFile(o, 'trainImages', path);
      requiredFile(o, 'trainLabels', path);
      pairedFiles(o, 'testImages', 'testLabels', path);
      checkTaskAndClasses(o, path);
      break;
    case 'cifar10':
      fileList(o, 'trainBatches', path, true);
      fileList(o, 'testBatches', path, false);
      break;
    case 'csv':
      requiredFile(o, 'trainFile', path);
      optionalFile(o, 'testFile', path);
      csvLabel(o.label, joinPath(path, 'label'));
      if (o.header !== undefined && typeof o.header !== 'boolean') throw new DataError(`expected true or false, found ${show(o.header)}`, joinPath(path, 'header'));
      if (o.delimiter !== undefined && (typeof o.delimiter !== 'string' || o.delimiter.length !== 1 || '"\r\n'.includes(o.delimiter))) {
        throw new DataError(`expected one character other than a quote or a line break, found ${show(o.delimiter)}`, joinPath(path, 'delimiter'));
      }
      checkTaskAndClasses(o, path);
      break;
    case 'npy':
      requiredFile(o, 'trainX', path);
      requiredFile(o, 'trainY', path);
      pairedFiles(o, 'testX', 'testY', path);
      checkTaskAndClasses(o, path);
      break;
  }
  return o as unknown as DataSpec;
}

function object(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new DataError(`expected an object, found ${show(value)}`, path);
  return value as Record<string, unknown>;
}

function checkKeys(o: Record<string, unknown>, allowed: string[], path: string, what: string): void {
  for (const key of Object.keys(o)) {
    if (!allowed.includes(key)) throw new DataError(`unknown key "${key}" for ${what}, which takes ${allowed.map((k) => `"${k}"`).join(', ')}`, joinPath(path, key));
  }
}

function checkSubset(o: Record<string, unknown>, path: string): void {
  count(o, 'train', 1, path);
  count(o, 'test', 0, path);
  if (o.subsetSeed !== undefined && !Number.isSafeInteger(o.subsetSeed)) throw new DataError(`expected an integer seed, found ${show(o.subsetSeed)}`, joinPath(path, 'subsetSeed'));
  optionalEnum(o, 'normalize', NORMALIZE_MODES, path);
}

function count(o: Record<string, unknown>, key: string, min: number, path: string): void {
  const v = o[key];
  if (v === undefined) return;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > MAX_COUNT) {
    throw new DataError(`expected a whole number of samples ≥ ${min}, found ${show(v)}`, joinPath(path, key));
  }
}

function checkTaskAndClasses(o: Record<string, unknown>, path: string): void {
  optionalEnum(o, 'task', DATA_TASKS, path);
  const c = o.classes;
  if (c === undefined) return;
  if (o.task === 'regression') throw new DataError('"classes" applies to class labels, and "task" is "regression"', joinPath(path, 'classes'));
  if (typeof c !== 'number' || !Number.isInteger(c) || c < 1 || c > MAX_CLASSES) {
    throw new DataError(`expected a whole number of classes from 1 to ${formatCount(MAX_CLASSES)}, found ${show(c)}`, joinPath(path, 'classes'));
  }
}

function optionalEnum(o: Record<string, unknown>, key: string, values: readonly string[], path: string): void {
  const v = o[key];
  if (v !== undefined && (typeof v !== 'string' || !values.includes(v))) throw new DataError(`expected one of ${list(values)}, found ${show(v)}`, joinPath(path, key));
}

function requiredFile(o: Record<string, unknown>, key: string, path: string): void {
  if (o[key] === undefined) throw new DataError(`missing "${key}": the path of the file, relative to the experiment file`, joinPath(path, key));
  optionalFile(o, key, path);
}

function optionalFile(o: Record<string, unknown>, key: string, path: string): void {
  const v = o[key];
  if (v !== undefined && (typeof v !== 'string' || v.length === 0)) throw new DataError(`expected a file path, found ${show(v)}`, joinPath(path, key));
}

function pairedFiles(o: Record<string, unknown>, a: string, b: string, path: string): void {
  optionalFile(o, a, path);
  optionalFile(o, b, path);
  if ((o[a] === undefined) !== (o[b] === undefined)) {
    const missing = o[a] === undefined ? a : b;
    throw new DataError(`"${a}" and "${b}" go together: missing "${missing}"`, joinPath(path, missing));
  }
}

function fileList(o: Record<string, unknown>, key: string, path: string, required: boolean): void {
  const v = o[key];
  if (v === undefined) {
    if (required) throw new DataError(`missing "${key}": the batch files (data_batch_1.bin …), relative to the experiment file`, joinPath(path, key));
    return;
  }
  if (typeof v === 'string') return optionalFile(o, key, path);
  if (!Array.isArray(v) || v.length === 0) throw new DataError(`expected a file path or a non-empty list of them, found ${show(v)}`, joinPath(path, key));
  v.forEach((f, i) => {
    if (typeof f !== 'string' || f.length === 0) throw new DataError(`expected a file path, found ${show(f)}`, joinPath(joinPath(path, key), i));
  });
}

function csvLabel(v: unknown, path: string): void {
  if (v === undefined) return;
  const one = (c: unknown, p: string): void => {
    if (typeof c === 'string' && c.length > 0) return;
    if (typeof c === 'number' && Number.isInteger(c)) return;
    throw new DataError(`expected a column name or a 0-based column index (negative from the end), found ${show(c)}`, p);
  };
  if (Array.isArray(v)) {
    if (v.length === 0) throw new DataError('expected at least one label column', path);
    v.forEach((c, i) => one(c, joinPath(path, i)));
  } else one(v, path);
}

/** Checks the structure of an inline split (values are checked as they are converted). */
function inlineSplit(v: unknown, path: string): void {
  const o = object(v, path);
  for (const key of Object.keys(o)) {
    if (key !== 'x' && key !== 'y') throw new DataError(`unknown key "${key}" in an inline split, which takes "x" (inputs, one row per sample) and "y" (targets)`, joinPath(path, key));
  }
  if (!Array.isArray(o.x)) throw new DataError(`expected "x": the inputs, one array of numbers per sample, found ${show(o.x)}`, joinPath(path, 'x'));
  if (!Array.isArray(o.y)) throw new DataError(`expected "y": the targets, one per sample (class labels, or rows of regression values), found ${show(o.y)}`, joinPath(path, 'y'));
}

function list(values: readonly string[]): string {
  return values.map((v) => `"${v}"`).join(', ');
}

/** A value as a message shows it: JSON, cut short. */
export function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(v) ?? String(v);
  } catch {
    text = String(v);
  }
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
