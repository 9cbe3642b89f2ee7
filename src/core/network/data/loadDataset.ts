/**
 * Loading the data set of an experiment (docs/networks.md, "Data"): the spec is checked, the files
 * read (only the kept samples, each file once, limits checked before allocating), class labels
 * settled, and the inputs normalised with statistics of the training set.
 */
import { excerpt } from '../../experiment/diagnostic';
import { Dataset } from '../dataset';
import { countOf, DataError, formatCount, formatNumber, joinPath } from './dataError';
import { dataFileRef } from './dataFile';
import { MAX_DATA_BYTES, MAX_READ_BYTES, MemoryBudget } from './dataLimits';
import { DataSpec, MAX_CLASSES, parseDataSpec } from './dataSpec';
import { cifarBatchesSaid, cifarBatchRefs, CIFAR10_CLASS_NAMES, CIFAR10_CLASSES, readCifar10Split } from './cifar10';
import { CsvSplit, indexColumnsSaid, pandasNamesRefusal, readCsvSplit, spellsMissingValue } from './csv';
import { readIdxPair } from './idx';
import { inlineTask, readInlineSplit } from './inline';
import { defaultMnistDir, MNIST_CLASSES, readEmbeddedMnist } from './mnist';
import { applyNormalization, fitNormalization, float32Text, Normalization, NormalizeMode } from './normalize';
import { readNpySplit } from './npy';
import { RawClasses, RawData, RawRegression, RawSplit, ReadContext, sampleShapeSaid, SplitShape } from './rawSplit';
import { keptSaid, selectSamples } from './subset';

/** Where relative paths start, the limits, and how errors are located. */
export interface LoadOptions {
  /** The directory the spec's relative paths are resolved against: the experiment file's. */
  baseDir: string;
  /** Most bytes of inputs and targets in memory, train and test together (default MAX_DATA_BYTES, 1 GiB). */
  maxBytes?: number;
  /** Most bytes read from one file, after decompression (default MAX_READ_BYTES, 4 GiB). */
  maxReadBytes?: number;
  /** The JSON path of the spec in the experiment file, for errors (default `data`). */
  specPath?: string;
  /** Where the embedded MNIST files are (default media/mnist/ beside the running bundle's dist/). */
  mnistDir?: string;
  /** Aborts the reading (a newer edit of the experiment supersedes this load). */
  signal?: AbortSignal;
  /**
   * Sees each split's shape as the data says it before the split is allocated (a class count the
   * spec or the format fixes filled in), and throws to refuse it: a run refuses a network too large
   * for the data's features before reading gigabytes of them (`shapeLimitProblems`).
   */
  beforeAllocating?: (shape: SplitShape) => void;
}

/** The loaded sets, normalised, with what was done to them. */
export interface LoadedData {
  train: Dataset;
  test?: Dataset;
  /** One line saying where the data came from and what was kept. */
  source: string;
  /** The map applied to every input, fitted to the training inputs. */
  normalization: Normalization;
  /** The class names in label order, when the labels are names (CSV, inline) or known (CIFAR-10). */
  classNames?: string[];
}

/**
 * Loads the training set and, when the spec has one, the test set. Inputs are row-major count ×
 * features float32, normalised as `spec.normalize` says; targets are class labels in [0, classCount)
 * or regression values. Throws a DataError located at the spec key (and file position) of the first
 * problem; never reads a non-regular file, never allocates beyond `maxBytes`.
 */
export async function loadDataset(spec: DataSpec, options: LoadOptions): Promise<LoadedData> {
  const path = options.specPath ?? 'data';
  parseDataSpec(spec, path);
  const ctx: ReadContext = {
    baseDir: options.baseDir,
    path,
    maxReadBytes: options.maxReadBytes ?? MAX_READ_BYTES,
    budget: new MemoryBudget(options.maxBytes ?? MAX_DATA_BYTES),
    signal: options.signal,
  };
  const classes = fixedClassCount(spec);
  const see = options.beforeAllocating;
  if (see) ctx.beforeAllocating = (shape) => see(shape.task === 'classes' ? { ...shape, outputs: classes } : shape);
  const { raw, normalize, fixedNames } = await readRaw(spec, ctx, options);
  if (raw.test) checkSameShapes(raw.train, raw.test, raw.testKey ?? path);
  // A subset the data block takes may keep one sample of a rare class above others it dropped (`checkStrayLabel`).
  const subset = 'train' in spec && typeof spec.train === 'number';
  const settled = settleClasses(raw, classes, joinPath(path, 'classes'), subset);
  const normalization = fitNormalization(normalize, raw.train.x, raw.train.count, raw.train.sampleShape, raw.train.byteValued);
  for (const [split, what] of [[raw.train, 'training'], [raw.test, 'test']] as const) {
    const beyond = split && applyNormalization(normalization, split.x, split.features);
    if (split && beyond) throw normalizedBeyondFloat32(normalization, split, what, beyond, spec.normalize !== undefined ? joinPath(path, 'normalize') : path);
  }
  const dataset = (s: RawSplit, labels: Uint8Array | Int32Array | undefined): Dataset => ({
    count: s.count,
    features: s.features,
    sampleShape: s.sampleShape,
    x: s.x,
    targets: s.targets.kind === 'regression' ? { kind: 'regression', values: s.targets.values, outputs: s.targets.outputs } : { kind: 'classes', labels: labels!, classCount: settled!.classCount },
  });
  const classNames = settled?.names ?? fixedNames;
  // Classes named by the labels are said with their names, in the order of the outputs; classes no
  // training sample has (a "classes" above the labels, a subset) with their labels: outputs never trained.
  const task = settled ? `${countOf(settled.classCount, 'class', 'classes')}${settled.names ? ` (${nameList(settled.names)})` : ''}${untrainedClasses(settled)}` : `regression, ${countOf(raw.train.targets.kind === 'regression' ? raw.train.targets.outputs : 1, 'output')}${(spec as { task?: unknown }).task === undefined ? oneHotSaid(raw.train.targets) || wholeNumbersSaid(raw.train.targets, (spec as { format?: unknown }).format === 'npy') : ''}`;
  return {
    train: dataset(raw.train, settled?.train),
    test: raw.test ? dataset(raw.test, settled?.test) : undefined,
    source: `${raw.source}; ${task}; normalize ${normalize}`,
    normalization,
    classNames,
  };
}

