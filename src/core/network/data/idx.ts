/**
 * IDX files (docs/networks.md, "Data", "IDX"), the format of MNIST, Fashion-MNIST, KMNIST and EMNIST:
 * bytes 0–1 zero, byte 2 the element type, byte 3 the number of dimensions n, then n big-endian
 * uint32 sizes, then the elements in row-major order, big-endian. Plain or gzip-compressed.
 */
import { countOf, DataError, formatBytes, formatCount } from './dataError';
import { DataFileRef, DataReader, hasMoreData, readExactly, withDataFile } from './dataFile';
import { formatShape } from './dataLimits';
import { GUESS_BYTES, guessHint } from './formatGuess';
import { DataTask } from './dataSpec';
import { decodeElements, ElementType, firstNonFinite, notFiniteMessage } from './elements';
import { readRecords } from './records';
import { RawClasses, RawRegression, RawSplit, ReadContext, reserveSplit } from './rawSplit';
import { Selection } from './subset';
import { hexByte } from '../../experiment/textBytes';

/** The IDX element types by their code (byte 2). */
export const IDX_TYPES: ReadonlyMap<number, ElementType> = new Map<number, ElementType>([
  [0x08, { kind: 'u', bytes: 1, littleEndian: false, name: 'unsigned bytes' }],
  [0x09, { kind: 'i', bytes: 1, littleEndian: false, name: 'signed bytes' }],
  [0x0b, { kind: 'i', bytes: 2, littleEndian: false, name: 'big-endian int16' }],
  [0x0c, { kind: 'i', bytes: 4, littleEndian: false, name: 'big-endian int32' }],
  [0x0d, { kind: 'f', bytes: 4, littleEndian: false, name: 'big-endian float32' }],
  [0x0e, { kind: 'f', bytes: 8, littleEndian: false, name: 'big-endian float64' }],
]);

/** A parsed IDX header. */
export interface IdxHeader {
  typeCode: number;
  type: ElementType;
  /** Sizes, dims[0] the number of samples. */
  dims: number[];
  /** Bytes before the first element: 4 + 4 · dims.length. */
  headerBytes: number;
  /** Elements per sample: the product of dims[1…] (1 when there is one dimension). */
  elementsPerSample: number;
}

/** Reads and checks the header at the start of `reader`; for a plain file also checks the file size against it. */
export async function readIdxHeader(reader: DataReader): Promise<IdxHeader> {
  const magic = new Uint8Array(4);
  const n = await reader.read(magic);
  if (n < 4) throw reader.error(`expected an IDX file (4 magic bytes 00 00 TT NN), the file has only ${countOf(n, 'byte')}`, n);
  if (magic[0] !== 0 || magic[1] !== 0) {
    // The first bytes say what the file is instead (a tar archive's magic is at byte 257).
    const head = new Uint8Array(GUESS_BYTES);
    head.set(magic);
    const more = await reader.read(head.subarray(4)).catch((err: unknown) => {
      if (err instanceof DataError) return 0; // a damaged gzip stream: the first bytes alone
      throw err;
    });
    const hint = guessHint(head.subarray(0, 4 + more), ['idx']);
    throw reader.error(`expected an IDX file, whose first two bytes are 00 00, found ${hexByte(magic[0])} ${hexByte(magic[1])}${hint}`, 0);
  }
  const type = IDX_TYPES.get(magic[2]);
  if (!type) throw reader.error(`unknown IDX element type ${hexByte(magic[2])}: expected 08 (unsigned byte), 09 (signed byte), 0B (int16), 0C (int32), 0D (float32) or 0E (float64)`, 2);
  const rank = magic[3];
  if (rank === 0) throw reader.error('an IDX file with 0 dimensions holds no samples: expected 1 or more', 3);
  const sizes = new Uint8Array(4 * rank);
  await readExactly(reader, sizes, `the ${countOf(rank, 'dimension size')} of the IDX header`);
  const view = new DataView(sizes.buffer);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 * i, false));
  const zero = dims.indexOf(0);
  if (zero >= 0) throw reader.error(`dimension ${zero} of the IDX header is 0: the file holds no data`, 4 + 4 * zero);
  const headerBytes = 4 + 4 * rank;
  const elementsPerSample = dims.slice(1).reduce((a, b) => a * b, 1);
  const header = { typeCode: magic[2], type, dims, headerBytes, elementsPerSample };
  if (reader.dataSize !== undefined) {
    const expected = headerBytes + dims.reduce((a, b) => a * b, 1) * type.bytes;
    if (reader.dataSize !== expected) throw sizeMismatch(reader, header, expected);
  }
  return header;
}

function sizeMismatch(reader: DataReader, h: IdxHeader, expected: number) {
  const actual = reader.dataSize ?? reader.position;
  const declared = `the header declares ${formatShape(h.dims)} ${h.type.name} = ${formatBytes(expected - h.headerBytes)} after the ${formatCount(h.headerBytes)}-byte header`;
  if (actual < expected) return reader.error(`${declared}, the file has ${formatBytes(Math.max(0, actual - h.headerBytes))} of data: truncated`, actual);
  return reader.error(`${declared}, the file has ${formatBytes(actual - expected)} more: the header's dimensions do not match the data (wrong file, or not an IDX file)`, expected);
}

/**
 * Reads an images file and a labels file of the same samples, each file once, for one or more
 * selections of samples (the embedded MNIST reads its training and test sets from one pair).
 */
