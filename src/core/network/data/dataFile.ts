/**
 * Reading a data file safely (docs/networks.md, "Data", "Files"): only regular files (a FIFO, a
 * device such as /dev/zero or a directory is refused without blocking), gzip recognised by its magic
 * bytes and decompressed as a stream, every read bounded by a limit, every position known for messages.
 */
import { constants, promises as fs } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import * as zlib from 'node:zlib';
import { constants as zlibConstants, createGunzip, Gunzip, inflateRawSync } from 'node:zlib';
import { visibleName } from '../../experiment/diagnostic';
import { kindOf } from '../../experiment/pathKind';
import { DataError, DataLocation, formatBytes, formatCount } from './dataError';

/** A data file named by a spec key. */
export interface DataFileRef {
  /** The path as the spec wrote it, for messages: its control characters, line feeds included, as escapes (`visibleName`). */
  display: string;
  /** The absolute path. */
  path: string;
  /** The JSON path of the spec key that names it, e.g. `data.trainImages`. */
  key: string;
}

/** A file named in the spec at `key`, resolved against the experiment's directory (`display`: the name as messages show it, `visibleName`). */
export function dataFileRef(name: string, baseDir: string, key: string): DataFileRef {
  return { display: visibleName(name), path: isAbsolute(name) ? name : resolve(baseDir, name), key };
}

/** Sequential reads from a data file, plain or gzip-compressed, with the position of the next byte. */
export interface DataReader {
  readonly ref: DataFileRef;
  /** The file is gzip-compressed; positions count decompressed bytes. */
  readonly gzip: boolean;
  /** Bytes on disk, as the system says (0 for a file of /proc or /sys, whatever it holds). */
  readonly fileSize: number;
  /**
   * Bytes of data when known before reading (a plain file's size); undefined for gzip, and for a plain
   * file whose size reads 0 (its length is known only by reading it through).
   */
  readonly dataSize: number | undefined;
  /** Offset of the next byte of data. */
  readonly position: number;
  /** Fills `target` from the position on; returns the bytes read, fewer only at the end of the data. */
  read(target: Uint8Array): Promise<number>;
  /** Moves `n` bytes ahead; returns the bytes passed, fewer only at the end of the data. */
  skip(n: number): Promise<number>;
  /** A DataError located in this file at `offset` (the current position by default). */
  error(detail: string, offset?: number): DataError;
  close(): Promise<void>;
}

/** Reads are made in blocks of this size (and gzip output comes in chunks of it). */
const BLOCK = 1 << 20;

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

/**
 * Opens a data file for reading. Refuses a missing file, a directory, a FIFO, a socket or a device
 * (opened non-blocking, so a FIFO without a writer cannot hang the call), and refuses reading more
 * than `maxReadBytes` (after decompression) from it.
 */
