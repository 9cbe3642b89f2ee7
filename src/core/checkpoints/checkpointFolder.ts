/**
 * The folder the built-in trainer writes checkpoints into (`training.checkpoints`, docs/checkpoints.md,
 * "Writing checkpoints"): one `step-000120.safetensors` per checkpoint — the weights as PyTorch's
 * `nn.Linear` names them in a model of `fc1`, `fc2`, … layers (`fc1.weight` out × in, `fc1.bias`), float32,
 * metadata `step` and `writer` — and one line of `metrics.jsonl` each. A checkpoint experiment reads
 * the folder back: the loop closes.
 */
import { lstatSync, mkdirSync, promises as fs, readdirSync, readFileSync, readlinkSync, rmdirSync, rmSync, statfsSync, Stats, statSync, closeSync, openSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { countOf, excerpt, formatBytes, formatCount, visibleName } from '../experiment/diagnostic';
import { kindOf } from '../experiment/pathKind';
import { FREE_SPACE_SHARE, MAX_CHECKPOINTS, MAX_WRITTEN_BYTES, METRICS_LINE_BYTES } from './limits';
import { globBase } from './naming';
import { SafetensorsFile } from './safetensors';
import { safetensorsFileBytes, TensorLayout, TensorToWrite, writeSafetensors } from './writeSafetensors';

/** The metadata `writer` of the trainer's checkpoints: what `prepare` may delete. */
export const TRAINER_WRITER = 'flab';

/** The name of layer l's (from 1) weight tensor, as a PyTorch model of `fc1`, `fc2`, … Linear layers names it. */
export function trainerLayerName(l: number, what: 'weight' | 'bias' = 'weight'): string {
  return `fc${l}.${what}`;
}

/** One metrics line: the keys the reader takes (docs/checkpoints.md, "The metrics file") and the trainer's four. */
export interface CheckpointMetrics {
  /** The test set's loss and accuracy when there is one (what a paper reports), else the training batches'. */
  loss: number | null;
  accuracy: number | null;
  trainLoss: number | null;
  trainAccuracy: number | null;
  testLoss: number | null;
  testAccuracy: number | null;
}

/** A layer to write: row-major, rows = outputs. */
export interface LayerToWrite {
  rows: number;
  cols: number;
  data: Float32Array | Float64Array;
}

/**
 * The file a run holds in its checkpoint folder from before its data is read to its end (`FolderLock`):
 * `{ pid, host, started }` of its process, and `sweep: true` for a sweep, which holds the folder of
 * its values' folders `<folder>/<key>=<value>` for its whole duration. A second run (or sweep) refuses
 * the folder while the first holds it (two runs at once deleted each other's checkpoints and wrote one
 * folder that read as one run, 2026-12-03); a lock whose process is gone (a run killed) is taken over.
 * Not a checkpoint: readers leave it alone.
 */
export const RUN_LOCK = '.flab-run.lock';

/** Who holds a folder's RUN_LOCK, as its file says (null: it says nothing readable). */
export interface LockHolder {
  pid: number;
  host: string;
  /** When it took the folder (ISO time). */
  started: string;
  /** A sweep holding the folder of its values' folders (absent: one run). */
  sweep?: true;
}

/** "flab's process 4242, started 2026-12-03T16:00:00.000Z" (with " on HOST" for another machine's). */
export function holderPhrase(h: LockHolder): string {
  return `flab's process ${h.pid}${h.host !== hostname() ? ` on ${h.host}` : ''}, started ${h.started}`;
}

/**
 * The run or sweep of another process that holds `folder` now (its RUN_LOCK names a process alive on
 * this machine, or one of another machine, whose life cannot be told from here), or null: no lock, one
 * not readable as flab's, one whose process is gone, or this process's own. Read only.
 */
export function liveHolder(folder: string): LockHolder | null {
  const holder = lockHolder(join(folder, RUN_LOCK));
  return holder && holder.pid !== process.pid && holderAlive(holder) ? holder : null;
}

/**
 * A folder held by this process: its RUN_LOCK, taken by `take` and given up by `release`. A run
 * (`flab train`, each value of a sweep) holds the folder it writes checkpoints into; a sweep holds the
 * folder of its values' folders as well, from before its first value's data is read to its end, so
 * that a second sweep, or a run, into that folder is refused at once (two sweeps into one path both
 * ran, their values interleaved). Taking the folder removes the temporary files of checkpoints a run
 * that died left there (`.step-000120.safetensors.<pid>.<ms>.tmp`, written and renamed by
 * `writeSafetensors`); nothing else.
 */
export class FolderLock {
  private held = true;

  /** Whether this process holds the folder still (taken, not released). */
  get isHeld(): boolean {
    return this.held;
  }

  private constructor(
    /** The folder held (absolute). */
    readonly folder: string,
    /** When it was taken (ISO time), which `release` compares. */
    private readonly started: string,
    /** The folders `take` made, the folder's own last: removed at `release` when left empty (a run refused before its first step). */
    private readonly made: string[],
  ) {}

  /**
   * Makes `folder` (and the ancestors it lacks) and takes its RUN_LOCK for a run or a sweep. Throws an
   * Error whose message says why not: the folder's own problem (`checkpointFolderProblem`), another
   * process's run or sweep holding it, or — for a run — a sweep of another process holding the folder
   * above it (this folder one of its values').
   */
  static async take(folder: string, kind: 'run' | 'sweep'): Promise<FolderLock> {
    const full = resolve(folder);
    const problem = checkpointFolderProblem(full);
    if (problem) throw new Error(problem);
    const above = kind === 'run' ? liveHolder(dirname(full)) : null;
    if (above?.sweep) throw new Error(`a sweep (${holderPhrase(above)}) is writing checkpoints into ${dirname(full)} (${RUN_LOCK}), a folder for each of its values: a run in one of them would delete that value's checkpoints — wait for it to end, or give training.checkpoints.path another folder (if no sweep is writing there, delete ${join(dirname(full), RUN_LOCK)})`);
    const made = await makeFolder(full);
    let started: string;
    try {
      started = takeLock(full, kind);
    } catch (err) {
      removeEmpty(made);
      throw err;
    }
    removeDeadTemporaries(full);
    return new FolderLock(full, started, made);
  }

  /**
   * Gives the folder up: RUN_LOCK removed if it is still this process's (a lock another run took over,
   * judging this one gone, is that run's), and the folders `take` made removed if left empty; idempotent.
   */
  release(): void {
    if (!this.held) return;
    this.held = false;
    const path = join(this.folder, RUN_LOCK);
    const holder = lockHolder(path);
    if (!(holder && holder.pid === process.pid && holder.host === hostname() && holder.started === this.started)) return;
    rmSync(path, { force: true });
    removeEmpty(this.made);
  }
}

/** Removes the folders `made` (outermost first) from the innermost up, while each is empty. */
function removeEmpty(made: readonly string[]): void {
  for (const dir of [...made].reverse()) {
    try {
      rmdirSync(dir);
    } catch {
      return; // not empty (or gone): it and the folders above stay
    }
  }
}

/**
 * A temporary file flab writes in a checkpoint folder — a checkpoint being written (`writeSafetensors`:
 * `.step-000120.safetensors.<pid>.<ms>.tmp`) or the probe of `checkpointFolderProblem`
 * (`.flab-probe-<pid>-<ms>`, removed at once) — its pid and when it was begun (ms); null for any other name.
 */
function checkpointTemporary(name: string): { pid: number; begun: number } | null {
  const m = /^\.step-\d+\.safetensors\.(\d+)\.(\d+)\.tmp$/.exec(name) ?? /^\.flab-probe-(\d+)-(\d+)$/.exec(name);
  return m ? { pid: Number(m[1]), begun: Number(m[2]) } : null;
}

/**
 * Removes from `folder`, just taken, the temporary checkpoint files of runs that died writing them (a
 * run killed: they stayed, and no later run removed them): the trainer's pattern only
 * (`checkpointTemporary`), and only those whose process is gone — or whose number was given again to
 * a process that started after the file was begun. A user's file is never touched.
 */
function removeDeadTemporaries(folder: string): void {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return;
  }
  for (const name of names) {
    const t = checkpointTemporary(name);
    if (!t || t.pid === process.pid) continue;
    try {
      if (!lstatSync(join(folder, name)).isFile()) continue; // a probe of a folder is a folder: not made here
    } catch {
      continue;
    }
    if (holderAlive({ pid: t.pid, host: hostname(), started: new Date(t.begun).toISOString() })) continue;
    rmSync(join(folder, name), { force: true });
  }
}