/**
 * A normalised input float32 cannot hold (the readers refuse non-finite inputs, so the map made it):
 * which sample and feature, its input, and the map the training inputs fitted, in the words of the
 * mode — `scale01`'s one range over all features together, `standardize`'s statistics of the
 * feature's channel — as the problem of the data it is, not as "input Infinity" at a training check
 * that named neither the file nor the map. The input is the float32 the reader kept, in its shortest
 * text (`float32Text`: 0.1, not 0.10000000149011612), and said to be so.
 */
function normalizedBeyondFloat32(norm: Normalization, split: RawSplit, what: string, beyond: { index: number; input: number }, key: string): DataError {
  const sample = Math.floor(beyond.index / split.features);
  const feature = beyond.index % split.features;
  const c = Math.floor(feature / (split.features / norm.channels));
  const short = (v: number) => String(Number(v.toPrecision(4)));
  const map = `(x − ${short(norm.shift[c])}) / ${short(norm.scale[c])}`;
  let fitted: string;
  if (norm.mode === 'scale01') {
    const range = `[${short(norm.shift[0])}, ${short(norm.shift[0] + norm.scale[0])}]`;
    fitted = `one range for all features together: the training inputs span only ${range}, and this input lies far outside it — every training input is nearly the same; check that the ${what} inputs are on the training inputs' scale, or set "normalize": "none"`;
  } else {
    const channel = norm.channels === split.features ? `feature ${formatCount(feature)}` : norm.channels === 1 ? 'all features together' : `channel ${formatCount(c)} of ${formatCount(norm.channels)}`;
    const constant = norm.channels === split.features ? `feature ${formatCount(feature)} is nearly constant in the training set; leave it out, or set "normalize": "none"` : `the training inputs of ${norm.channels === 1 ? 'every feature' : `channel ${formatCount(c)}`} are nearly constant; set "normalize": "none"`;
    fitted = `the mean and standard deviation of ${channel}, and this input lies far outside the training inputs — ${constant}`;
  }
  return new DataError(
    `"${norm.mode}" maps ${what} sample ${formatCount(sample)}'s feature ${formatCount(feature)} (input ${float32Text(beyond.input)}, as float32) beyond the float32 range: the training inputs fitted it ${map}, ${fitted}`,
    key,
  );
}

/** The class count the spec (`classes`) or the format (MNIST's and CIFAR-10's ten) fixes before any label is read. */
function fixedClassCount(spec: DataSpec): number | undefined {
  if ('dataset' in spec) return MNIST_CLASSES;
  return spec.format === 'cifar10' ? CIFAR10_CLASSES : spec.classes;
}

interface Read {
  raw: RawData;
  normalize: NormalizeMode;
  fixedNames?: string[];
}

