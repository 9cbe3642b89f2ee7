/**
 * CIFAR-10 binary batches (docs/networks.md, "Data", "CIFAR-10"): records of 1 label byte (0–9) and
 * 3,072 pixel bytes — the 1,024 red values of the 32 × 32 image row by row, then green, then blue —
 * so a sample is channels-first, shape [3, 32, 32]. Several batch files are one split in the given
 * order. Plain or gzip-compressed.
 */
import { countOf, formatBytes, formatCount, joinPath } from './dataError';
import { DataFileRef, dataFileRef, dataLength, DataReader, withDataFile } from './dataFile';
import { GUESS_BYTES, guessFormat, guessSaid } from './formatGuess';
import { readRecords } from './records';
import { RawSplit, ReadContext, reserveSplit } from './rawSplit';
import { Selection } from './subset';

/** Ten classes; a sample is channels-first: [3, 32, 32]. */
export const CIFAR10_CLASSES = 10;
export const CIFAR10_SAMPLE_SHAPE = [3, 32, 32];
const PIXELS = 3 * 32 * 32;
/** Bytes per record: the label, then the pixels. */
export const CIFAR10_RECORD_BYTES = 1 + PIXELS;
/** The ten class names, in label order (the batches.meta.txt of the distribution). */
export const CIFAR10_CLASS_NAMES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

/** The batch files of one split, as refs located at `key` or `key[i]`. */
export function cifarBatchRefs(files: string | string[], baseDir: string, key: string): DataFileRef[] {
  return typeof files === 'string' ? [dataFileRef(files, baseDir, key)] : files.map((f, i) => dataFileRef(f, baseDir, joinPath(key, i)));
}

/**
 * The batch files of a split as the data line names them, as the spec writes them: `test_batch.bin`,
 * `a.bin + b.bin`, and from three on the first and the last with the count (`data_batch_1.bin …
 * data_batch_5.bin (5 batches)`). Until 2026-12 the line said "CIFAR-10 batches" and no name.
 */
export function cifarBatchesSaid(files: string | string[]): string {
  const list = typeof files === 'string' ? [files] : files;
  return list.length <= 2 ? list.join(' + ') : `${list[0]} … ${list[list.length - 1]} (${countOf(list.length, 'batch', 'batches')})`;
}

/**
 * The records of one batch file: from its size when plain, by decompressing it once when gzip. Its
 * first bytes say what it is when it is not a batch (a .npy or IDX file, a tar archive).
 */
async function countRecords(ctx: ReadContext, ref: DataFileRef): Promise<number> {
  return withDataFile(ref, ctx.maxReadBytes, async (r) => {
    const head = new Uint8Array(GUESS_BYTES);
    const n = await r.read(head);
    return checkedCount(r, await dataLength(r), head.subarray(0, n));
  });
}

function checkedCount(r: DataReader, size: number, head: Uint8Array): number {
  const records = Math.floor(size / CIFAR10_RECORD_BYTES);
  const rest = size % CIFAR10_RECORD_BYTES;
  if (size === 0) throw r.error('the file is empty: expected CIFAR-10 records of 3,073 bytes (1 label byte, 3,072 pixel bytes)', 0);
  if (rest !== 0) {
    const whole = `${formatBytes(size)} is not a whole number of 3,073-byte CIFAR-10 records (1 label byte, 3,072 pixel bytes)`;
    const other = otherFormat(head);
    if (other) throw r.error(`${whole}: the file is not a CIFAR-10 batch — ${other}`, 0);
    const hundred = size % (CIFAR10_RECORD_BYTES + 1) === 0 ? ' — its size fits CIFAR-100 records of 3,074 bytes (2 label bytes), which this reader does not take' : '';
    throw r.error(`${whole}: ${countOf(records, 'record')} and ${countOf(rest, 'byte')} over, so record ${formatCount(records)} is truncated or the file is not a CIFAR-10 batch${hundred}`, records * CIFAR10_RECORD_BYTES);
  }
  return records;
}

/** `it is a NumPy .npy file (use "format": "npy")` when the first bytes are another format, else ''. */
function otherFormat(head: Uint8Array): string {
  const format = guessFormat(head);
  return format ? guessSaid(format) : '';
}

/** Reads the chosen samples of a split made of `refs` (the batches in order) as one sequence. */
export async function readCifar10Split(ctx: ReadContext, refs: DataFileRef[], selection: Selection): Promise<RawSplit> {
  const what = selection.what;
  // The features are fixed: the network is weighed before the batches are counted (gzip ones decompressed whole).
  ctx.beforeAllocating?.({ what, features: PIXELS, task: 'classes' });
  const counts: number[] = [];
  for (const ref of refs) counts.push(await countRecords(ctx, ref));
  const total = counts.reduce((a, b) => a + b, 0);
  const count = selection.count(total);
  reserveSplit(ctx, what, count, PIXELS, 1, 'classes', refs[0].key, refs[0].key);
  const indices = selection.indices(total);
  const x = new Float32Array(count * PIXELS);
  const labels = new Float64Array(count);
  const places: Array<{ ref: DataFileRef; gzip: boolean }> = [];
  const fileOf = new Uint16Array(count);
  let k = 0;
  let first = 0;
  for (let f = 0; f < refs.length; f++) {
    const end = first + counts[f];
    let stop = k;
    while (stop < count && indices[stop] < end) stop++;
    if (stop > k) {
      const local = indices.subarray(k, stop).map((i) => i - first);
      const base = k;
      await withDataFile(refs[f], ctx.maxReadBytes, async (r) => {
        places[f] = { ref: refs[f], gzip: r.gzip };
        await readRecords(r, { start: 0, recordBytes: CIFAR10_RECORD_BYTES, count: counts[f], what: 'CIFAR-10 record' }, local, (bytes, offset, j) => {
          const label = bytes[offset];
          if (label >= CIFAR10_CLASSES) {
            // The first record holds the file's first bytes: they may say what the file is.
            const other = local[j] === 0 ? otherFormat(bytes.subarray(offset, offset + Math.min(GUESS_BYTES, CIFAR10_RECORD_BYTES))) : '';
            throw r.error(`label ${label} of image ${formatCount(local[j])}: CIFAR-10 labels are 0–9 ${other ? `— the file is not a CIFAR-10 batch: ${other}` : '(is this a CIFAR-10 batch?)'}`, local[j] * CIFAR10_RECORD_BYTES);
          }
          labels[base + j] = label;
          fileOf[base + j] = f;
          x.set(bytes.subarray(offset + 1, offset + 1 + PIXELS), (base + j) * PIXELS);
        }, ctx.signal);
      });
    }
    k = stop;
    first = end;
  }
  return {
    count,
    sampleShape: [...CIFAR10_SAMPLE_SHAPE],
    features: PIXELS,
    x,
    byteValued: true,
    targets: {
      kind: 'classes',
      values: labels,
      place: (i) => {
        const f = fileOf[i];
        const offsetInFile = (indices[i] - counts.slice(0, f).reduce((a, b) => a + b, 0)) * CIFAR10_RECORD_BYTES;
        return { key: refs[f].key, location: { file: refs[f].display, filePath: refs[f].path, offset: offsetInFile, decompressed: places[f]?.gzip ?? false } };
      },
    },
  };
}
