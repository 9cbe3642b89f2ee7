/**
 * The optional metrics file beside the checkpoints (docs/checkpoints.md, "The metrics file"): JSON
 * Lines, one object per line, `{"step": 100, "loss": 0.31, "accuracy": 0.91}`, each ended by \n,
 * \r\n or \r alone. `step` is required (a non-negative integer); `loss` and `accuracy` are numbers or
 * null and may be left out; other keys are ignored. A bad line is reported by its number and skipped,
 * except that a loss or accuracy beyond the float64 range (1e309) is reported and read as null, as
 * Infinity written bare is, the rest of its line kept; a later line with the same step replaces an
 * earlier one (a resumed run logs again). The file is read incrementally: only what was appended since
 * the last read, and from the start again if it shrank.
 *
 * Memory: the file is read in pieces of METRICS_CHUNK_BYTES, never whole, and each line keeps only
 * its three numbers, in growable Float64Arrays (24 bytes a line, NaN for null): a 131 MB file of 1.35
 * million lines took 780 MB held as one Buffer, its text, its lines and an object per line. A line
 * longer than MAX_METRICS_LINE_BYTES is skipped unread, its bytes dropped as they come.
 *
 * Accuracy is a fraction in [0, 1]. One in (1, FRACTION_OVERSHOOT] is a fraction that float32
 * rounding carried past 1 (an average of fractions, 1.0000001): it is read as 1, without a warning. A
 * file whose accuracies are all within [0, 100] and one or more above FRACTION_OVERSHOOT logs
 * percentages: its accuracies are read divided by 100, with a warning at the first above
 * FRACTION_OVERSHOOT. An accuracy outside [0, FRACTION_OVERSHOOT] in a file that is not so (one below
 * 0 or above 100 too) is read as null, with a warning (`AccuracyRange`).
 */
import { constants, promises as fs } from 'node:fs';
import { excerpt } from '../experiment/diagnostic';
import { firstStrictJsonFault } from '../experiment/syntaxError';
import { lowerBound } from '../math/vectors';
import { MAX_METRICS_BYTES, MAX_METRICS_LINE_BYTES } from './limits';
import { kindOf } from '../experiment/pathKind';
import { findDuplicateKey } from './safetensors';

/** One line's values. */
export interface MetricsEntry {
  loss: number | null;
  accuracy: number | null;
  /**
   * The line writes its loss with no number: null, NaN or ±Infinity (Python's `json` for a loss that
   * overflowed), or beyond the float64 range — what a diverged run logs (the built-in trainer writes
   * null) — where a loss left out is not logged at that step. `loss` is null either way.
   */
  lossNotFinite?: boolean;
}

/** The curves of the file, sorted by step. */
export interface MetricsSeries {
  step: number[];
  loss: (number | null)[];
  accuracy: (number | null)[];
  /**
   * The steps, ascending, whose line writes its loss with no number (MetricsEntry, `lossNotFinite`:
   * null, NaN, ±Infinity or beyond float64), their `loss` null as a loss left out is; a diverged run's
   * steps (docs/checkpoints.md, "Summary and label").
   */
  lossNotFinite: number[];
}

/** Problems listed in full; beyond this many only their count. */
const LISTED_PROBLEMS = 20;

/** Bytes read from the file by one read call: the file is never held whole. */
export const METRICS_CHUNK_BYTES = 4 * 2 ** 20;

/**
 * Bytes asked by a read call at least, whatever the file's size says: a file of /proc says 0 and holds
 * more, and a file may grow while it is read.
 */
const MIN_READ_BYTES = 64 * 2 ** 10;

/** The keys of a line that are read; documented in docs/checkpoints.md. */
export const METRICS_KEYS = ['step', 'loss', 'accuracy'] as const;

/** A line read: its step and values. */
type MetricsLine = [step: number, entry: MetricsEntry];

/** What is wrong with a line, and the column (from 1) where, when known. */
interface LineProblem {
  problem: string;
  column: number | null;
}

/** A line parsed: what is read of it (null when it is skipped), and what is wrong with it, if anything. */
interface ParsedLine {
  read: MetricsLine | null;
  problem: LineProblem | null;
}