async function readRaw(spec: DataSpec, ctx: ReadContext, options: LoadOptions): Promise<Read> {
  const path = ctx.path;
  const key = (k: string) => joinPath(path, k);
  if ('dataset' in spec) {
    const raw = await readEmbeddedMnist(ctx, spec, options.mnistDir ?? defaultMnistDir());
    return { raw, normalize: spec.normalize ?? 'scale01' };
  }
  const file = (name: string, k: string) => dataFileRef(name, ctx.baseDir, key(k));
  switch (spec.format) {
    case 'idx': {
      const task = spec.task ?? 'classes';
      const choose = (asked: number | undefined, what: string) => selectSamples(asked, spec.subsetSeed, key(what === 'test' ? 'test' : 'train'), what);
      const [train] = await readIdxPair(ctx, file(spec.trainImages, 'trainImages'), file(spec.trainLabels, 'trainLabels'), [choose(spec.train, 'training')], task);
      const hasTest = spec.testImages !== undefined && spec.testLabels !== undefined && spec.test !== 0;
      const test = hasTest ? (await readIdxPair(ctx, file(spec.testImages!, 'testImages'), file(spec.testLabels!, 'testLabels'), [choose(spec.test, 'test')], task))[0] : undefined;
      const source = `IDX ${spec.trainImages} + ${spec.trainLabels}: ${keptSaid(train.count, spec.train, spec.subsetSeed, 'training sample', sampleShapeSaid(train.sampleShape))}${test ? `; ${spec.testImages} + ${spec.testLabels}: ${keptSaid(test.count, spec.test, spec.subsetSeed, 'test sample')}` : ''}`;
      return { raw: { train, test, testKey: key('testImages'), source }, normalize: spec.normalize ?? 'scale01' };
    }
    case 'cifar10': {
      const choose = (asked: number | undefined, what: string) => selectSamples(asked, spec.subsetSeed, key(what === 'test' ? 'test' : 'train'), what);
      const train = await readCifar10Split(ctx, cifarBatchRefs(spec.trainBatches, ctx.baseDir, key('trainBatches')), choose(spec.train, 'training'));
      const hasTest = spec.testBatches !== undefined && spec.test !== 0;
      const test = hasTest ? await readCifar10Split(ctx, cifarBatchRefs(spec.testBatches!, ctx.baseDir, key('testBatches')), choose(spec.test, 'test')) : undefined;
      const source = `CIFAR-10 ${cifarBatchesSaid(spec.trainBatches)}: ${keptSaid(train.count, spec.train, spec.subsetSeed, 'training image', sampleShapeSaid(train.sampleShape))}${test ? `; ${cifarBatchesSaid(spec.testBatches!)}: ${keptSaid(test.count, spec.test, spec.subsetSeed, 'test image')}` : ''}`;
      return { raw: { train, test, source }, normalize: spec.normalize ?? 'scale01', fixedNames: CIFAR10_CLASS_NAMES };
    }
    case 'csv': {
      const task = spec.task ?? 'classes';
      const labels = spec.label === undefined ? [-1] : Array.isArray(spec.label) ? spec.label : [spec.label];
      const labelKeys = Array.isArray(spec.label) ? spec.label.map((_, i) => joinPath(key('label'), i)) : [key('label')];
      const common = { delimiter: spec.delimiter ?? ',', header: spec.header, label: labels, labelKeys, task, seed: spec.subsetSeed, specPath: path };
      const hasTest = spec.testFile !== undefined && spec.test !== 0;
      const train = await readCsvSplit(ctx, file(spec.trainFile, 'trainFile'), { ...common, asked: spec.train, what: 'training', testFollows: hasTest });
      const test = hasTest ? await readCsvSplit(ctx, file(spec.testFile!, 'testFile'), { ...common, asked: spec.test, what: 'test', expect: train.layout }) : undefined;
      // The training file's first line pandas' column names read as a sample, its label on no other
      // training line: refused unless a test line other than the test file's own such first line has it.
      if (test && train.namesLine?.alone && !testHasLabel(test, train.namesLine.label)) throw pandasNamesRefusal(train.namesLine, `${spec.trainFile} or ${spec.testFile}`);
      const header = (!train.layout.header ? 'no header line' : train.layout.rowIndex ? `with a header line; ${indexColumnsSaid(train.layout.rowIndex).replace(/^the/, 'its')}, a row index, left out` : 'with a header line') + namesGuessSaid(train);
      const source = `CSV ${spec.trainFile} (${header}): ${keptSaid(train.split.count, spec.train, spec.subsetSeed, 'training sample', sampleShapeSaid(train.split.sampleShape))}${test ? `; ${spec.testFile}: ${keptSaid(test.split.count, spec.test, spec.subsetSeed, 'test sample')}` : ''}`;
      return { raw: { train: train.split, test: test?.split, testKey: key('testFile'), source }, normalize: spec.normalize ?? 'none' };
    }
    case 'npy': {
      const choose = (asked: number | undefined, what: string) => selectSamples(asked, spec.subsetSeed, key(what === 'test' ? 'test' : 'train'), what);
      const train = await readNpySplit(ctx, file(spec.trainX, 'trainX'), file(spec.trainY, 'trainY'), choose(spec.train, 'training'), spec.task ?? (spec.classes !== undefined ? 'classes' : undefined));
      const hasTest = spec.testX !== undefined && spec.testY !== undefined && spec.test !== 0;
      const test = hasTest ? await readNpySplit(ctx, file(spec.testX!, 'testX'), file(spec.testY!, 'testY'), choose(spec.test, 'test'), train.targets.kind) : undefined;
      const source = `NumPy ${spec.trainX} + ${spec.trainY}: ${keptSaid(train.count, spec.train, spec.subsetSeed, 'training sample', sampleShapeSaid(train.sampleShape))}${test ? `; ${spec.testX} + ${spec.testY}: ${keptSaid(test.count, spec.test, spec.subsetSeed, 'test sample')}` : ''}`;
      return { raw: { train, test, testKey: key('testX'), source }, normalize: spec.normalize ?? 'none' };
    }
    default: {
      const task = spec.task ?? (spec.classes !== undefined ? 'classes' : inlineTask(spec.train));
      const train = readInlineSplit(ctx, spec.train, key('train'), task, 'training');
      const test = spec.test ? readInlineSplit(ctx, spec.test, key('test'), task, 'test') : undefined;
      const source = `inline: ${countOf(train.count, 'training sample')}${sampleShapeSaid(train.sampleShape)}${test ? `, ${countOf(test.count, 'test sample')}` : ''}`;
      return { raw: { train, test, testKey: joinPath(key('test'), 'x'), source }, normalize: spec.normalize ?? 'none' };
    }
  }
}

/**
 * What the data line adds when regression was inferred (floating-point `.npy` targets, inline rows) for
 * targets whose every training row is one-hot — one 1 among 0s, k ≥ 2 values: most likely classes, which
 * train here as a regression of k outputs under the squared loss, with no accuracy. '' otherwise.
 */
function oneHotSaid(t: RawClasses | RawRegression): string {
  if (t.kind !== 'regression' || t.outputs < 2) return '';
  const k = t.outputs;
  for (let i = 0; i < t.values.length; i += k) {
    let ones = 0;
    for (let j = i; j < i + k; j++) {
      const v = t.values[j];
      if (v === 1) ones++;
      else if (v !== 0) return '';
    }
    if (ones !== 1) return '';
  }
  return ` (note: every target row is one-hot, one 1 among 0s: trained as a regression under the squared loss, no accuracy — for ${formatCount(k)} classes give each sample's class index, y.argmax(axis=1) as integers, or set "task": "regression" to say the rows are meant)`;
}

