/**
 * The `data` key of an experiment that trains a network on real data (docs/networks.md, "Data"): the
 * embedded MNIST subset, the user's files (IDX, CIFAR-10 batches, CSV, NumPy .npy), or a small set
 * written inline. Paths are relative to the experiment file. The experiment schema (media/flab.schema.json,
 * `$defs/data…`) defines these forms; `parseDataSpec` checks a parsed JSON value against it and
 * locates every problem at its key.
 */
import { excerpt } from '../../experiment/diagnostic';
import { EXPERIMENT_SCHEMA, kindSchema } from '../../experiment/kind';
import { checkValue, SchemaNode } from '../../experiment/schema';
import { countOf, DataError, formatCount, joinPath } from './dataError';
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
  /** The first line names the columns (default: guessed, `firstLineIsHeader` in csv.ts). */
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
  /** Default: `classes` when `classes` is given or the targets are integer or boolean, else `regression`. */
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
  /** Default: `classes` when `classes` is given, else `regression` when y holds rows, else `classes`. */
  task?: DataTask;
  classes?: number;
  normalize?: NormalizeMode;
}

export type DataSpec = MnistSpec | IdxSpec | Cifar10Spec | CsvSpec | NpySpec | InlineSpec;

/** Digits in the embedded MNIST subset (docs/networks.md, "The embedded MNIST"). */
export const MNIST_EMBEDDED_COUNT = 10_000;

/** Most classes: more than any labelled data set, few enough for a one-hot output layer (the schema's `classes` maximum). */
export const MAX_CLASSES = 100_000;

/** The schema of the `data` key (its six forms under the schema's `$defs`). */
const DATA_SCHEMA: SchemaNode = kindSchema('network').properties!.data;

/**
 * The files a data spec reads, as written (relative to the experiment file): none for the embedded
 * MNIST and inline data. What a finished run depends on beside the text (the training panel's cache
 * keys its runs by these files' sizes and modification times too).
 */
export function dataFileNames(spec: DataSpec): string[] {
  const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
  if ('dataset' in spec) return [];
  switch (spec.format) {
    case 'idx':
      return list(spec.trainImages).concat(list(spec.trainLabels), list(spec.testImages), list(spec.testLabels));
    case 'cifar10':
      return list(spec.trainBatches).concat(list(spec.testBatches));
    case 'csv':
      return list(spec.trainFile).concat(list(spec.testFile));
    case 'npy':
      return list(spec.trainX).concat(list(spec.trainY), list(spec.testX), list(spec.testY));
    default:
      return [];
  }
}

/** The file key that holds each form's test data: asking for test samples without it is an error. */
const TEST_FILES: Record<string, string> = { idx: 'testImages', cifar10: 'testBatches', csv: 'testFile', npy: 'testX' };

/**
 * Checks that `value` (the parsed JSON at `path`) is a data spec: against the experiment schema's
 * `data` forms (the file format's one definition and vocabulary), then `dataSpecProblems`. Throws a
 * DataError at the first problem; returns the value, typed.
 */
export function parseDataSpec(value: unknown, path = 'data'): DataSpec {
  const [first] = checkValue(value, DATA_SCHEMA, EXPERIMENT_SCHEMA, path);
  if (first) throw new DataError(first.message, first.path);
  const [problem] = dataSpecProblems(value as DataSpec, path);
  if (problem) throw problem;
  return value as DataSpec;
}

/**
 * What a schema-valid data spec can still get wrong that a schema cannot say, each at its key: test
 * samples asked for without a test file, `classes` with regression targets, a CSV delimiter that is a
 * quote or a line break, more embedded MNIST digits than there are.
 */
export function dataSpecProblems(spec: DataSpec, path = 'data'): DataError[] {
  const out: DataError[] = [];
  const o = spec as unknown as Record<string, unknown>;
  const key = (k: string) => joinPath(path, k);
  if ('dataset' in spec) {
    const test = spec.test ?? 0;
    if (spec.train + test > MNIST_EMBEDDED_COUNT) {
      // With no digit left for a test set, "at most 0 test digits" told the user nothing to write:
      // the remedy is then "test": 0 (no test set), or fewer training digits.
      const left = MNIST_EMBEDDED_COUNT - spec.train;
      const remedy = left > 0
        ? `at most ${countOf(left, 'test digit')} with this "train"`
        : `"train": ${spec.train} takes every digit, leaving none for a test set — write "test": 0 (or leave "test" out) to train without one, or fewer training digits to keep some for testing${test < MNIST_EMBEDDED_COUNT ? ` ("train": ${MNIST_EMBEDDED_COUNT - test} leaves the ${countOf(test, 'test digit')} asked for)` : ''}`;
      out.push(new DataError(`${formatCount(spec.train)} training + ${countOf(test, 'test digit')} exceed the ${formatCount(MNIST_EMBEDDED_COUNT)} of the embedded MNIST (the two sets never share a digit): ${remedy}`, key('test')));
    }
    return out;
  }
  const format = spec.format ?? 'inline';
  const testFile = TEST_FILES[format];
  if (testFile && typeof o.test === 'number' && o.test > 0 && o[testFile] === undefined) {
    out.push(new DataError(`${countOf(o.test, 'test sample')} asked for, and there is no test file ("${testFile}")`, key('test')));
  }
  if (o.classes !== undefined && o.task === 'regression') out.push(new DataError('"classes" applies to class labels, and "task" is "regression"', key('classes')));
  if (spec.format === 'csv' && spec.delimiter !== undefined && '"\r\n'.includes(spec.delimiter)) {
    out.push(new DataError(`${key('delimiter')} must be one character other than a quote or a line break, got ${show(spec.delimiter)}`, key('delimiter')));
  }
  return out;
}

/** A value as a message shows it: JSON, cut after 60 characters (`excerpt`: never inside a character). */
export function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(v) ?? String(v);
  } catch {
    text = String(v);
  }
  return excerpt(text, 60);
}
