/**
 * The optional metrics file beside the checkpoints (docs/checkpoints.md, "The metrics file"): JSON
 * Lines, one object per line, `{"step": 100, "loss": 0.31, "accuracy": 0.91}`. `step` is required (a
 * non-negative integer); `loss` and `accuracy` are numbers or null and may be left out; other keys are
 * ignored. A bad line is reported by its number and skipped; a later line with the same step replaces an
 * earlier one (a resumed run logs again). The file is read incrementally: only what was appended since
 * the last read, and from the start again if it shrank.
 */
import { constants, promises as fs } from 'node:fs';
import { MAX_METRICS_BYTES } from './limits';

/** One line's values. */
export interface MetricsEntry {
  loss: number | null;
  accuracy: number | null;
}

/** The curves of the file, sorted by step. */
export interface MetricsSeries {
  step: number[];
  loss: (number | null)[];
  accuracy: (number | null)[];
}

/** Problems listed in full; beyond this many only their count. */
const LISTED_PROBLEMS = 20;

/** The keys of a line that are read; documented in docs/checkpoints.md. */
export const METRICS_KEYS = ['step', 'loss', 'accuracy'] as const;

/** One metrics file, read incrementally by `refresh`; `series` and `messages` give what it holds. */
export class MetricsLog {
  private readonly entries = new Map<number, MetricsEntry>();
  /** Complete lines read so far: bytes [0, consumed) and how many lines they held. */
  private consumed = 0;
  private lines = 0;
  private problems: string[] = [];
  private problemCount = 0;
  /** An unfinished last line (no newline yet), its values if it already parses, and its problem once settled. */
  private tail: { text: string; entry: [number, MetricsEntry] | null; problem: string } | null = null;
  private tailReported = false;
  private present = false;
  private mtimeMs = -1;
  /** Why the file is not read at all (too large, not a file). */
  private refusal: string | null = null;

  /** `path` is read; `file` names it in messages. */
  /** Why a file named in the experiment cannot be had now (null when it can, or was not named). */
  private absence: string | null = null;

  /** `named`: the experiment names the file (`checkpoints.metrics`), so its absence is said, not silent. */
  constructor(
    readonly path: string,
    readonly file: string,
    private readonly named = false,
  ) {}

  /**
   * Reads what was appended since the last call. `settled(mtimeMs)` says whether a file last modified
   * then has stopped changing, so that an unfinished last line is a problem rather than a line being
   * written. Returns whether what `series` or `messages` return changed. A missing file is no problem
   * (the file is optional).
   */
  async refresh(settled: (mtimeMs: number) => boolean): Promise<boolean> {
    const before = this.fingerprint();
    let stat;
    try {
      stat = await fs.stat(this.path);
      this.absence = null;
    } catch (err) {
      this.reset();
      const code = (err as NodeJS.ErrnoException).code;
      this.absence = this.named ? `${this.file}: ${code === 'ENOENT' ? 'no such file (it is read once it exists)' : `cannot be read (${code ?? String(err)})`}` : null;
      return before !== this.fingerprint();
    }
    if (!stat.isFile() || stat.size > MAX_METRICS_BYTES) {
      this.reset();
      this.present = true;
      this.refusal = !stat.isFile()
        ? `${this.file}: is not a regular file`
        : `${this.file}: has ${stat.size.toLocaleString('en-US')} bytes, more than the ${MAX_METRICS_BYTES.toLocaleString('en-US')} read: log less often, or start a new file`;
      return before !== this.fingerprint();
    }
    if (stat.size < this.consumed || this.refusal !== null) this.reset(); // rewritten, or back within the limit
    this.present = true;
    const known = this.consumed + (this.tail ? Buffer.byteLength(this.tail.text) : 0);
    if (stat.size !== known || stat.mtimeMs !== this.mtimeMs) {
      this.mtimeMs = stat.mtimeMs;
      const fresh = await readRange(this.path, this.consumed, stat.size - this.consumed);
      const end = fresh.lastIndexOf(0x0a);
      if (end >= 0) {
        for (const line of fresh.subarray(0, end + 1).toString('utf8').split('\n').slice(0, -1)) this.readLine(line, ++this.lines);
        this.consumed += end + 1;
      }
      const rest = fresh.subarray(end + 1).toString('utf8');
      this.tail = null;
      if (rest.trim() !== '') {
        const parsed = parseLine(rest);
        this.tail = typeof parsed === 'string' ? { text: rest, entry: null, problem: `${this.file} line ${this.lines + 1} (unfinished, no newline): ${parsed}` } : { text: rest, entry: parsed, problem: '' };
      }
    }
    this.tailReported = this.tail !== null && this.tail.entry === null && settled(stat.mtimeMs);
    return before !== this.fingerprint();
  }