/**
 * What the data line says of a first line that is pandas' default column names `0,1,…,m−1` guessed a
 * header or a sample from the next line (`pandasNamesGuess`, docs/networks.md, "CSV"), and how to say
 * otherwise; '' when there was no such guess.
 */
function namesGuessSaid(split: CsvSplit): string {
  const g = split.namesGuess;
  if (!g) return '';
  return g.header
    ? `; its first line, "${g.first}", guessed pandas' default column names (DataFrame(array).to_csv(index=False)), not a sample — "header": false reads it as one`
    : `; its first line, "${g.first}", guessed a sample, not pandas' default column names, as the next line, "${g.next}", is another run of whole numbers like it — "header": true reads it as the names`;
}

/** Distinct values at most that `wholeNumbersSaid` takes for labels. */
const MAX_NOTED_LABELS = 100;

/**
 * What the data line adds when regression was inferred (floating-point `.npy` targets, inline rows of
 * one value) for targets of one value per sample that are every one a whole number ≥ 0, of 2 to
 * MAX_NOTED_LABELS distinct values each on two samples or more on average — class labels stored as
 * floats (`y.astype(float)`, float32 [[3.], [7.], …]), most likely, which train here as a regression of
 * one output under the squared loss, with no accuracy. '' otherwise. *Decision (docs/networks.md,
 * "Targets"):* a note, not classes — counts and scores are whole numbers too, and the dtype rule stays.
 */
function wholeNumbersSaid(t: RawClasses | RawRegression, npy: boolean): string {
  if (t.kind !== 'regression' || t.outputs !== 1 || t.values.length < 4) return '';
  const distinct = new Set<number>();
  for (const v of t.values) {
    if (!(Number.isInteger(v) && v >= 0)) return '';
    distinct.add(v);
    if (distinct.size > MAX_NOTED_LABELS) return '';
  }
  if (distinct.size < 2 || distinct.size * 2 > t.values.length) return '';
  const values = [...distinct].sort((a, b) => a - b);
  const stored = npy ? ' in a floating-point array' : ', in rows of one';
  const instead = npy ? 'save them as integers, y.astype(int)' : 'give y as a flat list';
  return ` (note: every target is a whole number ≥ 0${stored}, ${countOf(values.length, 'value')} (${labelRanges(values)}) each on several samples — class labels? Trained as a regression under the squared loss, no accuracy: for classes set "task": "classes" (or ${instead}); "task": "regression" says the values are meant)`;
}

/** Whether a test sample has class `label`, not counting the test file's own first line when it is pandas' column names read as a sample. */
function testHasLabel(test: CsvSplit, label: number): boolean {
  const t = test.split.targets;
  if (t.kind !== 'classes') return true;
  for (let i = 0; i < t.values.length; i++) if (t.values[i] === label && !(test.namesLine && t.place(i).location.line === 1)) return true;
  return false;
}

/** The test samples must have the training samples' shape, and as many regression outputs. */
function checkSameShapes(train: RawSplit, test: RawSplit, key: string): void {
  const shape = (s: number[]) => `[${s.join(', ')}]`;
  if (shape(train.sampleShape) !== shape(test.sampleShape)) throw new DataError(`test samples have shape ${shape(test.sampleShape)}, training samples ${shape(train.sampleShape)}: the network takes one input shape`, key);
  const outputs = (s: RawSplit) => (s.targets.kind === 'regression' ? s.targets.outputs : 1);
  if (outputs(train) !== outputs(test)) throw new DataError(`test targets have ${countOf(outputs(test), 'value')} per sample, training targets ${outputs(train)}`, key);
}

/** `, 2 of them in no training sample (3 and 4)` for classes no training label has; '' when every class has one. */
function untrainedClasses(settled: SettledClasses): string {
  const seen = new Uint8Array(settled.classCount);
  for (let i = 0; i < settled.train.length; i++) seen[settled.train[i]] = 1;
  const missing: number[] = [];
  seen.forEach((s, c) => s || missing.push(c));
  return missing.length === 0 ? '' : `, ${formatCount(missing.length)} of them in no training sample (${labelRanges(missing)})`;
}

interface SettledClasses {
  classCount: number;
  train: Uint8Array | Int32Array;
  test?: Uint8Array | Int32Array;
  names?: string[];
}

/**
 * Refuses inferred classes of which most never occur: a stray large label (a corrupt byte, an
 * "ignore" label such as 255) would otherwise add an output per missing class and train silently.
 * More than half of the classes and at least MIN_MISSING_CLASSES of them missing is that signature;
 * a `classes` key in the file says the gaps are meant.
 */
function checkClassGaps(splits: readonly RawClasses[], classCount: number, largest: { t: RawClasses; i: number } | undefined): void {
  const seen = new Uint8Array(classCount);
  for (const t of splits) for (let i = 0; i < t.values.length; i++) seen[t.values[i]] = 1;
  const present: number[] = [];
  seen.forEach((s, c) => s && present.push(c));
  const missing = classCount - present.length;
  if (missing * 2 <= classCount || missing < MIN_MISSING_CLASSES || !largest) return;
  const p = largest.t.place(largest.i);
  throw new DataError(
    `label ${formatCount(classCount - 1)} would make ${formatCount(classCount)} classes, and ${formatCount(missing)} of them never occur (the labels are ${labelRanges(present)}): set "classes" if that is meant, or "task": "regression" for numeric targets`,
    p.key,
    p.location,
  );
}