/**
 * Takes RUN_LOCK in `folder` (which exists) for a run or a sweep, created exclusively; the time it was
 * taken (ISO). Throws an Error naming the run that holds it: another process alive on this machine, or
 * any on another (its life cannot be told from here). A lock whose process has ended, or of this
 * process, is taken over.
 */
function takeLock(folder: string, kind: 'run' | 'sweep'): string {
  const path = join(folder, RUN_LOCK);
  const started = new Date().toISOString();
  const mine = JSON.stringify({ pid: process.pid, host: hostname(), started, ...(kind === 'sweep' ? { sweep: true } : {}) } satisfies LockHolder) + '\n';
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(path, mine, { flag: 'wx' });
      return started;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const seen = lockText(path);
    const holder = lockHolder(path, seen);
    if (!holder) {
      // Not flab's lock as written (empty: a run killed as it wrote it, or a full disk), unless a run is writing it this moment.
      if (ageSeconds(path) < UNREADABLE_LOCK_SECONDS) throw new Error(`another run is starting in it (${RUN_LOCK} is being written): wait for it, or give training.checkpoints.path another folder`);
    } else if (holderAlive(holder)) {
      if (holder.sweep) throw new Error(`another sweep (${holderPhrase(holder)}) is writing checkpoints into it (${RUN_LOCK}), a folder for each of its values: two runs in one folder delete each other's checkpoints — wait for it to end, or give training.checkpoints.path another folder (if no sweep is writing there, delete ${RUN_LOCK})`);
      throw new Error(`another run (${holderPhrase(holder)}) is writing checkpoints into it (${RUN_LOCK}): two runs in one folder delete each other's checkpoints — wait for it to end, or give training.checkpoints.path another folder (if no run is writing there, delete ${RUN_LOCK})`);
    }
    // Its process is gone (a run killed before it released the folder): taken over — under a second
    // lock, and only if the file is still the one judged gone. Two runs taking over at once each
    // deleted the other's new lock and both wrote into the folder (a breaker's finding, 2026-12-03).
    takeOver(path, seen);
  }
  throw new Error(`another run took ${RUN_LOCK} at the same moment: wait for it to end, or give training.checkpoints.path another folder`);
}