/** A loss or accuracy beyond the float64 range: its key, its text and column as written, and the ±Infinity JSON.parse read. */
interface BeyondRange {
  key: string;
  text: string;
  column: number | null;
  value: number;
}

/**
 * The lines read, in file order, as columns of float64 (null stored as NaN: a read value is always
 * finite). Growing by doubling; `increasing` while every step exceeds the one before, the common case,
 * in which the columns are already the series.
 */
class MetricsColumns {
  length = 0;
  increasing = true;
  private steps = new Float64Array(1024);
  private losses = new Float64Array(1024);
  private accuracies = new Float64Array(1024);

  push(step: number, entry: MetricsEntry): void {
    if (this.length === this.steps.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.steps = grow(this.steps);
      this.losses = grow(this.losses);
      this.accuracies = grow(this.accuracies);
    }
    if (this.length > 0 && !(step > this.steps[this.length - 1])) this.increasing = false;
    this.steps[this.length] = step;
    // NaN: left out; Infinity: written with no number (`lossNotFinite`); a read value is always finite.
    this.losses[this.length] = entry.loss ?? (entry.lossNotFinite ? Infinity : NaN);
    this.accuracies[this.length] = entry.accuracy ?? NaN;
    this.length++;
  }

  clear(): void {
    this.length = 0;
    this.increasing = true;
    this.steps = new Float64Array(1024);
    this.losses = new Float64Array(1024);
    this.accuracies = new Float64Array(1024);
  }

  /** The series by step, with `extra` (the unfinished last line) after every line; of one step, the last line wins. */
  series(extra: MetricsLine | null): MetricsSeries {
    const n = this.length;
    // In file order when increasing; else by step, and of one step the later line first, so that
    // the first of each run of a step is the one kept.
    const order = this.increasing ? null : identity(n).sort((a, b) => this.steps[a] - this.steps[b] || b - a);
    const value = (x: number): number | null => (Number.isFinite(x) ? x : null);
    const out: MetricsSeries = { step: [], loss: [], accuracy: [], lossNotFinite: [] };
    let last = -1;
    for (let k = 0; k < n; k++) {
      const i = order ? order[k] : k;
      if (this.steps[i] === last) continue;
      last = this.steps[i];
      out.step.push(last);
      out.loss.push(value(this.losses[i]));
      if (this.losses[i] === Infinity) out.lossNotFinite.push(last);
      out.accuracy.push(value(this.accuracies[i]));
    }
    if (extra) {
      const [step, entry] = extra;
      // Replace its step's line, or insert it in order.
      const lo = lowerBound(out.step, step);
      const same = out.step[lo] === step ? 1 : 0;
      out.step.splice(lo, same, step);
      out.loss.splice(lo, same, entry.loss);
      out.accuracy.splice(lo, same, entry.accuracy);
      const at = lowerBound(out.lossNotFinite, step);
      out.lossNotFinite.splice(at, out.lossNotFinite[at] === step ? 1 : 0, ...(entry.lossNotFinite ? [step] : []));
    }
    return out;
  }
}

/** 0, 1, …, n − 1. */
function identity(n: number): Uint32Array {
  const a = new Uint32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}

/**
 * The largest accuracy read as a fraction: 1 + 1e-4. A value in (1, 1 + 1e-4] is a fraction of 1 (or
 * near it) that float32 arithmetic rounded up — 1.0000001 is float32's next value after 1, and an
 * average of n float32 fractions summed one by one is off by at most about n·6e-8, so 1e-4 covers
 * averages of some 1,600 values at worst (far more in practice) — and is read as 1. As a percentage
 * it would be an accuracy of 1.0000–1.0001 %, which a count of correct samples gives only with more
 * than a million samples (100·c/N), and a percentage log passes as soon as training leaves 1 %: it is
 * not taken as the sign of percentages. Before 2026-12 one value of 1.0000001 turned a file of
 * fractions into percentages (0.5 read as 0.005).
 */
export const FRACTION_OVERSHOOT = 1 + 1e-4;