/**
 * Refuses test labels that no training sample has, when the classes are inferred from the labels: a
 * typo in the test labels (or a test file of other classes) would otherwise add an output that is
 * never trained and test samples that count as errors, without a word. Located at the first such test
 * sample; `untrained(i)` says whether test sample i's label (`labelOf(i)`) is one, `list` lists the distinct
 * such labels, `trainedList` lists the training set's. A `classes` key in the file says the training set
 * may lack classes (a small subset of a large set may), and skips this check.
 */
function checkTestClassesTrained<T extends number | string>(test: RawClasses, labelOf: (i: number) => T, untrained: (i: number) => boolean, list: (distinct: T[]) => string, trainedList: string): void {
  let first = -1;
  const absent = new Set<T>();
  for (let i = 0; i < test.values.length; i++) {
    if (!untrained(i)) continue;
    if (first < 0) first = i;
    absent.add(labelOf(i));
  }
  if (first < 0) return;
  const labels = list([...absent]);
  const p = test.place(first);
  throw new DataError(
    absent.size === 1
      ? `test label ${labels} never occurs in the training set (labels ${trainedList}): a class the network is never trained on — check the test labels, or set "classes" if the training set is meant to lack it`
      : `test labels ${labels} never occur in the training set (labels ${trainedList}): classes the network is never trained on — check the test labels, or set "classes" if the training set is meant to lack them`,
    p.key,
    p.location,
  );
}

/**
 * A split whose labels mix numbers and names (`0, 1, NaN, 1`; `cat, dog, 0`) is refused at the first
 * label of the kind fewer of them have (a name, on a tie): a missing value written NaN, NA or ? among
 * class indices would otherwise make every label a name and add a class that trains on the samples
 * missing theirs (docs/networks.md, "Targets").
 */
function checkLabelKinds(t: RawClasses, split: 'training' | 'test', isName: (i: number) => boolean): void {
  let names = 0;
  for (let i = 0; i < t.values.length; i++) if (isName(i)) names++;
  const numbers = t.values.length - names;
  if (names === 0 || numbers === 0) return;
  const oddName = names <= numbers;
  let first = 0;
  while (isName(first) !== oddName) first++;
  const others = [...new Set(t.text!.filter((_, i) => isName(i) !== oddName))];
  const p = t.place(first);
  throw new DataError(
    oddName
      ? `label ${JSON.stringify(excerpt(t.text![first]))} is not a number, but the other ${split} labels are class indices (${numberList(others)}): a missing value? The labels are all class indices or all class names — give the sample its class, or leave it out`
      : `label ${t.text![first]} is a number, but the other ${split} labels are class names (${nameList(others.sort(byCodeUnits))}): the labels are all class indices or all class names — write this class as a name`,
    p.key,
    p.location,
  );
}

/**
 * Among class names, with the class count inferred (no "classes"), a label that spells a missing value
 * (`spellsMissingValue`: NA, NaN, N/A, #N/A, <NA>, null, None, ?) on at most half as many training
 * samples as the smallest other class is refused at its first place: it trained as a class of its own, learnt from
 * the samples missing theirs (R's `NA` once among 20 of "x", "y", "z": four classes, a breaker's
 * finding, 2026-12-03). A class of its own size (`NA` for North America, `None` beside `Mild`) is a name.
 * Among class indices it is refused as a name (`checkLabelKinds`).
 */
function checkMissingNames(train: RawClasses): void {
  const counts = new Map<string, number>();
  for (const n of train.text!) counts.set(n, (counts.get(n) ?? 0) + 1);
  for (const [name, count] of counts) {
    if (!spellsMissingValue(name)) continue;
    const others = [...counts].filter(([n]) => n !== name).map(([, c]) => c);
    if (others.length === 0 || 2 * count > Math.min(...others)) continue;
    const p = train.place(train.text!.indexOf(name));
    throw new DataError(`label ${JSON.stringify(excerpt(name))} spells a missing value (as R, pandas or a spreadsheet writes one), on ${countOf(count, 'training sample')} where the smallest other class has ${formatCount(Math.min(...others))}: as a class it would be learnt from the samples missing theirs — give each sample its class, or leave it out; if it is a class, set "classes"`, p.key, p.location);
  }
}

/** Training samples from which labels all different are refused (`checkClassesOfOne`). */
const MIN_SAMPLES_ALL_DIFFERENT = 50;

/**
 * With the class count inferred (no "classes"), at least MIN_SAMPLES_ALL_DIFFERENT training labels
 * all different are an identifier — a CSV's id column taken as the label (the default, the last
 * column), sample numbers, prices — and nothing can be learned from them (100 ids trained as 100
 * classes to a training accuracy of 2% until 2026-12). All different, not merely many: a small
 * subset of a set of many classes has many classes of one sample (40 of a 100-class set had 33).
 * A `classes` key says it is meant; numeric targets are `"task": "regression"`.
 */
function checkClassesOfOne(train: RawClasses, distinct: number): void {
  const n = train.values.length;
  if (n < MIN_SAMPLES_ALL_DIFFERENT || distinct < n) return;
  const p = train.place(0);
  throw new DataError(`the ${formatCount(n)} training labels are all different, each a class of one sample: are they the labels, or an identifier of each sample? Check which column or file holds the labels; for numeric targets set "task": "regression", or "classes" if this is meant`, p.key, p.location);
}