export async function openDataFile(ref: DataFileRef, maxReadBytes: number): Promise<DataReader> {
  // No file system names a file with a NUL (Node refuses the path with its own words).
  if (ref.path.includes('\0')) throw new DataError(`a file name cannot hold a NUL character (\\u0000)`, ref.key, { file: ref.display, filePath: ref.path });
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(ref.path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    throw new DataError(openFailure(err, ref), ref.key, { file: ref.display, filePath: ref.path });
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) {
      throw new DataError(`expected a regular file, found ${kindOf(stat)}`, ref.key, { file: ref.display, filePath: ref.path });
    }
    const magic = new Uint8Array(2);
    let bytesRead: number;
    try {
      ({ bytesRead } = await handle.read(magic, 0, 2, 0));
    } catch (err) {
      throw new DataError(readFailure(err), ref.key, { file: ref.display, filePath: ref.path, offset: 0 });
    }
    const gzip = bytesRead === 2 && magic[0] === GZIP_MAGIC_0 && magic[1] === GZIP_MAGIC_1;
    return gzip ? new GzipReader(ref, handle, stat.size, maxReadBytes) : new PlainReader(ref, handle, stat.size, maxReadBytes);
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/**
 * A read that the system refused (EIO from /proc/self/mem or a failing disk, EISDIR…): said with the
 * system's reason, never an internal error.
 */
function readFailure(err: unknown): string {
  return `cannot read the file: ${(err as Error).message ?? String(err)} (the system refused the read)`;
}

function openFailure(err: unknown, ref: DataFileRef): string {
  const code = (err as NodeJS.ErrnoException).code;
  const where = ref.display === ref.path ? '' : ` (resolved to ${visibleName(ref.path)})`;
  switch (code) {
    case 'ENOENT': {
      // Paths are the file system's: no shell expands `~`, and a URI is no path.
      const hint = /^~[\\/]/.test(ref.display) ? ' — "~" is not your home folder here (no shell expands it): write the path from the experiment file\'s folder, or an absolute one'
        : /^[a-z][a-z0-9+.-]+:\/\//i.test(ref.display) ? ' — a URI, not a path: write the path from the experiment file\'s folder, or an absolute one'
        : '';
      return `file not found${where}${hint}`;
    }
    case 'ELOOP':
      return `the path goes round a loop of symbolic links${where}`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied${where}`;
    case 'ENXIO':
      return `expected a regular file, found a socket or a device without a reader${where}`;
    default:
      return `cannot open${where}: ${(err as Error).message}`;
  }
}

/** The largest gzip file read whole to locate trailing bytes after its members (the error path only). */
const TRAILING_SEARCH_BYTES = 64 * 2 ** 20;

/** "1 byte follows … and is not", "7 bytes follow … and are not": the trailing-bytes messages' subject and verbs. */
function bytesFollow(n: number, at: number): string {
  return `${formatBytes(n)} ${n === 1 ? 'follows' : 'follow'} the end of the gzip data (at byte ${formatCount(at)} of the file) and ${n === 1 ? 'is' : 'are'} not another gzip member`;
}

abstract class BaseReader implements DataReader {
  position = 0;

  constructor(
    readonly ref: DataFileRef,
    protected readonly handle: fs.FileHandle,
    readonly fileSize: number,
    private readonly maxReadBytes: number,
  ) {}

  abstract readonly gzip: boolean;
  abstract readonly dataSize: number | undefined;
  protected abstract readAt(target: Uint8Array, length: number): Promise<number>;
  protected abstract skipAhead(n: number): Promise<number>;

  location(offset: number): DataLocation {
    return { file: this.ref.display, filePath: this.ref.path, offset, decompressed: this.gzip };
  }

  error(detail: string, offset = this.position): DataError {
    return new DataError(detail, this.ref.key, this.location(offset));
  }

  async read(target: Uint8Array): Promise<number> {
    const allowed = Math.min(target.length, this.maxReadBytes - this.position);
    const n = await this.readAt(target, allowed);
    this.position += n;
    if (n === allowed && allowed < target.length) await this.refuseIfMore();
    return n;
  }

  async skip(n: number): Promise<number> {
    const allowed = Math.min(n, this.maxReadBytes - this.position);
    const done = await this.skipAhead(allowed);
    this.position += done;
    if (done === allowed && allowed < n) await this.refuseIfMore();
    return done;
  }

  /** Stopped by the read limit rather than by the end of the data: refuse if there is more. */
  private async refuseIfMore(): Promise<void> {
    if ((await this.skipAhead(1)) === 0) return;
    throw this.error(`reading on would pass ${formatBytes(this.maxReadBytes)}${this.gzip ? ' of decompressed data' : ''}, the limit of bytes read from one data file (it bounds the time a load can take)`);
  }

  abstract close(): Promise<void>;
}

class PlainReader extends BaseReader {
  readonly gzip = false;
  /**
   * The file's size; undefined when it reads 0. A file of /proc or /sys says 0 and has content (the
   * system makes it as it is read): its length is known only by reading it through, as a gzip file's —
   * every byte counted against the read limit as it is read — and an empty file reads no byte either
   * way. Until 2026-12-02 it was taken as empty (CIFAR-10 "the file is empty", IDX and .npy truncated).
   */
  readonly dataSize: number | undefined;
  /** Where skipped bytes of a file of unknown size are read to (made as large as a skip needs, up to a block). */
  private passed?: Uint8Array;

  constructor(ref: DataFileRef, handle: fs.FileHandle, fileSize: number, maxReadBytes: number) {
    super(ref, handle, fileSize, maxReadBytes);
    this.dataSize = fileSize > 0 ? fileSize : undefined;
  }

  protected readAt(target: Uint8Array, length: number): Promise<number> {
    return this.readFrom(target, length, this.position);
  }

  /** Fills `target` with up to `length` bytes from byte `start`; fewer only at the end of the file. */
  private async readFrom(target: Uint8Array, length: number, start: number): Promise<number> {
    let done = 0;
    while (done < length) {
      let bytesRead: number;
      try {
        ({ bytesRead } = await this.handle.read(target, done, Math.min(length - done, BLOCK), start + done));
      } catch (err) {
        throw this.error(readFailure(err), start + done);
      }
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done;
  }

  protected async skipAhead(n: number): Promise<number> {
    if (this.dataSize !== undefined) return Math.max(0, Math.min(n, this.dataSize - this.position));
    // Size unknown: the bytes passed are read, to know that they are there.
    let done = 0;
    while (done < n) {
      const want = Math.min(n - done, BLOCK);
      if (!this.passed || this.passed.length < want) this.passed = new Uint8Array(want);
      const k = await this.readFrom(this.passed, want, this.position + done);
      done += k;
      if (k < want) break;
    }
    return done;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

class GzipReader extends BaseReader {
  readonly gzip = true;
  readonly dataSize = undefined;
  private readonly gunzip: Gunzip;
  private readonly chunks: AsyncIterator<Buffer>;
  private chunk: Buffer = Buffer.alloc(0);
  private chunkOffset = 0;
  private ended = false;
  /** Decompressed bytes received so far: where the data stops when the compressed stream breaks. */
  private produced = 0;

  constructor(ref: DataFileRef, handle: fs.FileHandle, fileSize: number, maxReadBytes: number) {
    super(ref, handle, fileSize, maxReadBytes);
    const compressed = handle.createReadStream({ start: 0, highWaterMark: BLOCK, autoClose: false });
    this.gunzip = createGunzip({ chunkSize: BLOCK });
    compressed.on('error', (err) => this.gunzip.destroy(err));
    // Errors reach the reader through the iterator; zlib can emit one more after the iterator has
    // stopped listening (a bad checksum found at the end), which must not become an uncaught exception.
    this.gunzip.on('error', () => undefined);
    compressed.pipe(this.gunzip);
    this.chunks = this.gunzip[Symbol.asyncIterator]();
  }

  /** The next chunk of decompressed data, or false at its end. */
  private async nextChunk(): Promise<boolean> {
    if (this.ended) return false;
    let next: IteratorResult<Buffer>;
    try {
      next = await this.chunks.next();
    } catch (err) {
      this.ended = true;
      const code = (err as NodeJS.ErrnoException).code;
      const message = (err as Error).message;
      // The end of the decompressed data so far (the reader's position lags while a read or skip is under way).
      const at = this.produced;
      // Not zlib's: the compressed file's own read failed (its stream passes the system's error on).
      if (typeof code === 'string' && !code.startsWith('Z_')) throw this.error(readFailure(err), at);
      // Whole members followed by bytes that do not begin another one are trailing bytes, located where
      // the members' data ends, whichever way zlib stopped on them: a header check that failed ("incorrect
      // header check", "unknown compression method": it was byte 0, since zlib drops what it had not handed
      // over), or too few bytes to check one (Z_BUF_ERROR: one byte after the data was called a truncated file).
      const end = code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR' ? await this.membersEnd() : null;
      if (end && !end.memberFollows) throw this.error(`${bytesFollow(this.fileSize - end.compressed, end.compressed)}: trailing bytes`, end.decompressed);
      if (code === 'Z_BUF_ERROR') throw this.error(`the gzip stream is truncated: the file ends after ${formatBytes(this.fileSize)}, before the end of its compressed data`, await this.decodableLength());
      // A CRC-32 or length that does not match comes after the member's data, every byte of it decompressed:
      // located at the trailer and the end of that data, not where the stream had got to (byte 0, often).
      const trailer = code === 'Z_DATA_ERROR' && /incorrect (data|length) check/.test(message) ? await this.damagedTrailer() : null;
      if (trailer) {
        const crc = trailer.field === 'CRC-32';
        const [first, last] = crc ? [trailer.at, trailer.at + 3] : [trailer.at + 4, trailer.at + 7];
        const member = trailer.member === 0 ? 'its gzip member' : `its gzip member ${formatCount(trailer.member + 1)}`;
        const found = crc ? `${formatHex(trailer.stored)}, where the ${formatCount(trailer.dataLength)} bytes it decompresses to have ${formatHex(trailer.actual)}` : `${formatCount(trailer.stored)}, where it decompresses to ${formatBytes(trailer.dataLength)}${trailer.dataLength >= 2 ** 32 ? ' (the field holds it mod 2³²)' : ''}`;
        throw this.error(
          `not a valid gzip file: the ${crc ? 'CRC-32' : 'data length'} in the trailer of ${member} (bytes ${formatCount(first)}–${formatCount(last)} of ${formatCount(this.fileSize)}) is ${found} (zlib: ${message}) — the data decompressed to its end, but it or the trailer is damaged (the check cannot tell where)`,
          trailer.dataEnd,
        );
      }
      const reason = code === 'Z_DATA_ERROR' ? `the compressed data is damaged (zlib: ${message})` : message;
      throw this.error(`not a valid gzip file: ${reason}`, at);
    }
    if (next.done) {
      this.ended = true;
      await this.checkEnd();
      return false;
    }
    this.chunk = next.value;
    this.chunkOffset = 0;
    this.produced += this.chunk.length;
    return true;
  }

  /**
   * At the end of the decompressed data: the members must end where the file does, or be followed by
   * zero bytes only (padding, as tar pads, and as gunzip lets pass silently). zlib's gunzip stops at a
   * NUL byte after a member and drops what follows with no error — `gzip + "\0garbage"` read as the first
   * member — so the compressed bytes it consumed (`bytesWritten`) are compared with the file's size: on
   * the ordinary path, nothing more is read; only bytes left over are read, up to the first that is not 0.
   */
  private async checkEnd(): Promise<void> {
    const consumed = this.gunzip.bytesWritten;
    if (consumed >= this.fileSize) return;
    const block = Buffer.alloc(Math.min(BLOCK, this.fileSize - consumed));
    for (let at = consumed; at < this.fileSize; ) {
      const { bytesRead } = await this.handle.read(block, 0, Math.min(block.length, this.fileSize - at), at);
      if (bytesRead === 0) return; // the file shrank: nothing more follows
      for (let i = 0; i < bytesRead; i++) {
        if (block[i] !== 0) {
          throw this.error(
            `${bytesFollow(this.fileSize - consumed, consumed)}: trailing bytes (byte ${formatCount(at + i)} is 0x${block[i].toString(16).padStart(2, '0')}; only zero bytes may pad a gzip file)`,
            this.produced,
          );
        }
      }
      at += bytesRead;
    }
  }

  /**
   * Where the whole gzip members at the start of the file end: the compressed offset and the
   * decompressed bytes before it, walking member by member (header, raw deflate data, 8-byte trailer),
   * or null when the file is larger than TRAILING_SEARCH_BYTES (read whole, on this error path only)
   * or no member is whole. `memberFollows`: the bytes after them begin as a member does (its magic
   * number and compression method, as far as the file goes): a later member, cut short.
   */
  private async membersEnd(): Promise<{ compressed: number; decompressed: number; memberFollows: boolean } | null> {
    const walked = await this.wholeMembers();
    if (!walked) return null;
    const { bytes, members } = walked;
    let at = 0;
    let decompressed = 0;
    for (const m of members) {
      decompressed += m.dataLength;
      at = m.trailer + 8;
    }
    if (!(at > 0 && at < bytes.length)) return null;
    // The magic number, then CM = 8 (deflate, the only method): 1f 8b 09 cannot begin a member.
    const memberFollows = [GZIP_MAGIC_0, GZIP_MAGIC_1, 8].every((b, k) => at + k >= bytes.length || bytes[at + k] === b);
    return { compressed: at, decompressed, memberFollows };
  }

  /**
   * The first gzip member whose trailer (CRC-32 of the data, then its length mod 2³², 8 bytes) does not
   * match the data it decompresses to: the trailer's offset in the file, which field, the values stored
   * and found, and where that member's decompressed data ends (after the members before it). Null when
   * the file is larger than TRAILING_SEARCH_BYTES (read whole, on this error path only) or no trailer is
   * found wrong (zlib's CRC-32 missing: the length alone is compared).
   */
  private async damagedTrailer(): Promise<{ at: number; member: number; field: 'CRC-32' | 'length'; stored: number; actual: number; dataLength: number; dataEnd: number } | null> {
    const walked = await this.wholeMembers();
    if (!walked) return null;
    const { bytes, members } = walked;
    let dataEnd = 0;
    for (const [member, m] of members.entries()) {
      dataEnd += m.dataLength;
      if (m.trailer + 8 > bytes.length) return null;
      const stored = bytes.readUInt32LE(m.trailer);
      if (m.crc !== undefined && stored !== m.crc) return { at: m.trailer, member, field: 'CRC-32', stored, actual: m.crc, dataLength: m.dataLength, dataEnd };
      const storedLength = bytes.readUInt32LE(m.trailer + 4);
      const length = m.dataLength % 2 ** 32;
      if (storedLength !== length) return { at: m.trailer, member, field: 'length', stored: storedLength, actual: length, dataLength: m.dataLength, dataEnd };
    }
    return null;
  }

  /** The walk of `wholeMembers`, made once: the trailing-bytes and the trailer checks of one error share it. */
  private walked: Promise<GzipWalk | null> | undefined;

  /**
   * The file read whole and its gzip members walked (`gzipMembers`), once, on an error path: each
   * member's decompressed length, trailer offset and CRC-32 (undefined without zlib's crc32), its data
   * not kept; null when the file is larger than TRAILING_SEARCH_BYTES.
   */
  private wholeMembers(): Promise<GzipWalk | null> {
    return (this.walked ??= (async () => {
      if (this.fileSize > TRAILING_SEARCH_BYTES) return null;
      const bytes = Buffer.alloc(this.fileSize);
      await this.handle.read(bytes, 0, this.fileSize, 0);
      const crc32 = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;
      const members: GzipWalk['members'] = [];
      for (const m of gzipMembers(bytes)) members.push({ dataLength: m.data.length, trailer: m.trailer, crc: crc32 ? crc32(m.data) >>> 0 : undefined });
      return { bytes, members };
    })());
  }

  /**
   * How many bytes a truncated gzip file decompresses to before it stops, by decompressing it once more
   * to that point (the error path only). The bytes received before the error are not it: zlib's stream
   * drops the data it has decompressed but not yet handed over when it fails, so they varied from run
   * to run (byte 0, or byte 284, of one file).
   */
  private async decodableLength(): Promise<number> {
    const compressed = this.handle.createReadStream({ start: 0, highWaterMark: BLOCK, autoClose: false });
    let n = 0;
    for await (const chunk of compressed.pipe(createGunzip({ chunkSize: BLOCK, finishFlush: zlibConstants.Z_SYNC_FLUSH }))) n += (chunk as Buffer).length;
    return n;
  }

  protected async readAt(target: Uint8Array, length: number): Promise<number> {
    let done = 0;
    while (done < length) {
      if (this.chunkOffset === this.chunk.length && !(await this.nextChunk())) break;
      const n = Math.min(length - done, this.chunk.length - this.chunkOffset);
      target.set(this.chunk.subarray(this.chunkOffset, this.chunkOffset + n), done);
      this.chunkOffset += n;
      done += n;
    }
    return done;
  }

  protected async skipAhead(n: number): Promise<number> {
    let done = 0;
    while (done < n) {
      if (this.chunkOffset === this.chunk.length && !(await this.nextChunk())) break;
      const k = Math.min(n - done, this.chunk.length - this.chunkOffset);
      this.chunkOffset += k;
      done += k;
    }
    return done;
  }

  async close(): Promise<void> {
    this.gunzip.destroy();
    await this.chunks.return?.();
    await this.handle.close();
  }
}

/** A gzip file read whole (`bytes`) and its whole members' decompressed lengths, trailer offsets and CRC-32s (undefined without zlib's crc32). */
interface GzipWalk {
  bytes: Buffer;
  members: { dataLength: number; trailer: number; crc: number | undefined }[];
}

/**
 * The whole gzip members at the start of `bytes`, in order: each one's decompressed data and the offset
 * of its 8-byte trailer (CRC-32, length), walking header, raw deflate data, trailer; it stops at the first
 * that is not a member or whose deflate data does not decompress.
 */
function* gzipMembers(bytes: Buffer): Generator<{ data: Buffer; trailer: number }> {
  let at = 0;
  while (at + 18 <= bytes.length && bytes[at] === GZIP_MAGIC_0 && bytes[at + 1] === GZIP_MAGIC_1 && bytes[at + 2] === 8) {
    const flags = bytes[at + 3];
    let h = at + 10;
    if (flags & 4) h += 2 + bytes.readUInt16LE(h); // FEXTRA
    for (const bit of [8, 16]) if (flags & bit) h = bytes.indexOf(0, h) + 1; // FNAME, FCOMMENT
    if (flags & 2) h += 2; // FHCRC
    if (h <= at || h >= bytes.length) return;
    let member: { buffer: Buffer; engine: { bytesWritten: number } };
    try {
      member = inflateRawSync(bytes.subarray(h), { info: true }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } };
    } catch {
      return;
    }
    const trailer = h + member.engine.bytesWritten;
    yield { data: member.buffer, trailer };
    at = trailer + 8;
  }
}

/** A 32-bit value as a message shows it: `0x1c291ca3`. */
function formatHex(v: number): string {
  return `0x${(v >>> 0).toString(16).padStart(8, '0')}`;
}

/** Runs `body` with the file open and closes it afterwards, whatever happens. */
export async function withDataFile<T>(ref: DataFileRef, maxReadBytes: number, body: (reader: DataReader) => Promise<T>): Promise<T> {
  const reader = await openDataFile(ref, maxReadBytes);
  try {
    return await body(reader);
  } finally {
    await reader.close();
  }
}

/**
 * Reads exactly `target.length` bytes or throws "truncated" located at the end of the data, naming
 * `what` was being read (e.g. `the 16-byte IDX header`).
 */
export async function readExactly(reader: DataReader, target: Uint8Array, what: string): Promise<void> {
  const start = reader.position;
  const n = await reader.read(target);
  if (n < target.length) {
    throw reader.error(`the file ends after ${formatBytes(start + n)}${reader.gzip ? ' of decompressed data' : ''}, in the middle of ${what} (bytes ${formatCount(start)}–${formatCount(start + target.length - 1)} expected): truncated`, start + n);
  }
}

/** Whether any data is left after the position (reads one byte ahead for gzip files). */
export async function hasMoreData(reader: DataReader): Promise<boolean> {
  if (reader.dataSize !== undefined) return reader.position < reader.dataSize;
  return (await reader.skip(1)) > 0;
}

/**
 * Bytes of data in the file: a plain file's size, or for gzip the length after decompressing it
 * through (bounded by the read limit). Leaves the reader at the end.
 */
export async function dataLength(reader: DataReader): Promise<number> {
  if (reader.dataSize !== undefined) return reader.dataSize;
  for (;;) {
    // Skips in blocks; a skip that would pass the read limit throws its message.
    const n = await reader.skip(BLOCK * 64);
    if (n < BLOCK * 64) return reader.position;
  }
}