  /** The curves, sorted by step (null when there is no file, or it is not read). */
  series(): MetricsSeries | null {
    if (!this.present || this.refusal) return null;
    const all = new Map(this.entries);
    if (this.tail?.entry) all.set(this.tail.entry[0], this.tail.entry[1]);
    const steps = [...all.keys()].sort((a, b) => a - b);
    return { step: steps, loss: steps.map((s) => all.get(s)!.loss), accuracy: steps.map((s) => all.get(s)!.accuracy) };
  }

  /** Messages about bad lines (the first LISTED_PROBLEMS, then a count), or why the file is not read. */
  messages(): string[] {
    if (this.absence) return [this.absence];
    if (this.refusal) return [this.refusal];
    const out = this.problems.slice();
    const more = this.problemCount - this.problems.length;
    if (more > 0) out.push(`${this.file}: ${more} more bad lines`);
    if (this.tailReported && this.tail) out.push(this.tail.problem);
    return out;
  }

  private readLine(line: string, number: number): void {
    if (line.trim() === '') return;
    const parsed = parseLine(line);
    if (typeof parsed !== 'string') this.entries.set(parsed[0], parsed[1]);
    else {
      this.problemCount++;
      if (this.problems.length < LISTED_PROBLEMS) this.problems.push(`${this.file} line ${number}: ${parsed}`);
    }
  }

  private reset(): void {
    this.entries.clear();
    this.consumed = 0;
    this.lines = 0;
    this.problems = [];
    this.problemCount = 0;
    this.tail = null;
    this.tailReported = false;
    this.present = false;
    this.mtimeMs = -1;
    this.refusal = null;
  }

  /** A cheap fingerprint of what `series` and `messages` return. */
  private fingerprint(): string {
    return `${this.present}:${this.absence}:${this.refusal}:${this.consumed}:${this.problemCount}:${this.tail?.text ?? ''}:${this.tailReported}`;
  }
}

/** One line as [step, values], or what is wrong with it. */
function parseLine(line: string): [number, MetricsEntry] | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    // Python's json module writes NaN and Infinity, which JSON has not: read them as null (no value).
    const bare = line.replace(/(?<=[:,[]\s*)(?:NaN|-?Infinity)(?=\s*[,}\]])/g, 'null');
    try {
      value = JSON.parse(bare);
    } catch {
      return `not JSON (${err instanceof Error ? err.message : err})`;
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'expected an object such as {"step": 100, "loss": 0.31, "accuracy": 0.91}';
  const o = value as Record<string, unknown>;
  const step = o.step;
  if (typeof step !== 'number' || !Number.isSafeInteger(step) || step < 0) return `"step" should be a non-negative integer, found ${JSON.stringify(step) ?? 'nothing'}`;
  const entry: MetricsEntry = { loss: null, accuracy: null };
  for (const key of ['loss', 'accuracy'] as const) {
    const v = o[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isFinite(v)) return `"${key}" should be a finite number or null, found ${JSON.stringify(v)}`;
    entry[key] = v;
  }
  return [step, entry];
}

async function readRange(path: string, position: number, length: number): Promise<Buffer> {
  const out = Buffer.alloc(length);
  const handle = await fs.open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    let done = 0;
    while (done < length) {
      const { bytesRead } = await handle.read(out, done, length - done, position + done);
      if (bytesRead === 0) break; // it shrank meanwhile: read the rest next time
      done += bytesRead;
    }
    return out.subarray(0, done);
  } finally {
    await handle.close();
  }
}