export class CheckpointFolder {
  private readonly digits: number;
  private readonly written: string[] = [];
  private pending: Promise<void> = Promise.resolve();
  private failure: unknown = null;
  /** The steps whose checkpoints were queued (`write`). */
  private readonly queued = new Set<number>();

  /**
   * `folder` (absolute) receives the checkpoints of a run of `totalSteps` steps (the width of the step
   * in names); `lock`, the folder already held (taken before the data was read), else `prepare` takes it.
   */
  constructor(
    readonly folder: string,
    totalSteps: number,
    private lock: FolderLock | null = null,
  ) {
    this.digits = Math.max(6, String(totalSteps).length);
  }

  /** The file name of the checkpoint of `step`: `step-000120.safetensors`. */
  fileName(step: number): string {
    return `step-${String(step).padStart(this.digits, '0')}.safetensors`;
  }

  /** Whether the checkpoint of `step` was queued for writing. */
  has(step: number): boolean {
    return this.queued.has(step);
  }

  /**
   * Takes the folder (`FolderLock`) unless it is held already, deletes the checkpoints an earlier run of
   * the trainer left there (files named `step-<digits>.safetensors` whose metadata says `writer: flab`)
   * and empties its `metrics.jsonl`, so that the folder holds this run only. A folder that holds files
   * of those names that the trainer did not write — another trainer's checkpoints, or a `metrics.jsonl`
   * with lines of another writer — is refused before anything is deleted or emptied: they are the
   * user's, and a checkpoint experiment reading the folder would mix them with this run's. Other files
   * are never touched. Rejects with an Error whose message says which files and what to do.
   */
  async prepare(): Promise<void> {
    if (!this.lock?.isHeld) this.lock = await FolderLock.take(this.folder, 'run');
    const { ours, refusal } = await surveyFolder(this.folder);
    if (refusal) {
      this.release();
      throw new Error(refusal);
    }
    for (const name of ours) await fs.rm(join(this.folder, name), { force: true });
    // A new metrics.jsonl, not the old one emptied in place: another name of it (a hard link the user
    // made to keep an earlier run's metrics) keeps its lines, as `--svg OUT` keeps a linked figure.
    await fs.rm(join(this.folder, 'metrics.jsonl'), { force: true });
    await fs.writeFile(join(this.folder, 'metrics.jsonl'), '', { flag: 'wx' });
  }

  /**
   * Queues the checkpoint of `step` (its layers and biases copied now, so the caller may go on) and
   * its metrics line; `finish` waits for every write and throws the first failure.
   */
  write(step: number, layers: readonly LayerToWrite[], biases: readonly Float32Array[] | null, metrics: CheckpointMetrics): void {
    this.queued.add(step);
    const tensors: TensorToWrite[] = [];
    layers.forEach((w, l) => {
      tensors.push({ name: trainerLayerName(l + 1), dtype: 'F32', shape: [w.rows, w.cols], data: Float32Array.from(w.data) });
      if (biases) tensors.push({ name: trainerLayerName(l + 1, 'bias'), dtype: 'F32', shape: [biases[l].length], data: biases[l].slice() });
    });
    const name = this.fileName(step);
    const line = JSON.stringify({ step, ...metrics }) + '\n';
    this.pending = this.pending.then(async () => {
      if (this.failure) return;
      try {
        await writeSafetensors(join(this.folder, name), tensors, { step: String(step), writer: TRAINER_WRITER });
        await fs.appendFile(join(this.folder, 'metrics.jsonl'), line);
        this.written.push(name);
      } catch (err) {
        this.failure = err;
      }
    });
  }

  /** Waits for the queued writes; the files written, in order. Throws the first write's failure. */
  async finish(): Promise<string[]> {
    await this.pending;
    if (this.failure) throw this.failure;
    return this.written.slice();
  }

  /** Gives the folder up once the run is done with it (`FolderLock.release`); idempotent. */
  release(): void {
    this.lock?.release();
  }
}

