/**
 * Fixed-size records after a header (IDX, CIFAR-10 batches, .npy): read the chosen ones in one pass
 * from the first chosen to the last, in blocks, without holding the file.
 */
import { countOf, formatBytes, formatCount } from './dataError';
import { DataReader } from './dataFile';

/** Bytes read per block (whole records; at least one record). */
const BLOCK_BYTES = 4 << 20;

/** How records are laid out in a file. */
export interface RecordLayout {
  /** Offset of record 0. */
  start: number;
  /** Bytes per record. */
  recordBytes: number;
  /** Records the header declares. */
  count: number;
  /** What one record is, for messages: `image of 28 × 28 unsigned bytes`. */
  what: string;
}

/**
 * Calls `take(bytes, offset, k)` for each record `indices[k]` in turn, where `bytes` holds that record
 * at `offset` (valid only during the call). `indices` must be ascending, each < `layout.count`. The
 * reader must be at or before `layout.start`. Throws "truncated" at the first record the data lacks.
 */
export async function readRecords(
  reader: DataReader,
  layout: RecordLayout,
  indices: Uint32Array,
  take: (bytes: Uint8Array, offset: number, k: number) => void,
  signal?: AbortSignal,
): Promise<void> {
  const { start, recordBytes } = layout;
  const perBlock = Math.max(1, Math.floor(BLOCK_BYTES / recordBytes));
  const block = new Uint8Array(Math.min(perBlock, Math.max(indices.length, 1)) * recordBytes);
  let k = 0;
  while (k < indices.length) {
    signal?.throwIfAborted();
    // The block starts at the next wanted record and runs over as many records as fit.
    const first = indices[k];
    let last = first;
    let end = k;
    while (end < indices.length && indices[end] - first < perBlock) last = indices[end++];
    const offset = start + first * recordBytes;
    if (reader.position < offset) await reader.skip(offset - reader.position);
    const length = (last - first + 1) * recordBytes;
    const view = block.length >= length ? block.subarray(0, length) : new Uint8Array(length);
    const n = reader.position === offset ? await reader.read(view) : 0;
    if (n < length) {
      const missing = first + Math.floor(n / recordBytes);
      const dataEnd = reader.position;
      throw reader.error(
        `the data ends in record ${formatCount(missing)} (${layout.what}, ${formatBytes(recordBytes)} each from byte ${formatCount(start)}): the header declares ${countOf(layout.count, 'record')}, the data holds ${formatCount(Math.floor(Math.max(0, dataEnd - start) / recordBytes))}: truncated`,
        dataEnd,
      );
    }
    for (; k < end; k++) take(view, (indices[k] - first) * recordBytes, k);
  }
}