/**
 * With the class count inferred (no "classes"), the training labels must hold two classes: one class
 * teaches the network a constant, and labels all 1 were counted as two classes, 0 never occurring.
 */
function checkTwoClasses(train: RawClasses, distinct: number): void {
  if (distinct >= 2) return;
  const p = train.place(0);
  const label = Number.isNaN(train.values[0]) ? JSON.stringify(excerpt(train.text![0])) : train.text?.[0] ?? train.exact?.get(0) ?? formatNumber(train.values[0]);
  throw new DataError(`every training label is ${label}: a classifier needs samples of at least two classes — set "classes" if the others are meant to be absent`, p.key, p.location);
}

/** Labels that are numbers, as written, in increasing order: `0 and 1`, `0, 1, 2, 3, 4, … (12 in all)`. */
function numberList(written: readonly string[]): string {
  return listed([...written].sort((a, b) => Number(a) - Number(b)).map((n) => excerpt(n)));
}

/** Items for a message: `a and b`, `a, b and c`, or the first five and the count past six. */
function listed(q: readonly string[]): string {
  if (q.length > 6) return `${q.slice(0, 5).join(', ')}, … (${formatCount(q.length)} in all)`;
  return q.length > 1 ? `${q.slice(0, -1).join(', ')} and ${q.at(-1)}` : q[0];
}

/** Sorts strings by UTF-16 code units (the class names' order). */
function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorted class names for a message: `"cat" and "dog"`, `"a", "b", "c", "d", "e", … (12 in all)`. */
function nameList(sorted: readonly string[]): string {
  return listed(sorted.map((n) => JSON.stringify(excerpt(n))));
}

/** Samples that every class below a stray label has, at the least, for `checkStrayLabel` to call it one. */
const MIN_STRAY_SUPPORT = 20;

/**
 * With the class count inferred (no "classes"), refuses a largest training label that one sample alone
 * has, above labels no sample has, over classes 0 … S that have at least MIN_STRAY_SUPPORT samples
 * each: a corrupt label byte (a 12 among MNIST's 0–9 made 13 classes, two never trained, and trained
 * without a word). Left alone: a rare class next to the others (no gap), a small subset (classes of
 * few samples: a random 40 of a 100-class set has a lone largest label above gaps), labels counted
 * from 1 (class 0 absent), most missing classes (`checkClassGaps` says those), a label the test split
 * has too (a class, not a stray byte), and a subset the data block takes (the caller's: a random 250 of
 * a set with classes of 500 and of 5 samples kept one sample of a rare class above others it dropped,
 * one subset in five). Located at that sample.
 */
function checkStrayLabel(train: RawClasses, test: RawClasses | undefined, classCount: number): void {
  const counts = new Float64Array(classCount);
  for (let i = 0; i < train.values.length; i++) counts[train.values[i]]++;
  const top = classCount - 1;
  if (counts[top] !== 1 || test?.values.includes(top)) return;
  let below = top - 1;
  while (below >= 0 && counts[below] === 0) below--;
  if (below < 0 || below === top - 1) return;
  let fewest = Infinity;
  let most = 0;
  for (let c = 0; c <= below; c++) {
    fewest = Math.min(fewest, counts[c]);
    most = Math.max(most, counts[c]);
  }
  if (fewest < MIN_STRAY_SUPPORT) return;
  const gap = Array.from({ length: top - below - 1 }, (_, k) => below + 1 + k);
  const p = train.place(train.values.indexOf(top));
  const samples = below === 0 ? `0 has ${countOf(most, 'sample')}` : `${labelRanges(Array.from({ length: below + 1 }, (_, c) => c))} have ${fewest === most ? formatCount(most) : `${formatCount(fewest)} to ${formatCount(most)}`} samples each`;
  throw new DataError(
    `no other sample has label ${formatCount(top)}, and no sample has ${gap.length === 1 ? 'label' : 'labels'} ${labelRanges(gap)}, while ${samples} — a corrupt label, or a file that kept one sample of a rare class? It would make ${formatCount(classCount)} classes, ${formatCount(gap.length)} never trained: check the label, or set "classes" to the data set's class count if this is meant`,
    p.key,
    p.location,
  );
}

/** At least this many classes missing before checkClassGaps refuses (0, 5 as two classes is fine). */
const MIN_MISSING_CLASSES = 10;

/** Sorted labels as ranges of three or more: "0–9 and 200", "0 and 1", "1, 3, 5–7, …". */
function labelRanges(sorted: readonly number[]): string {
  const ranges: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    if (j === i + 1) j = i;
    ranges.push(j === i ? `${sorted[i]}` : `${sorted[i]}–${sorted[j]}`);
    i = j + 1;
  }
  if (ranges.length > 6) return `${ranges.slice(0, 5).join(', ')}, … ${ranges.at(-1)}`;
  return ranges.length > 1 ? `${ranges.slice(0, -1).join(', ')} and ${ranges.at(-1)}` : ranges[0];
}

/** Training samples a class must have for a name one edit from it, on one sample, to be taken for its typo (`checkLoneNearNames`). */
const MIN_TYPO_PEER_SAMPLES = 5;

/** Pairs of a lone name and a large class compared at most (`checkLoneNearNames`: about 0.1 s). */
const MAX_NAME_PAIRS = 1_000_000;

/**
 * With the class count inferred (no "classes"), refuses a class name on one training sample that is a
 * typo of a class of at least MIN_TYPO_PEER_SAMPLES samples — one code point inserted, deleted,
 * replaced or two neighbours swapped (names of 4 code points or more), or the same name in other case:
 * `virginca` beside 50 samples of `virginica`, `Setosa` beside `setosa`. Such a typo trained as a
 * class of its own, an output of one sample, without a word. A `classes` key says a class of one
 * sample is meant (docs/networks.md, "Targets"). Sets of many rare and many large classes (more than
 * MAX_NAME_PAIRS pairs to compare) are not searched.
 */