/** The text of the lock at `path`; null when there is none (or it cannot be read). */
function lockText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** The holder RUN_LOCK at `path` names (its text `text` when read already); null when it cannot be read as one. */
function lockHolder(path: string, text: string | null = lockText(path)): LockHolder | null {
  try {
    const v = JSON.parse(text ?? '') as Partial<LockHolder>;
    return Number.isInteger(v.pid) && typeof v.host === 'string' && typeof v.started === 'string' ? (v as LockHolder) : null;
  } catch {
    return null;
  }
}

/**
 * Removes the lock at `path` that a run left as it died, if its text is still `seen`: under
 * `<lock>.break`, created exclusively, so that of two runs taking it over at once only one removes it
 * (the other then finds the new lock, alive). A `.break` of a run that died taking over (older than
 * UNREADABLE_LOCK_SECONDS) is removed; a fresh one refuses, as a run starting.
 */
function takeOver(path: string, seen: string | null): void {
  const breaking = `${path}.break`;
  try {
    writeFileSync(breaking, '', { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    if (ageSeconds(breaking) < UNREADABLE_LOCK_SECONDS) throw new Error(`another run is starting in it (it is taking over ${RUN_LOCK}): wait for it, or give training.checkpoints.path another folder`);
    rmSync(breaking, { force: true });
    return; // the caller tries again, once
  }
  try {
    if (lockText(path) === seen) rmSync(path, { force: true });
  } finally {
    rmSync(breaking, { force: true });
  }
}

/**
 * Seconds after which a lock file that is not flab's as written (empty, cut short) is taken for one a
 * run left as it died, not one being written (writing it takes a millisecond).
 */
const UNREADABLE_LOCK_SECONDS = 10;

/** Seconds since the file at `path` was last written (Infinity when it cannot be looked at). */
function ageSeconds(path: string): number {
  try {
    return (Date.now() - statSync(path).mtimeMs) / 1000;
  } catch {
    return Infinity;
  }
}

/**
 * Whether a lock's process may still run: on another machine it cannot be told (yes); here, a signal 0
 * to it, and on Linux its start time: a process that started after the lock was written is not the
 * run that wrote it — its number was given again (after a reboot, in a new container: pid 1 is init),
 * and that run is gone. This process's own lock is one of its runs that did not release the folder
 * (the command line trains one run at a time): no.
 */
function holderAlive(h: LockHolder): boolean {
  if (h.host !== hostname()) return true;
  if (h.pid === process.pid) return false;
  try {
    process.kill(h.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const started = processStart(h.pid);
  const locked = Date.parse(h.started);
  // Two seconds of slack: the boot time /proc gives is whole seconds.
  return started === null || !Number.isFinite(locked) || started <= locked + 2000;
}

/** When process `pid` started (ms since 1970), from /proc (Linux); null elsewhere, or when it cannot be read. */
function processStart(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces and parentheses): the 22nd field is the start, in clock ticks since boot.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    const boot = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'));
    // Linux's USER_HZ is 100 on every architecture it runs on (sysconf(_SC_CLK_TCK)).
    return boot && Number.isFinite(ticks) ? Number(boot[1]) * 1000 + ticks * 10 : null;
  } catch {
    return null;
  }
}

/**
 * What `CheckpointFolder.prepare` would find in an existing `folder`, read only: the checkpoints the
 * trainer wrote there (`ours`, to delete), and why it would refuse the folder (`refusal`: "it holds a
 * checkpoint flab did not write (step-000099.safetensors): …"), or null. The training panel, which
 * writes no checkpoints, says so beside its run. Rejects when the folder cannot be read.
 */
export async function surveyFolder(folder: string): Promise<{ ours: string[]; refusal: string | null }> {
  const ours: string[] = [];
  const foreign: string[] = [];
  for (const name of (await fs.readdir(folder)).sort()) {
    if (!/^step-\d+\.safetensors$/.test(name)) continue;
    const path = join(folder, name);
    let writer: string | undefined;
    try {
      const file = await SafetensorsFile.open(path, name);
      writer = file.header.metadata.writer;
      await file.close();
    } catch {
      writer = undefined; // not a whole safetensors file: not the trainer's
    }
    (writer === TRAINER_WRITER ? ours : foreign).push(name);
  }
  const metricsProblem = await foreignMetrics(join(folder, 'metrics.jsonl'));
  if (foreign.length === 0 && !metricsProblem) return { ours, refusal: null };
  const listed = [...(foreign.length > 0 ? [`${foreign.length === 1 ? 'a checkpoint' : `${foreign.length} checkpoints`} flab did not write (${listOf(foreign)})`] : []), ...(metricsProblem ? [`a metrics.jsonl ${metricsProblem}`] : [])];
  return { ours, refusal: `it holds ${listed.join(' and ')}: a new run deletes and empties only what flab wrote, and would mix with them — give training.checkpoints.path a folder of its own, or move them away` };
}

/** The keys of every line the trainer writes into metrics.jsonl (`write`), in no order. */
const TRAINER_METRICS_KEYS = ['step', 'loss', 'accuracy', 'trainLoss', 'trainAccuracy', 'testLoss', 'testAccuracy'].sort().join(',');

/** A metrics.jsonl larger than this is not read to see whose it is: the trainer's lines are ≈ 150 bytes a checkpoint. */
const METRICS_SURVEY_BYTES = 64 * 2 ** 20;

/**
 * Why `path` is not a metrics.jsonl of the trainer's (a phrase that follows "a metrics.jsonl": "with
 * lines flab did not write (line 1)"), or null when it is one — absent, empty, or every line a JSON object with exactly the
 * trainer's keys (a last line cut short, without its newline, by a run that was killed is allowed).
 */
async function foreignMetrics(path: string): Promise<string | null> {
  let size: number;
  try {
    const stat = await fs.stat(path);
    if (!stat.isFile()) return 'that is not a file';
    size = stat.size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  if (size === 0) return null;
  if (size > METRICS_SURVEY_BYTES) return `of ${formatBytes(size)} (flab's own are far smaller)`;
  const text = await fs.readFile(path, 'utf8');
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    let keys: string | null = null;
    try {
      const v: unknown = JSON.parse(line);
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) keys = Object.keys(v).sort().join(',');
    } catch {
      if (i === lines.length - 1) continue; // the unfinished last line of a killed run
    }
    if (keys !== TRAINER_METRICS_KEYS) return `with lines flab did not write (line ${i + 1})`;
  }
  return null;
}

/** "a, b, c" or "a, b, c and 4 more". */
function listOf(names: readonly string[], shown = 3): string {
  return names.length <= shown ? names.join(', ') : `${names.slice(0, shown).join(', ')} and ${names.length - shown} more`;
}

/**
 * Why checkpoints cannot be written into `folder` (absolute, or relative to the working folder), or
 * null: looked at before the data is read and the run trains, so that a run is not refused, or does
 * not fail, once it has trained. The path holds no NUL byte; from the folder up to the first part that
 * exists, each part is a folder or a symbolic link to one — not a file, a named pipe or a device, not a
 * link to nothing (dangling) or one that loops; in that first existing folder a file (the folder
 * itself) or a folder (an ancestor) can be created, tried by making it and removing it at once — the
 * only test that finds what permissions do not say: /sys and /proc refuse new entries even to root, a
 * read-only mount too; and a `metrics.jsonl` already there is no symbolic link (a new run empties and
 * appends to it: a link would have it write into whatever file it leads to).
 */
export function checkpointFolderProblem(folder: string): string | null {
  const nul = folder.indexOf('\u0000');
  if (nul >= 0) return `the path holds a NUL byte (\\u0000, character ${nul + 1}), which no file or folder name can hold`;
  const full = resolve(folder);
  let at = full;
  for (;;) {
    let stat: Stats;
    try {
      stat = lstatSync(at);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if ((code === 'ENOENT' || code === 'ENOTDIR') && dirname(at) !== at) {
        at = dirname(at); // missing (or under a file, said when the walk reaches it): made by the run
        continue;
      }
      // A link on the way that loops (loopa/x, loopa → loopb → loopa): that link is named, not the path under it.
      const looping = code === 'ELOOP' ? loopingLink(at) : null;
      if (looping) return loopsMessage(looping);
      return `${at} cannot be looked at (${refusal(err)})`;
    }
    if (stat.isSymbolicLink()) {
      const target = excerpt(readlinkSync(at), 200);
      try {
        stat = statSync(at);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') return `${at} is a symbolic link to ${target}, which does not exist (a dangling link): make the folder it leads to, remove the link, or give training.checkpoints.path another folder`;
        if (code === 'ELOOP') return loopsMessage(at);
        return `${at} is a symbolic link to ${target}, which cannot be reached (${refusal(err)})`;
      }
      if (!stat.isDirectory()) return `${at} is a symbolic link to ${stat.isFile() ? 'a file' : kindOf(stat)}, not a folder`;
    } else if (!stat.isDirectory()) {
      return `${at} is ${stat.isFile() ? 'a file' : kindOf(stat)}, not a folder`;
    }
    break;
  }
  const probe = join(at, `.flab-probe-${process.pid}-${Date.now()}`);
  try {
    if (at === full) {
      closeSync(openSync(probe, 'wx'));
      unlinkSync(probe);
    } else {
      mkdirSync(probe);
      rmdirSync(probe);
    }
  } catch (err) {
    return at === full ? `files cannot be created in it (${refusal(err)})` : `it cannot be made: folders cannot be created in ${at} (${refusal(err)})`;
  }
  if (at === full) {
    const metrics = join(full, 'metrics.jsonl');
    try {
      if (lstatSync(metrics).isSymbolicLink()) return `its metrics.jsonl is a symbolic link (to ${excerpt(readlinkSync(metrics), 200)}): a new run empties it and appends to it, and would write into the file the link leads to — remove the link, or give training.checkpoints.path a folder of its own`;
    } catch {
      // no metrics.jsonl yet: the run makes it
    }
  }
  return null;
}

/** The first symbolic link on the way to `path` (absolute), from / down, that loops (its target cannot be reached: ELOOP), or null. */
function loopingLink(path: string): string | null {
  const parts = path.split('/').filter((p) => p !== '');
  let at = '/';
  for (const part of parts) {
    at = join(at, part);
    try {
      if (!lstatSync(at).isSymbolicLink()) continue;
      statSync(at);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ELOOP') return at;
      return null;
    }
  }
  return null;
}

/** The refusal of a checkpoint path through `link`, a symbolic link that loops. */
function loopsMessage(link: string): string {
  return `${link} is a symbolic link to ${excerpt(readlinkSync(link), 200)} that loops (links lead back to themselves): give training.checkpoints.path another folder`;
}

/**
 * Why `training.checkpoints.path` as written is refused before anything is resolved, or null: `~` or a
 * path that begins with `~/` — a shell's home folder, which is not expanded here: it made a folder
 * named `~` in the experiment file's folder. `~backup/ck` (no shell reads `~backup` as a home folder
 * unless a user of that name exists) is a folder's name, as written. `home` is the user's home folder,
 * for the advice.
 */
export function checkpointPathProblem(path: string, home: string): string | null {
  if (path !== '~' && !path.startsWith('~/')) return null;
  return `training.checkpoints.path "${excerpt(path)}" begins with "~", a shell's home folder, which is not expanded here (no shell reads the file): it would make a folder named "~" in the experiment file's folder — write the folder's whole path (${excerpt(join(home, path.slice(1)), 200)}), or a path relative to the experiment file`;
}

/** What a run writes into its checkpoint folder, as `checkpointPlanProblem` weighs it. */
export interface CheckpointPlan {
  /** The steps the run takes (`Training.totalSteps`). */
  totalSteps: number;
  /** `training.checkpoints.every`. */
  every: number;
  /**
   * The record cadence the file sets (`training.record.every`): `every` is a multiple of it, and so must
   * any cadence advised. 1 when the file leaves it out: its cadence is then chosen to divide `every`,
   * whatever `every` is, and the advice names no key the file does not have.
   */
  recordEvery: number;
  /** The layer sizes, input first (`Training.sizes`). */
  sizes: readonly number[];
  /** Whether the model has biases (written beside the weights). */
  bias: boolean;
}

/** Checkpoints a run of `totalSteps` steps writes every `every` steps: at step 0, at every multiple of `every` and at the last step. */
export function plannedCheckpoints(totalSteps: number, every: number): number {
  return totalSteps <= 0 ? 1 : Math.ceil(totalSteps / every) + 1;
}

/** The tensors of one checkpoint of a network of `sizes` (input first): `fc1.weight` out × in, `fc1.bias`, … in float32. */
function checkpointTensors(sizes: readonly number[], bias: boolean): TensorLayout[] {
  const tensors: TensorLayout[] = [];
  for (let l = 1; l < sizes.length; l++) {
    tensors.push({ name: trainerLayerName(l), dtype: 'F32', shape: [sizes[l], sizes[l - 1]] });
    if (bias) tensors.push({ name: trainerLayerName(l, 'bias'), dtype: 'F32', shape: [sizes[l]] });
  }
  return tensors;
}

/** Bytes of one checkpoint file of the run (its step written with as many digits as its last step's), exactly as `write` writes it. */
export function checkpointFileBytes(plan: Pick<CheckpointPlan, 'sizes' | 'bias' | 'totalSteps'>): number {
  return safetensorsFileBytes(checkpointTensors(plan.sizes, plan.bias), { step: String(plan.totalSteps), writer: TRAINER_WRITER });
}

/** A run's checkpoints refused before it trains: the message and the key it concerns. */
export interface CheckpointPlanProblem {
  message: string;
  key: 'training.checkpoints.every' | 'training.checkpoints.path' | 'training.checkpoints';
}

/** The least cadence, a multiple of `plan.recordEvery` and at least `plan.every`, that writes at most `n` checkpoints (n ≥ 2). */
function cadenceFor(plan: Pick<CheckpointPlan, 'totalSteps' | 'every' | 'recordEvery'>, n: number): number {
  const { totalSteps: T, every, recordEvery } = plan;
  return Math.max(every, Math.ceil(Math.ceil(T / (n - 1)) / recordEvery) * recordEvery);
}

/** The advice of a refusal: the least cadence that writes at most `n` checkpoints, and how many it writes. */
function cadenceAdviceFor(plan: Pick<CheckpointPlan, 'totalSteps' | 'every' | 'recordEvery'>, n: number): string {
  if (n < 2) return 'a network this large cannot be checkpointed within the limit, even twice';
  const k = cadenceFor(plan, n);
  return `every ${formatCount(k)} steps or more writes ${countOf(plannedCheckpoints(plan.totalSteps, k), 'checkpoint')}${plan.recordEvery > 1 ? ` (a multiple of training.record.every, ${formatCount(plan.recordEvery)})` : ''}`;
}

/** "training.checkpoints.every 2 writes 2,001 checkpoints over the run's 3,999 steps (…)". */
function writtenPhrase(plan: Pick<CheckpointPlan, 'totalSteps' | 'every'>): string {
  const { totalSteps: T, every } = plan;
  return `training.checkpoints.every ${formatCount(every)} writes ${countOf(plannedCheckpoints(T, every), 'checkpoint')} over the run's ${countOf(T, 'step')} (at step 0, every ${every === 1 ? 'step' : `${formatCount(every)} steps`} and at the last)`;
}

/**
 * Why a run writing checkpoints by `plan` is refused for their count alone (more than MAX_CHECKPOINTS,
 * what a checkpoint experiment reads from one folder), or null — known from the steps and the cadences,
 * before the data is read when the run's length is in steps (a sweep checks every value so).
 */
export function checkpointCountProblem(plan: Pick<CheckpointPlan, 'totalSteps' | 'every' | 'recordEvery'>): CheckpointPlanProblem | null {
  if (plannedCheckpoints(plan.totalSteps, plan.every) <= MAX_CHECKPOINTS) return null;
  return { key: 'training.checkpoints.every', message: `${writtenPhrase(plan)}, more than the ${formatCount(MAX_CHECKPOINTS)} a checkpoint experiment reads from one folder (flab checkpoints; docs/checkpoints.md, "Limits"): ${cadenceAdviceFor(plan, MAX_CHECKPOINTS)}` };
}

/**
 * Why the checkpoints of `plan` are refused whatever the disk: more of them than a checkpoint
 * experiment reads from one folder (`checkpointCountProblem`), or more bytes than a run may write
 * (MAX_WRITTEN_BYTES); null otherwise. Synchronous: a sweep weighs every value before its first step.
 */
export function checkpointLimitProblem(plan: CheckpointPlan): CheckpointPlanProblem | null {
  const counted = checkpointCountProblem(plan);
  if (counted) return counted;
  const each = checkpointFileBytes(plan) + METRICS_LINE_BYTES;
  const total = plannedCheckpoints(plan.totalSteps, plan.every) * each;
  if (total > MAX_WRITTEN_BYTES) {
    return { key: 'training.checkpoints.every', message: `${weighedPhrase(plan)}, more than the ${formatBytes(MAX_WRITTEN_BYTES)} a run may write (docs/checkpoints.md, "Writing checkpoints"): ${cadenceAdviceFor(plan, Math.floor(MAX_WRITTEN_BYTES / each))}` };
  }
  return null;
}

/** "…, of 43.4 MiB each (the 784–3000–10 network's weights in float32) and a metrics line: 17 GiB in all". */
function weighedPhrase(plan: CheckpointPlan): string {
  const fileBytes = checkpointFileBytes(plan);
  const total = plannedCheckpoints(plan.totalSteps, plan.every) * (fileBytes + METRICS_LINE_BYTES);
  const sizes = `${plan.sizes.join('–')} network's weights${plan.bias ? ' and biases' : ''}`;
  return `${writtenPhrase(plan)}, of ${formatBytes(fileBytes)} each (the ${sizes} in float32) and a metrics line: ${formatBytes(total)} in all`;
}

/**
 * Why the checkpoints a run would write are refused before it trains (docs/checkpoints.md, "Writing
 * checkpoints"), or null: more of them than a checkpoint experiment reads from one folder
 * (MAX_CHECKPOINTS), more bytes than a run may write (MAX_WRITTEN_BYTES) — `checkpointLimitProblem` —
 * or more than FREE_SPACE_SHARE of the free space of the folder's file system — counting the space
 * the checkpoints of an earlier run there, which the new run deletes, give back. Each message gives
 * the numbers and the least cadence (a multiple of the record cadence the file sets) that fits.
 * `freeBytes` (tests) replaces the file system's answer.
 */
export async function checkpointPlanProblem(folder: string, plan: CheckpointPlan, options: { freeBytes?: (dir: string) => number } = {}): Promise<CheckpointPlanProblem | null> {
  const limited = checkpointLimitProblem(plan);
  if (limited) return limited;
  const each = checkpointFileBytes(plan) + METRICS_LINE_BYTES;
  const total = plannedCheckpoints(plan.totalSteps, plan.every) * each;
  const existing = nearestExisting(folder);
  let free: number;
  try {
    free = options.freeBytes ? options.freeBytes(existing) : freeBytesOf(existing);
  } catch {
    return null; // a file system that does not say its free space: only the fixed limit holds
  }
  let freed = 0;
  if (existing === resolve(folder)) {
    try {
      const { ours } = await surveyFolder(existing);
      for (const name of ours) freed += (await fs.stat(join(existing, name))).size;
    } catch {
      freed = 0; // what prepare finds there is its own refusal
    }
  }
  const allowed = Math.floor(FREE_SPACE_SHARE * (free + freed));
  if (total > allowed) {
    const space = `${formatBytes(free)} free on the file system of ${existing}${freed > 0 ? ` and the ${formatBytes(freed)} of the earlier run's checkpoints this run deletes` : ''}`;
    return {
      key: 'training.checkpoints.path',
      message: `${weighedPhrase(plan)}, more than ${Math.round(FREE_SPACE_SHARE * 100)} % (${formatBytes(allowed)}) of the ${space}: ${cadenceAdviceFor(plan, Math.floor(allowed / each))}, or free space, or give training.checkpoints.path a folder on another disk`,
    };
  }
  return null;
}

/** `path` itself when it exists, else its nearest existing ancestor. */
function nearestExisting(path: string): string {
  let at = resolve(path);
  for (;;) {
    try {
      statSync(at);
      return at;
    } catch {
      if (dirname(at) === at) return at;
      at = dirname(at);
    }
  }
}

/** Bytes free to this user on the file system of `dir` (`statfs`: available blocks × block size). */
function freeBytesOf(dir: string): number {
  const s = statfsSync(dir);
  return Number(s.bavail) * Number(s.bsize);
}

/** What the system said when it refused to make `dir`, in words: "no such file or directory (ENOENT)". */
function refusal(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  const words: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'the file system is read-only',
    ENOSPC: 'no space left on the device',
    EDQUOT: 'the disk quota is exceeded',
    ENOTDIR: 'a part of the path is a file, not a folder',
    ENAMETOOLONG: 'the name is too long',
    ELOOP: 'too many symbolic links',
    EIO: 'an input/output error',
  };
  return code && words[code] ? `${words[code]}, ${code}` : (err as Error).message;
}