export async function readIdxPair(ctx: ReadContext, images: DataFileRef, labels: DataFileRef, selections: Selection[], task: DataTask): Promise<RawSplit[]> {
  return withDataFile(images, ctx.maxReadBytes, (imageReader) =>
    withDataFile(labels, ctx.maxReadBytes, async (labelReader) => {
      const ih = await readIdxHeader(imageReader);
      const lh = await readIdxHeader(labelReader);
      if (ih.dims[0] !== lh.dims[0]) {
        throw labelReader.error(`${countOf(lh.dims[0], 'label')} for ${countOf(ih.dims[0], 'image')} (${images.display}): the two files must hold the same samples`, 4);
      }
      const outputs = lh.elementsPerSample;
      if (task === 'classes' && outputs !== 1) {
        throw labelReader.error(`class labels are one number per sample, found ${formatShape(lh.dims.slice(1))} per sample (for regression targets set "task": "regression")`, 4);
      }
      const features = ih.elementsPerSample;
      const sampleShape = ih.dims.length > 1 ? ih.dims.slice(1) : [1];
      for (const s of selections) reserveSplit(ctx, s.what, s.count(ih.dims[0]), features, outputs, task, images.key, labels.key);
      const chosen = selections.map((s) => s.indices(ih.dims[0]));
      const splits = chosen.map((indices): RawSplit => {
        const count = indices.length;
        return { count, sampleShape, features, x: new Float32Array(count * features), byteValued: ih.typeCode === 0x08, targets: emptyTargets(task, count, outputs, labels, labelReader.gzip, lh, indices) };
      });
      // One pass over each file for every selection together: merge the indices, remember where each goes.
      const { merged, split, row } = mergeSelections(chosen);
      const imageBytes = features * ih.type.bytes;
      await readRecords(imageReader, { start: ih.headerBytes, recordBytes: imageBytes, count: ih.dims[0], what: `sample of ${formatShape(sampleShape)} ${ih.type.name}` }, merged, (bytes, offset, k) => {
        const x = splits[split[k]].x;
        decodeElements(ih.type, bytes, offset, features, x, row[k] * features);
        checkFinite(imageReader, ih, features, 'input', bytes, offset, x, row[k] * features, merged[k]);
      }, ctx.signal);
      const labelBytes = outputs * lh.type.bytes;
      await readRecords(labelReader, { start: lh.headerBytes, recordBytes: labelBytes, count: lh.dims[0], what: `label of ${lh.type.name}` }, merged, (bytes, offset, k) => {
        const t = splits[split[k]].targets;
        decodeElements(lh.type, bytes, offset, outputs, t.values, row[k] * outputs);
        checkFinite(labelReader, lh, outputs, t.kind === 'regression' ? 'target' : 'label', bytes, offset, t.values, row[k] * outputs, merged[k]);
      }, ctx.signal);
      if (selections.length === 1 && chosen[0].length === ih.dims[0]) {
        // Every sample was read: a file of unknown size (gzip, or a size that reads 0) must end exactly there too.
        for (const [r, h] of [[imageReader, ih], [labelReader, lh]] as const) {
          if (r.dataSize === undefined && (await hasMoreData(r))) throw r.error(`the header declares ${formatShape(h.dims)} ${h.type.name}, and more data follows: the dimensions do not match the data`, r.position - 1);
        }
      }
      return splits;
    }),
  );
}

function emptyTargets(task: DataTask, count: number, outputs: number, labels: DataFileRef, decompressed: boolean, lh: IdxHeader, indices: Uint32Array): RawClasses | RawRegression {
  if (task === 'regression') return { kind: 'regression', values: new Float32Array(count * outputs), outputs };
  const file = labels.display;
  return {
    kind: 'classes',
    values: new Float64Array(count),
    place: (i) => ({ key: labels.key, location: { file, filePath: labels.path, offset: lh.headerBytes + indices[i] * lh.type.bytes, decompressed } }),
  };
}

/**
 * Throws at the first value of sample `sample` just decoded (`per` values from `bytes` at `offset` into
 * `dst` at `dstOffset`) that is not finite — NaN, ±∞, or a float64 beyond float32's range — quoted as
 * the file holds it and located at its bytes.
 */
function checkFinite(reader: DataReader, h: IdxHeader, per: number, what: string, bytes: Uint8Array, offset: number, dst: Float32Array | Float64Array, dstOffset: number, sample: number): void {
  const bad = firstNonFinite(h.type, bytes, offset, per, dst, dstOffset);
  if (bad) throw reader.error(notFiniteMessage(what, sample, bad.index, per, bad.stored), h.headerBytes + (sample * per + bad.index) * h.type.bytes);
}

/** The union of ascending index lists, ascending, with the list and the row each entry came from. */
function mergeSelections(lists: Uint32Array[]): { merged: Uint32Array; split: Uint8Array; row: Uint32Array } {
  if (lists.length === 1) return { merged: lists[0], split: new Uint8Array(lists[0].length), row: lists[0].map((_, i) => i) };
  const total = lists.reduce((a, l) => a + l.length, 0);
  const entries = new Float64Array(total);
  let n = 0;
  // Each entry as index · 2⁸ + list: sorting the numbers sorts by index (exact below 2⁵³).
  lists.forEach((l, j) => l.forEach((index) => (entries[n++] = index * 256 + j)));
  entries.sort();
  const merged = new Uint32Array(total);
  const split = new Uint8Array(total);
  const row = new Uint32Array(total);
  const next = new Uint32Array(lists.length);
  entries.forEach((e, k) => {
    const j = e % 256;
    merged[k] = (e - j) / 256;
    split[k] = j;
    row[k] = next[j]++;
  });
  return { merged, split, row };
}