/** Where a value is on its line: the line's number, and the column (from 1) and text of the value as written. */
interface ValueAt {
  line: number;
  column: number | null;
  text: string;
}

/**
 * How a file's accuracies lie against [0, 1] (a fraction) and [0, 100] (a percentage): the first
 * above FRACTION_OVERSHOOT and at most 100, the first above 100, the first below 0, how many are
 * outside [0, FRACTION_OVERSHOOT], and how many are in (1, FRACTION_OVERSHOOT] (float32 overshoots of
 * a fraction). Only lines whose accuracy is outside [0, 1] cost anything (the common file costs a
 * comparison a line).
 */
class AccuracyRange {
  aboveOne: ValueAt | null = null;
  aboveHundred: ValueAt | null = null;
  negative: ValueAt | null = null;
  outside = 0;
  overshoots = 0;

  /** Notes line `line` (its text `text`, as parsed) whose accuracy is `accuracy`. */
  note(accuracy: number, line: number, text: string): void {
    if (accuracy >= 0 && accuracy <= 1) return;
    if (accuracy > 1 && accuracy <= FRACTION_OVERSHOOT) {
      this.overshoots++;
      return;
    }
    this.outside++;
    const at = (): ValueAt => {
      const raw = rawValue(text, 'accuracy');
      return { line, column: raw?.column ?? null, text: raw?.text ?? String(accuracy) };
    };
    if (accuracy < 0) this.negative ??= at();
    else if (accuracy > 100) this.aboveHundred ??= at();
    else this.aboveOne ??= at();
  }

  /** This range and `other`'s (lines after this one's) together. */
  with(other: AccuracyRange | null): AccuracyRange {
    if (!other || other.outside + other.overshoots === 0) return this;
    const both = new AccuracyRange();
    both.aboveOne = this.aboveOne ?? other.aboveOne;
    both.aboveHundred = this.aboveHundred ?? other.aboveHundred;
    both.negative = this.negative ?? other.negative;
    both.outside = this.outside + other.outside;
    both.overshoots = this.overshoots + other.overshoots;
    return both;
  }

  /** Percentages: every accuracy within [0, 100] and some above FRACTION_OVERSHOOT. */
  get percent(): boolean {
    return this.aboveOne !== null && this.aboveHundred === null && this.negative === null;
  }

  /**
   * The accuracies as read: divided by 100 for percentages; else 1 where in (1, FRACTION_OVERSHOOT]
   * (a fraction's float32 overshoot) and null where outside [0, FRACTION_OVERSHOOT].
   */
  apply(accuracy: (number | null)[]): (number | null)[] {
    if (this.outside + this.overshoots === 0) return accuracy;
    // Rounded to 15 significant digits, a float64's decimal precision: 82.4 reads 0.824, not 0.8240000000000001.
    if (this.percent) return accuracy.map((a) => (a === null ? null : Number((a / 100).toPrecision(15))));
    return accuracy.map((a) => (a === null || (a >= 0 && a <= 1) ? a : a > 1 && a <= FRACTION_OVERSHOOT ? 1 : null));
  }

  /** The warning, located by `where`, or null when every accuracy is a fraction in [0, 1]. */
  message(where: (line: number, column: number | null) => string): string | null {
    if (this.outside === 0) return null;
    const value = (v: ValueAt) => `"accuracy" ${v.text}`;
    if (this.percent) {
      const first = this.aboveOne!;
      const fraction = Number(first.text) / 100;
      const shown = Number.isFinite(fraction) ? String(Number(fraction.toPrecision(12))) : `${first.text}/100`;
      return `${where(first.line, first.column)}: ${value(first)} is above 1, and every accuracy of the file is within [0, 100]: they are read as percentages, each divided by 100 (${first.text} as ${shown}) — an accuracy is a fraction in [0, 1]; log it as one (correct / total) to have it read as written`;
    }
    // Neither fractions nor percentages: the first value that is neither locates the warning.
    const wrong = [this.negative, this.aboveHundred].filter((v): v is ValueAt => v !== null).sort((a, b) => a.line - b.line)[0];
    const others = this.outside - 1;
    return `${where(wrong.line, wrong.column)}: ${value(wrong)} is ${wrong === this.negative ? 'below 0' : 'above 100'}, neither a fraction in [0, 1] nor a percentage in [0, 100], so it is read as null (no value)${others > 0 ? `, and so ${others === 1 ? 'is' : 'are'} the file's ${others.toLocaleString('en-US')} other ${others === 1 ? 'accuracy' : 'accuracies'} outside [0, 1]${this.aboveOne ? ` (the first at line ${this.aboveOne.line}: ${value(this.aboveOne)})` : ''}` : ''}; the rest of ${others > 0 ? 'their lines' : 'its line'} is kept${this.overshoots > 0 ? `; the file's ${this.overshoots.toLocaleString('en-US')} ${this.overshoots === 1 ? 'accuracy' : 'accuracies'} in (1, ${FRACTION_OVERSHOOT}] ${this.overshoots === 1 ? 'is' : 'are'} read as 1 (a fraction that float32 rounding carried past 1)` : ''} — log accuracies as fractions in [0, 1], or all as percentages in [0, 100]`;
  }
}