/**
 * Makes `folder` and the ancestors it lacks, one `mkdir` each from the nearest existing ancestor down;
 * the folders it made, outermost first.
 * Not `mkdir(…, { recursive: true })`: under a pseudo-filesystem that refuses new entries (`/proc/x`),
 * Node's recursive mkdir retries the same ENOENT forever; here the first refusal is the error.
 */
export async function makeFolder(folder: string): Promise<string[]> {
  const missing: string[] = [];
  for (let dir = resolve(folder); ; dir = dirname(dir)) {
    try {
      if ((await fs.stat(dir)).isDirectory()) break;
      throw new Error(`${dir} is a file, not a folder`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(dir) === dir) throw err;
      missing.push(dir);
    }
  }
  const made: string[] = [];
  for (const dir of missing.reverse()) {
    try {
      await fs.mkdir(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`the system refused to create the folder ${dir} (${refusal(err)})`);
      continue; // made at the same moment by another process: not this one's to remove
    }
    made.push(dir);
  }
  return made;
}

/**
 * The run or sweep of another process writing checkpoints into `folder` now (`liveHolder`): the
 * folder's own lock, else a sweep's lock in the folder above it (`folder` one of its values'); the
 * folder held and its holder, or null. Read only: `flab checkpoints` says so beside what it read.
 */