function checkLoneNearNames(train: RawClasses): void {
  const counts = new Map<string, number>();
  for (const n of train.text!) counts.set(n, (counts.get(n) ?? 0) + 1);
  const lone = [...counts].filter(([, c]) => c === 1).map(([n]) => n);
  const peers = [...counts].filter(([, c]) => c >= MIN_TYPO_PEER_SAMPLES).map(([n]) => n);
  if (lone.length * peers.length === 0 || lone.length * peers.length > MAX_NAME_PAIRS) return;
  // In file order: the first such sample is the one located.
  for (let i = 0; i < train.text!.length; i++) {
    const name = train.text![i];
    if (counts.get(name) !== 1) continue;
    const peer = peers.find((q) => nearNames(name, q));
    if (peer === undefined) continue;
    const p = train.place(i);
    const how = fold(name) === fold(peer) ? 'differs from it only in case' : 'differs from it by one character';
    throw new DataError(`class name ${JSON.stringify(excerpt(name))} is on this training sample alone, and ${JSON.stringify(excerpt(peer))} (${countOf(counts.get(peer)!, 'training sample')}) ${how}: a typo? It would train as a class of its own — correct the label, or set "classes" if a class of one sample is meant`, p.key, p.location);
  }
}

/** A name as `checkLoneNearNames` compares case: lower case (the readers trim a label's spaces). */
function fold(name: string): string {
  return name.toLowerCase();
}

/** Whether two class names are one typo apart (`checkLoneNearNames`). */
function nearNames(a: string, b: string): boolean {
  // A code point is one or two UTF-16 units: names more than two units apart are more than one code point apart.
  if (Math.abs(a.length - b.length) > 2) return false;
  if (fold(a) === fold(b)) return true;
  const [x, y] = [[...a], [...b]];
  if (Math.max(x.length, y.length) < 4 || Math.abs(x.length - y.length) > 1) return false;
  return editDistanceAtMostOne(x, y);
}

/** Whether the optimal-string-alignment distance of two code-point sequences is at most 1 (an insertion, deletion, replacement or swap of neighbours). */
function editDistanceAtMostOne(x: readonly string[], y: readonly string[]): boolean {
  let from = 0;
  while (from < x.length && from < y.length && x[from] === y[from]) from++;
  let tail = 0;
  while (tail < x.length - from && tail < y.length - from && x[x.length - 1 - tail] === y[y.length - 1 - tail]) tail++;
  const [dx, dy] = [x.length - from - tail, y.length - from - tail];
  if (dx <= 1 && dy <= 1) return true;
  // A swap of neighbours: ab against ba, the rest equal.
  return dx === 2 && dy === 2 && x[from] === y[from + 1] && x[from + 1] === y[from];
}

/**
 * Refuses two class names that differ only in their Unicode form (NFC "café" and NFD "cafe\u0301"):
 * they print alike and would train as two classes; the message names the lines where each is first.
 */