/** One metrics file, read incrementally by `refresh`; `series` and `messages` give what it holds. */
export class MetricsLog {
  private readonly columns = new MetricsColumns();
  /** The accuracies of the complete lines against [0, 1] and [0, 100]; the unfinished line's is the tail's. */
  private accuracies = new AccuracyRange();
  /** Complete lines read so far: bytes [0, consumed) and how many lines they held. */
  private consumed = 0;
  private lines = 0;
  private problems: string[] = [];
  private problemCount = 0;
  /** An unfinished last line (no newline yet), its values if it already parses, and its problem once settled. */
  private tail: { text: string; bytes: number; entry: MetricsLine | null; problem: string; accuracies: AccuracyRange } | null = null;
  private tailReported = false;
  /** A line past MAX_METRICS_LINE_BYTES being skipped at `consumed`: its bytes so far (its newline not yet read). */
  private longLine: number | null = null;
  private present = false;
  private mtimeMs = -1;
  /** Why the file is not read at all (too large, not a file). */
  private refusal: string | null = null;
  /** Why a file named in the experiment cannot be had now (null when it can, or was not named). */
  private absence: string | null = null;
  /** `series()` until something changes. */
  private cachedSeries: MetricsSeries | null = null;

  /**
   * `path` is read; `file` names it in messages. `named`: the experiment names the file
   * (`checkpoints.metrics`), so its absence is said, not silent.
   */
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
      this.absence = this.named ? `${this.file}: ${await whyMissing(this.path, err)}` : null;
      return this.changedSince(before);
    }
    if (!stat.isFile() || stat.size > MAX_METRICS_BYTES) {
      return this.refuse(
        !stat.isFile()
          ? `${this.file}: is ${kindOf(stat)}, not a regular file, so it is not read: point checkpoints.metrics at the JSON Lines file`
          : `${this.file}: has ${stat.size.toLocaleString('en-US')} bytes, more than the ${MAX_METRICS_BYTES.toLocaleString('en-US')} read: log less often, or start a new file`,
        before,
      );
    }
    if (stat.size < this.consumed || this.refusal !== null) this.reset(); // rewritten, or back within the limit
    this.present = true;
    const known = this.consumed + (this.longLine ?? 0) + (this.tail?.bytes ?? 0);
    if (stat.size !== known || stat.mtimeMs !== this.mtimeMs) {
      this.mtimeMs = stat.mtimeMs;
      let rest: Buffer | null;
      try {
        rest = await this.readLines(stat.size);
      } catch (err) {
        return this.refuse(`${this.file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)}), so it is not read: point checkpoints.metrics at the JSON Lines file`, before);
      }
      if (rest === null) {
        return this.refuse(`${this.file}: has more than the ${MAX_METRICS_BYTES.toLocaleString('en-US')} bytes read (its file system said ${stat.size.toLocaleString('en-US')}): log less often, or start a new file`, before);
      }
      this.tail = null;
      // Its \r, if it ends in one (a line ended by \r alone, or half a \r\n), is not part of its text.
      const text = withoutByteOrderMark(rest.toString('utf8', 0, rest.length - (rest[rest.length - 1] === CR ? 1 : 0)), this.lines + 1);
      if (text.trim() !== '') {
        const { read, problem } = parseLine(text);
        const accuracies = new AccuracyRange();
        if (read?.[1].accuracy != null) accuracies.note(read[1].accuracy, this.lines + 1, text);
        this.tail = { text, bytes: rest.length, entry: read, problem: problem ? `${this.where(this.lines + 1, problem.column)} (unfinished, no newline): ${problem.problem}` : '', accuracies };
      }
    }
    this.tailReported = this.tail !== null && this.tail.problem !== '' && settled(stat.mtimeMs);
    return this.changedSince(before);
  }

  /** The curves, sorted by step (null when there is no file, or it is not read); accuracies as fractions (`AccuracyRange`). */
  series(): MetricsSeries | null {
    if (!this.present || this.refusal) return null;
    if (!this.cachedSeries) {
      const series = this.columns.series(this.tail?.entry ?? null);
      series.accuracy = this.accuracies.with(this.tail?.accuracies ?? null).apply(series.accuracy);
      this.cachedSeries = series;
    }
    return this.cachedSeries;
  }

  /** Messages about bad lines (the first LISTED_PROBLEMS, then a count), or why the file is not read. */
  messages(): string[] {
    if (this.absence) return [this.absence];
    if (this.refusal) return [this.refusal];
    const out = this.problems.slice();
    const more = this.problemCount - this.problems.length;
    if (more > 0) out.push(`${this.file}: ${more} more bad line${more === 1 ? '' : 's'}`);
    if (this.tailReported && this.tail) out.push(this.tail.problem);
    const accuracies = this.accuracies.with(this.tail?.accuracies ?? null).message((line, column) => this.where(line, column));
    if (accuracies) out.push(accuracies);
    if (this.longLine !== null) out.push(`${this.where(this.lines + 1, null)} (unfinished, no newline): ${tooLong(this.longLine, true)}`);
    return out;
  }

  /**
   * Reads from byte `consumed` to the end of the file in pieces of at most METRICS_CHUNK_BYTES,
   * reading each whole line as it comes; returns the bytes after the last newline (an unfinished
   * line), or null past MAX_METRICS_BYTES. `size` (the file system's) is a hint only: a file of /proc
   * says 0, and a file may grow meanwhile. Throws what the file system throws (EIO, EACCES).
   */
  private async readLines(size: number): Promise<Buffer | null> {
    const handle = await fs.open(this.path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    try {
      let carry = Buffer.alloc(0);
      let position = this.consumed + (this.longLine ?? 0);
      for (;;) {
        const chunk = Buffer.allocUnsafe(Math.min(METRICS_CHUNK_BYTES, Math.max(size - position, MIN_READ_BYTES)));
        const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
        if (bytesRead === 0) break; // its end
        position += bytesRead;
        if (position > MAX_METRICS_BYTES) return null;
        const data = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
        // A \r last may be the first half of a \r\n whose \n is not read yet: it ends no line until
        // the byte after it is (a \r at the end of the file is kept with the unfinished line).
        const limit = data[data.length - 1] === CR ? data.length - 1 : data.length;
        const nextEnd = lineEnds(data, limit);
        let start = 0;
        if (this.longLine !== null) {
          // Inside a line too long to read: drop its bytes up to its end.
          const end = nextEnd(0);
          if (end < 0) {
            this.longLine += limit;
            carry = Buffer.from(data.subarray(limit));
            continue;
          }
          this.skipLine(this.longLine + end);
          start = afterLineEnd(data, end);
          this.consumed += this.longLine + start;
          this.longLine = null;
        }
        const first = start;
        for (let end = nextEnd(start); end >= 0; end = nextEnd(start)) {
          const length = end - start; // without its \r, \n or \r\n
          if (length > MAX_METRICS_LINE_BYTES) this.skipLine(length);
          else this.readLine(data.toString('utf8', start, end), ++this.lines);
          start = afterLineEnd(data, end);
        }
        this.consumed += start - first;
        // The unfinished line: kept (a copy: the chunk is not kept for a few bytes), or dropped as too long.
        if (limit - start > MAX_METRICS_LINE_BYTES) {
          this.longLine = limit - start;
          carry = Buffer.from(data.subarray(limit));
        } else carry = Buffer.from(data.subarray(start));
      }
      return carry;
    } finally {
      await handle.close();
    }
  }

  private readLine(text: string, number: number): void {
    const line = withoutByteOrderMark(text, number);
    if (line.trim() === '') return;
    const { read, problem } = parseLine(line);
    if (read) {
      this.columns.push(...read);
      if (read[1].accuracy !== null) this.accuracies.note(read[1].accuracy, number, line);
    }
    if (problem) {
      this.problemCount++;
      if (this.problems.length < LISTED_PROBLEMS) this.problems.push(`${this.where(number, problem.column)}: ${problem.problem}`);
    }
  }

  /** A complete line of `bytes` past MAX_METRICS_LINE_BYTES: counted, reported, never parsed. */
  private skipLine(bytes: number): void {
    this.problemCount++;
    const number = ++this.lines;
    if (this.problems.length < LISTED_PROBLEMS) this.problems.push(`${this.where(number, null)}: ${tooLong(bytes, false)}`);
  }

  /** `metrics.jsonl line 4, column 12`. */
  private where(line: number, column: number | null): string {
    return `${this.file} line ${line}${column === null ? '' : `, column ${column}`}`;
  }

  /** Makes `refusal` why the file is not read at all, and nothing of it read; returns whether that changed what is shown. */
  private refuse(refusal: string, before: string): boolean {
    this.reset();
    this.present = true;
    this.refusal = refusal;
    return this.changedSince(before);
  }

  private reset(): void {
    this.columns.clear();
    this.accuracies = new AccuracyRange();
    this.consumed = 0;
    this.lines = 0;
    this.problems = [];
    this.problemCount = 0;
    this.tail = null;
    this.tailReported = false;
    this.longLine = null;
    this.present = false;
    this.mtimeMs = -1;
    this.refusal = null;
  }

  private changedSince(before: string): boolean {
    const changed = before !== this.fingerprint();
    if (changed) this.cachedSeries = null;
    return changed;
  }

  /** A cheap fingerprint of what `series` and `messages` return. */
  private fingerprint(): string {
    return `${this.present}:${this.absence}:${this.refusal}:${this.consumed}:${this.problemCount}:${this.tail?.text ?? ''}:${this.tailReported}:${this.longLine}`;
  }
}