export function folderWriter(folder: string): { folder: string; holder: LockHolder } | null {
  const full = resolve(folder);
  const own = liveHolder(full);
  if (own) return { folder: full, holder: own };
  const above = liveHolder(dirname(full));
  return above?.sweep ? { folder: dirname(full), holder: above } : null;
}

/** "a run (flab's process 4242, started …) is writing checkpoints into /work/runs/exp1 (.flab-run.lock)", with ", a folder for each of its values" for a sweep. */
export function folderWriterPhrase(writer: { folder: string; holder: LockHolder }): string {
  return `${writer.holder.sweep ? 'a sweep' : 'a run'} (${holderPhrase(writer.holder)}) is writing checkpoints into ${visibleName(writer.folder)} (${RUN_LOCK})${writer.holder.sweep ? ', a folder for each of its values' : ''}`;
}

/**
 * The note of a folder read while `writer` writes into it (`folderWriter`): who, where, and that the
 * last checkpoint read may be incomplete — a checkpoint's metrics line is appended after its file.
 */
export function folderWriterNote(writer: { folder: string; holder: LockHolder }): string {
  return `${folderWriterPhrase(writer)}: what was read is what it had written so far — its last checkpoint may be incomplete (its metrics line is written after its file); read again once it ends`;
}

/**
 * The runs and sweeps of other processes writing into the folders a checkpoint experiment reads
 * (`folderWriter`), each once: the folder its glob `pattern` starts from (relative to `baseDir`) and
 * the folder of each checkpoint read (`files`, relative to `baseDir` or absolute).
 */
export function checkpointWriters(pattern: string, baseDir: string, files: readonly string[]): { folder: string; holder: LockHolder }[] {
  const folders = new Set([resolve(baseDir, globBase(pattern)), ...files.map((f) => dirname(resolve(baseDir, f)))]);
  const found = new Map<string, { folder: string; holder: LockHolder }>();
  for (const folder of folders) {
    const writer = folderWriter(folder);
    if (writer && !found.has(writer.folder)) found.set(writer.folder, writer);
  }
  return [...found.values()];
}