function checkNormalisedNames(splits: readonly RawClasses[], names: readonly string[]): void {
  const byForm = new Map<string, string>();
  for (const name of names) {
    const form = name.normalize('NFC');
    const other = byForm.get(form);
    if (other === undefined) {
      byForm.set(form, name);
      continue;
    }
    // Where each is first, in file order (split, then sample): the message is located at the later.
    const firstOf = (n: string) => {
      for (const [k, t] of splits.entries()) {
        const i = t.text!.indexOf(n);
        if (i >= 0) return { order: [k, i], place: t.place(i), name: n };
      }
      throw new Error('a class name in no split');
    };
    const [first, second] = [firstOf(other), firstOf(name)].sort((x, y) => x.order[0] - y.order[0] || x.order[1] - y.order[1]);
    const [a, b] = [first.place, second.place];
    // A file's line, or inline data's key path (data.train.y[0]).
    const where = (p: ReturnType<RawClasses['place']>) => (p.location.line !== undefined ? `${p.location.file ? `${p.location.file} ` : ''}line ${formatCount(p.location.line)}` : p.key);
    // The code points where the two differ, not the whole of a long name.
    const [x, y] = [[...second.name], [...first.name]];
    let from = 0;
    while (from < x.length && from < y.length && x[from] === y[from]) from++;
    let tail = 0;
    while (tail < x.length - from && tail < y.length - from && x[x.length - 1 - tail] === y[y.length - 1 - tail]) tail++;
    const codes = (cs: string[]) => cs.slice(from, cs.length - tail).map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`).join(' ');
    throw new DataError(`class names ${JSON.stringify(excerpt(second.name))} (${where(b)}) and ${JSON.stringify(excerpt(first.name))} (${where(a)}) differ only in their Unicode form (${codes(x)} against ${codes(y)}): they print alike and would train as two classes — write one form (NFC) for both`, b.key, b.location);
  }
}

/**
 * Class labels as indices. When any label (of either split) is not a number, every label is a class
 * name and the classes are the distinct names in sorted order; otherwise labels must be whole numbers
 * ≥ 0 and the class count is `classes` when given, else the largest label + 1 (refused when most of
 * those classes never occur: `checkClassGaps`).
 */
function settleClasses(raw: RawData, classes: number | undefined, classesKey: string, subset: boolean): SettledClasses | undefined {
  const train = raw.train.targets;
  const test = raw.test?.targets;
  if (train.kind !== 'classes') {
    if (test && test.kind !== 'regression') throw new Error('the splits disagree on the task');
    return undefined;
  }
  if (test && test.kind !== 'classes') throw new Error('the splits disagree on the task');
  const splits: RawClasses[] = test ? [train, test] : [train];
  const isName = (t: RawClasses, i: number) => t.text !== undefined && Number.isNaN(t.values[i]);
  checkLabelKinds(train, 'training', (i) => isName(train, i));
  if (test) checkLabelKinds(test, 'test', (i) => isName(test, i));
  const named = splits.some((t) => t.values.some((_, i) => isName(t, i)));
  const array = (n: number, count: number) => (count <= 256 ? new Uint8Array(n) : new Int32Array(n));
  if (named) {
    if (classes === undefined) checkMissingNames(train);
    const names = [...new Set(splits.flatMap((t) => t.text!))].sort(byCodeUnits);
    checkNormalisedNames(splits, names);
    if (classes !== undefined && names.length > classes) throw new DataError(`the labels name ${formatCount(names.length)} classes (${names.slice(0, 8).map((n) => `"${n}"`).join(', ')}${names.length > 8 ? ', …' : ''}), more than "classes": ${classes}`, classesKey);
    if (names.length > MAX_CLASSES) throw new DataError(`the labels name ${formatCount(names.length)} classes, over the limit of ${formatCount(MAX_CLASSES)} (one output per class)`, train.place(0).key);
    if (classes === undefined && test) {
      const trained = new Set(train.text);
      checkTestClassesTrained(test, (i) => test.text![i], (i) => !trained.has(test.text![i]), (absent) => nameList(absent.sort(byCodeUnits)), nameList([...trained].sort(byCodeUnits)));
    }
    if (classes === undefined) {
      const distinct = new Set(train.text).size;
      checkTwoClasses(train, distinct);
      checkClassesOfOne(train, distinct);
      checkLoneNearNames(train);
    }
    const classCount = classes ?? names.length;
    const index = new Map(names.map((n, i) => [n, i]));
    const toIndices = (t: RawClasses) => {
      const out = array(t.values.length, classCount);
      t.text!.forEach((n, i) => (out[i] = index.get(n)!));
      return out;
    };
    return { classCount, train: toIndices(train), test: test && toIndices(test), names };
  }
  let largest = -1;
  let where: { t: RawClasses; i: number } | undefined;
  // A label as the file writes it (`2.50`, `1e400`, a 64-bit integer beyond 2⁵³), not as its float64 value.
  const said = (t: RawClasses, i: number) => t.text?.[i] ?? t.exact?.get(i) ?? formatNumber(t.values[i]);
  for (const t of splits) {
    for (let i = 0; i < t.values.length; i++) {
      const v = t.values[i];
      // A label written nonzero that reads as 0 (1e-400, below 64 bits' smallest magnitude) is no class index either.
      if (!(Number.isInteger(v) && v >= 0) || (v === 0 && t.text !== undefined && writtenNonzero(t.text[i]))) {
        const p = t.place(i);
        throw new DataError(`label ${said(t, i)} is not a class index (a whole number ≥ 0); for numeric targets set "task": "regression"`, p.key, p.location);
      }
      if (classes !== undefined && v >= classes) {
        const p = t.place(i);
        throw new DataError(`label ${said(t, i)} is beyond the ${countOf(classes, 'class', 'classes')} (labels 0 to ${classes - 1})`, p.key, p.location);
      }
      if (v > largest) {
        largest = v;
        where = { t, i };
      }
    }
  }
  const classCount = classes ?? largest + 1;
  if (classCount > MAX_CLASSES) {
    const p = where!.t.place(where!.i);
    const exact = where!.t.exact?.get(where!.i);
    throw new DataError(exact ? `label ${exact} would make more than ${formatCount(MAX_CLASSES)} classes, the limit (one output per class)` : `label ${formatCount(largest)} would make ${formatCount(classCount)} classes, over the limit of ${formatCount(MAX_CLASSES)} (one output per class)`, p.key, p.location);
  }
  if (classes === undefined && test) {
    const trained = new Uint8Array(classCount);
    for (let i = 0; i < train.values.length; i++) trained[train.values[i]] = 1;
    const present: number[] = [];
    trained.forEach((s, c) => s && present.push(c));
    checkTestClassesTrained(test, (i) => test.values[i], (i) => !trained[test.values[i]], (absent) => labelRanges(absent.sort((a, b) => a - b)), labelRanges(present));
  }
  if (classes === undefined) {
    const distinct = new Set(train.values).size;
    checkTwoClasses(train, distinct);
    checkClassesOfOne(train, distinct);
  }
  if (classes === undefined) {
    checkClassGaps(splits, classCount, where);
    if (!subset) checkStrayLabel(train, test, classCount);
  }
  const toIndices = (t: RawClasses) => {
    const out = array(t.values.length, classCount);
    for (let i = 0; i < out.length; i++) out[i] = t.values[i];
    return out;
  };
  return { classCount, train: toIndices(train), test: test && toIndices(test) };
}

/** Whether `text` is a decimal number literal with a nonzero digit in its significand (`1e-400`, `0.001`; not `0`, `0.0e5`). */
function writtenNonzero(text: string): boolean {
  const literal = /^[+-]?(\d*\.?\d*)(?:[eE][+-]?\d+)?$/.exec(text.trim());
  return literal !== null && /[1-9]/.test(literal[1]);
}