/** Why `path`, which `stat` refused with `err`, cannot be read now: a missing file, a link to nothing or in a loop. */
async function whyMissing(path: string, err: unknown): Promise<string> {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ELOOP') return 'is a symbolic link in a loop (a link that leads back to itself), so it is not read: point checkpoints.metrics at the JSON Lines file';
  if (code !== 'ENOENT') return `cannot be read (${code ?? String(err)})`;
  try {
    const target = await fs.readlink(path);
    return `is a symbolic link to ${excerpt(target)}, which does not exist (it is read once it does)`;
  } catch {
    return 'no such file (it is read once it exists)';
  }
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * The ends of the lines of data[0, limit) — the index of each \n, \r alone or \r\n's \r — from
 * calls with rising `from`, -1 when there is none: each byte's next place is looked up again only once
 * passed, so a piece is scanned once however many lines it holds.
 */
function lineEnds(data: Buffer, limit: number): (from: number) => number {
  let lf = -2;
  let cr = -2;
  return (from) => {
    if (lf !== -1 && lf < from) lf = data.indexOf(LF, from);
    if (cr !== -1 && cr < from) cr = data.indexOf(CR, from);
    const end = lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
    return end < limit ? end : -1;
  };
}

/** The index after the line end at `end`: past the \n of a \r\n too. */
function afterLineEnd(data: Buffer, end: number): number {
  return data[end] === CR && data[end + 1] === LF ? end + 2 : end + 1;
}

/** Line `number` of the file without the UTF-8 byte-order mark that may open the first (Windows editors write one). */
function withoutByteOrderMark(line: string, number: number): string {
  return number === 1 && line.charCodeAt(0) === 0xfeff ? line.slice(1) : line;
}

/** Why a line of `bytes` bytes is skipped (MAX_METRICS_LINE_BYTES). */
function tooLong(bytes: number, sofar: boolean): string {
  return `${bytes.toLocaleString('en-US')} bytes${sofar ? ' so far' : ''}, more than the ${MAX_METRICS_LINE_BYTES.toLocaleString('en-US')} of a metrics line (a step and a few numbers): skipped without being read`;
}

/** The largest float64, about 1.8 × 10³⁰⁸: a JSON number beyond it reads as ±Infinity. */
const FLOAT64_RANGE = 'the float64 range (±1.8 × 10³⁰⁸)';

/** What a skipped line's message ends with, before any advice. */
const SKIPPED = 'the line is skipped';

/**
 * A line that is not JSON, in words, and the column (from 1) of its fault where known: bytes that are
 * not UTF-8 (decoded as U+FFFD), else jsonc-parser's located fault, else JSON.parse's words and position.
 */
function notJson(line: string, err: unknown): { problem: string; column: number | null } {
  const bad = line.indexOf('\uFFFD');
  if (bad >= 0) return { problem: 'not UTF-8 text (the metrics file should be UTF-8 JSON Lines)', column: bad + 1 };
  const first = firstStrictJsonFault(line);
  // The line is the text parsed: its end is the line's, not the file's.
  if (first) return { problem: `not JSON: ${first.message.replace(/^invalid JSON: /, '').replace(/\bthe end of the file\b/g, 'the end of the line')}`, column: first.offset + 1 };
  const message = err instanceof Error ? err.message : String(err);
  const at = /at position (\d+)/.exec(message);
  return { problem: `not JSON (${excerpt(message.replace(/ in JSON at position \d+.*$/, ''))})`, column: at ? Number(at[1]) + 1 : null };
}

/**
 * One line: its step and values, or null when it is skipped, and what is wrong with it and where. A
 * loss or accuracy beyond the float64 range is read as null and reported, the rest of the line kept.
 */
function parseLine(line: string): ParsedLine {
  const skip = (problem: string, column: number | null = null): ParsedLine => ({ read: null, problem: { problem, column } });
  let value: unknown;
  let parsed = line;
  try {
    value = JSON.parse(line);
  } catch (err) {
    // Python's json module writes NaN and Infinity, which JSON has not: read them as null (no value).
    const bare = line.replace(/(?<=[:,[]\s*)(?:NaN|-?Infinity)(?=\s*[,}\]])/g, 'null');
    try {
      value = JSON.parse(bare);
      parsed = bare;
    } catch {
      const { problem, column } = notJson(line, err);
      return skip(`${problem}: ${SKIPPED} — each line should be one object such as {"step": 100, "loss": 0.31}`, column);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return skip(`expected an object such as {"step": 100, "loss": 0.31, "accuracy": 0.91}, found ${describeValue(value)}: ${SKIPPED}`);
  const twice = repeatedKey(parsed);
  if (twice) return { read: null, problem: twice };
  const o = value as Record<string, unknown>;
  const step = o.step;
  if (typeof step !== 'number' || !Number.isInteger(step) || step < 0) {
    const raw = rawValue(line, 'step');
    if (typeof step === 'number' && !Number.isFinite(step)) {
      return skip(`"step" ${raw?.text ?? step} is out of ${FLOAT64_RANGE}: it would read as ${step}, so ${SKIPPED} — log the step count itself`, raw?.column ?? null);
    }
    return skip(`"step" should be a non-negative integer, found ${raw?.text ?? JSON.stringify(step) ?? 'nothing'}: ${SKIPPED}`, raw?.column ?? null);
  }
  if (!Number.isSafeInteger(step)) {
    const raw = rawValue(line, 'step');
    return skip(`"step" ${raw?.text ?? step} is beyond ${Number.MAX_SAFE_INTEGER.toLocaleString('en-US')} (2⁵³ − 1), the largest integer a float64 holds exactly: steps beyond it cannot be told apart, so ${SKIPPED} — log the step count itself`, raw?.column ?? null);
  }
  const entry: MetricsEntry = { loss: null, accuracy: null };
  const beyond: BeyondRange[] = [];
  for (const key of ['loss', 'accuracy'] as const) {
    const v = o[key];
    if (key === 'loss' && v !== undefined && (v === null || (typeof v === 'number' && !Number.isFinite(v)))) entry.lossNotFinite = true;
    if (v === undefined || v === null) continue;
    const raw = rawValue(line, key);
    if (typeof v === 'number' && !Number.isFinite(v)) beyond.push({ key, text: raw?.text ?? String(v), column: raw?.column ?? null, value: v });
    else if (typeof v !== 'number') return skip(`"${key}" should be a finite number or null, found ${raw?.text ?? describeValue(v)}: ${SKIPPED}`, raw?.column ?? null);
    else entry[key] = v;
  }
  return { read: [step, entry], problem: beyond.length > 0 ? readAsNull(beyond) : null };
}

/**
 * The warning of a line whose loss or accuracy (`beyond`, in line order) is beyond the float64 range,
 * which JSON.parse reads as ±Infinity: each is read as null, as Infinity written bare is.
 */
function readAsNull(beyond: readonly BeyondRange[]): LineProblem {
  const one = beyond.length === 1;
  const values = beyond.map((b) => `"${b.key}" ${b.text}`).join(' and ');
  const infinity = beyond.every((b) => b.value > 0) ? 'Infinity' : beyond.every((b) => b.value < 0) ? '-Infinity' : '±Infinity';
  return {
    problem: `${values} ${one ? 'is' : 'are'} out of ${FLOAT64_RANGE}, so ${one ? 'it is' : 'they are'} read as null (no value), like a bare ${infinity}; the rest of the line is kept — write a number within the range, or null (or NaN) for no value`,
    column: beyond[0].column,
  };
}

/**
 * The problem of a line (valid JSON) that writes `step`, `loss` or `accuracy` twice at its top level,
 * or null; other keys written twice, and keys of nested objects, are passed over. A line names each
 * key once, so the full scan (`findDuplicateKey`) runs only when one's quoted name occurs twice or the
 * line has an escape (a key may be written `"\u0073tep"`).
 */
function repeatedKey(text: string): LineProblem | null {
  const suspect = text.includes('\\u') || METRICS_KEYS.some((k) => text.indexOf(`"${k}"`) !== text.lastIndexOf(`"${k}"`));
  if (!suspect) return null;
  const found = findDuplicateKey(text, (key, within) => within === null && (METRICS_KEYS as readonly string[]).includes(key));
  if (!found) return null;
  return { problem: `"${found.key}" is written twice (columns ${found.at[0] + 1} and ${found.at[1] + 1}): JSON keeps the last silently, so ${SKIPPED} — write each key once`, column: found.at[1] + 1 };
}

/** A value of a line in a message: bounded. */
function describeValue(v: unknown): string {
  if (typeof v === 'object' && v !== null) return Array.isArray(v) ? 'an array' : 'an object';
  return excerpt(JSON.stringify(v) ?? String(v));
}

/** Per key, its name and colon as written: `"loss" :`. */
const KEY_PATTERNS: Record<string, RegExp> = Object.fromEntries(METRICS_KEYS.map((k) => [k, new RegExp(`"${k}"\\s*:\\s*`, 'g')]));

/**
 * The text of `key`'s value as written on the line (the last occurrence, the one JSON.parse keeps)
 * and its column from 1, or null if the key is written otherwise (escaped). Linear in the line.
 */
function rawValue(line: string, key: string): { text: string; column: number } | null {
  const pattern = KEY_PATTERNS[key];
  pattern.lastIndex = 0;
  let at = -1;
  for (let m = pattern.exec(line); m; m = pattern.exec(line)) at = m.index + m[0].length;
  if (at < 0) return null;
  const token = /^(?:"(?:[^"\\]|\\.)*"|[^,}\]\s]+)/.exec(line.slice(at, at + 200));
  return token ? { text: excerpt(token[0]), column: at + 1 } : null;
}
