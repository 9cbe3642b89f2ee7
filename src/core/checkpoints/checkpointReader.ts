/**
 * Checkpoints of outside trainers (docs/checkpoints.md): the safetensors files a glob matches, ordered
 * by step, each measured against the first with the layer metrics the built-in trainer uses — per
 * layer its norm and relative distance, the whole network's distance, per consecutive pair ζ and
 * ζ_top — plus the loss and accuracy of an optional metrics file, as the object `flab checkpoints
 * --json` prints.
 *
 * `CheckpointReader` keeps state between `refresh` calls (per file: size, modification time, what was
 * read), so a live view re-reads nothing it has: a new checkpoint is read once it is whole (its size is
 * what its header says, and it has not changed for `settleMs`), one tensor at a time. Plain async Node
 * fs, meant to run in a worker thread.
 */
import { promises as fs } from 'node:fs';
import { isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import { chainProblem, MeasureOptions, NetworkMeasure, NetworkMeasurer, SingularTriplet, WeightMatrix } from '../network/layerMetrics';
import { findCheckpointFiles, LinksNotFollowed, patternFolderNote } from './discover';
import { isReadDtype, READ_DTYPES } from './dtypes';
import { MAX_LAYERS, MAX_NETWORK_BYTES } from './limits';
import { MetricsLog } from './metricsLog';
import { globBase, NamedStep, NamedStepKind, naturalCompare, stepFromMetadata, stepFromPath, stepOfPath } from './naming';
import { CheckpointFiles, CheckpointUnit, checkpointUnits } from './shards';
import { kindOf } from '../experiment/pathKind';
import { CheckpointError, formatTensorShape, TensorInfo } from './safetensors';
import { DEFAULT_LAYER_THRESHOLDS, layerLabel, LayerScores, layerScores } from '../mechanisms/layerLabel';
import { CHECKPOINT_THRESHOLDS, CheckpointsSpec, CheckpointThresholds, KernelLayout } from './checkpointExperiment';
import { excerpt } from '../experiment/diagnostic';
import { lowerBound } from '../math/vectors';

/** How a reader finds, waits for and measures the files. */
export interface CheckpointReaderOptions {
  /** The folder relative paths start from: the experiment file's. */
  baseDir: string;
  /** How the layer metrics run (products, exact limit); the reader keeps its own warm starts. */
  measure?: Omit<MeasureOptions, 'spectra'>;
  /**
   * A file whose length matches its header is read once it has not changed for this long (its
   * modification time, or two refreshes this far apart, say so): a writer that fills a file it made
   * at full length is not read half-written. 0 (the default) reads at once: for a one-shot read.
   */
  settleMs?: number;
  /** The clock, in ms since the epoch (tests). */
  now?: () => number;
  /** The label's thresholds (the experiment's `classify`); missing ones take CHECKPOINT_THRESHOLDS. */
  thresholds?: Partial<CheckpointThresholds>;
}

/** Something wrong with one file (`file` set, as displayed) or with the whole series (`file` null). */
export interface CheckpointProblem {
  file: string | null;
  message: string;
  /** The key of the experiment it concerns: `checkpoints.path` (the glob, a file), `checkpoints.layers` or `checkpoints.metrics`. */
  key: 'checkpoints.path' | 'checkpoints.layers' | 'checkpoints.metrics';
  /**
   * Present (true) on a warning that never stops the series from being read — the metrics file's
   * problems, the notice that layers named like Flax/Keras kernels are read out × in — so that it
   * stays a warning when no checkpoint could be read, where the others are the errors that say why.
   */
  warning?: true;
}

/** A consecutive pair of layers whose shapes do not chain: no alignment is computed for it. */
export interface PairLeftOut {
  layers: [string, string];
  reason: string;
}

/** Per layer, one entry per checkpoint. */
export interface LayerSeries {
  name: string;
  /** The tensor's shape in the file; measured as rows = shape[0] × cols = the product of the rest. */
  shape: number[];
  rows: number;
  cols: number;
  norm: number[];
  distance: number[];
}

/** Per chaining pair, one entry per checkpoint. */
export interface AlignmentSeries {
  layers: [string, string];
  zeta: (number | null)[];
  zetaTop: (number | null)[];
  /** Standard errors of ζ, present only for a pair above the exact limit (ζ estimated). */
  zetaError?: number[];
}

/** `summary` of the result: the label, its scores (docs/checkpoints.md, "Summary and label") and final values. */
export interface CheckpointsSummary {
  /** kernel / alignment / disalignment / rescaling / `mixed: a+b`; null with fewer than two checkpoints. */
  label: string | null;
  checkpoints: number;
  firstStep: number | null;
  lastStep: number | null;
  layers: string[];
  /** Whether `layers` came from the experiment or from the default rule (to be checked by the user). */
  layersChosen: 'listed' | 'default';
  scores: LayerScores | null;
  thresholds: CheckpointThresholds;
  /** The last checkpoint's values. */
  final: { step: number; distance: number; zeta: (number | null)[]; zetaTop: (number | null)[]; loss: number | null; accuracy: number | null } | null;
  /** The largest accuracy in the metrics file. */
  bestAccuracy: number | null;
}

/** What `flab checkpoints FILE --json` prints: columns with one entry per checkpoint, ordered by step. */
export interface CheckpointsResult {
  step: number[];
  /** Each checkpoint's file, relative to the experiment's folder when inside it. */
  files: string[];
  /** ‖θ − θ₀‖/‖θ₀‖ over every layer, θ₀ the first checkpoint. */
  distance: number[];
  layers: LayerSeries[];
  alignment: AlignmentSeries[];
  pairsLeftOut: PairLeftOut[];
  /** The metrics file's loss and accuracy at each checkpoint's step (null where it has no line); present with a metrics file. */
  loss?: (number | null)[];
  accuracy?: (number | null)[];
  /** The metrics file's own curves, at every step it logged. */
  metrics?: { file: string; step: number[]; loss: (number | null)[]; accuracy: (number | null)[]; lossNotFinite: number[] };
  summary: CheckpointsSummary;
  problems: CheckpointProblem[];
  /** Files seen but not read yet: still being written, or not settled. */
  pending: string[];
}

/** What one `refresh` did. */
export interface RefreshReport {
  /** Whether `result()` changed. */
  changed: boolean;
  /** Steps measured by this refresh. */
  added: number[];
}

interface FileState {
  /** The checkpoint's key: its file's path, or its first shard's (`CheckpointUnit.path`). */
  path: string;
  /** As displayed: the file, or its shards (`out/checkpoint-500/model-*-of-00003.safetensors`). */
  file: string;
  /** The files and how the shards are joined, as found by the last refresh. */
  unit: CheckpointUnit;
  /** Each file's size and modification time when looked at, in the order of `unit.parts`. */
  parts: { size: number; mtimeMs: number }[];
  /** The parts' sizes and times, the index's and the unit's problem: a checkpoint whose signature is unchanged is not looked at again. */
  signature: string;
  /** The bytes of its files together, and the latest modification time among them. */
  size: number;
  mtimeMs: number;
  /** When this size and modification time were first seen. */
  seenAt: number;
  status: 'pending' | 'whole' | 'failed';
  problem: string | null;
  /** Why it is pending when it was found changing (its size or modification time moved while it was read); null while merely unsettled. */
  changing: string | null;
  /** How many looks found it changing, and when the first did (one-shot reading says so when it gives up). */
  changes: number;
  firstChangeAt: number;
  /** The layers that hold NaN or ±∞, each with what `notFiniteEntries` says of it; empty when all is finite. */
  notFinite: { name: string; said: string }[];
  step: number | null;
  /** Where the step came from: the metadata, or the path (`stepOfPath`: a step token, an epoch, the number the name ends in). */
  stepFrom: 'metadata' | NamedStepKind | null;
  /** Which said the step: the metadata, the file's name, its folder's or the folder's above it (`NamedStep.where`). */
  stepWhere: 'metadata' | NamedStep['where'] | null;
  /** With stepWhere 'folder above', how many folders above its own folder the step's folder is (NamedStep's `above`). */
  stepAbove?: number;
  tensors: TensorInfo[];
  measure: NetworkMeasure | null;
}

interface Selection {
  names: string[];
  shapes: number[][];
  /** Each layer as measured, out × in: rows = shape[0] (out×in) or the last dimension (in×out). */
  dims: { rows: number; cols: number }[];
  chosen: 'listed' | 'default';
  pairsLeftOut: PairLeftOut[];
  /** Index into the consecutive pairs of each chaining pair. */
  chaining: number[];
  /** Layers named like Flax/Keras kernels read out × in because `layout` is left out (`kernelLayoutNotice`), or null. */
  layoutNotice: string | null;
  /** The optimizer state the default choice left out (`isOptimizerState`), said at checkpoints.layers, or null. */
  optimizerNotice: string | null;
}

/** How long a short file modified lately is waited for, as being written, before it is reported as truncated (live reading). */
export const WRITING_PATIENCE_MS = 10_000;

/**
 * The series of one `checkpoints` entry, kept up to date by `refresh` (docs/checkpoints.md, "Live
 * reading"): per file its size, modification time, header, step and measurement, so that nothing is
 * read twice; `result()` is the object `flab checkpoints --json` prints.
 */
export class CheckpointReader {
  private readonly states = new Map<string, FileState>();
  private readonly spectra = new Map<number, SingularTriplet>();
  private readonly settleMs: number;
  private readonly now: () => number;
  private reference: { state: FileState; layers: WeightMatrix[] } | null = null;
  private selection: Selection | null = null;
  /** What is wrong with the glob (no match, too many files, links not followed) and with the layers chosen in the first checkpoint. */
  private problems: { glob: string | null; links: string | null; layers: string | null } = { glob: null, links: null, layers: null };
  private ordered: FileState[] = [];
  private duplicates: CheckpointProblem[] = [];
  /** Paths the glob matches that are not read: not regular files, dangling links, names not UTF-8. */
  private skipped: CheckpointProblem[] = [];
  /** The metrics file: `checkpoints.metrics`, else metrics.jsonl in the folder the glob's fixed part names (its literal folders included, once found). */
  private metrics: MetricsLog;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private cached: CheckpointsResult | null = null;
  /** Set by every change that `result()` shows. */
  private dirty = true;

  constructor(
    private readonly spec: CheckpointsSpec,
    private readonly options: CheckpointReaderOptions,
  ) {
    this.settleMs = options.settleMs ?? 0;
    this.now = options.now ?? Date.now;
    const metricsPath = resolve(options.baseDir, spec.metrics ?? join(globBase(spec.path), 'metrics.jsonl'));
    this.metrics = new MetricsLog(metricsPath, this.display(metricsPath), spec.metrics !== undefined);
  }

  /**
   * Looks again: finds the files, reads the headers of new or changed ones, measures every whole
   * checkpoint not measured yet (all of them again when the first checkpoint changed), and reads what
   * the metrics file gained. Calls run one after another. Never throws for bad files: they become
   * `problems` of the result.
   */
  refresh(): Promise<RefreshReport> {
    const run = this.queue.then(() => this.refreshNow());
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Stops: later refreshes do nothing, and one under way stops before its next tensor. */
  close(): void {
    this.closed = true;
  }

  /**
   * Ends a one-shot reading: every file still pending becomes a problem saying why it is left out — it
   * kept changing while it was read (how often, over how long), or it is still shorter than its header
   * says — so that nothing seen is dropped silently.
   */
  leaveOutPending(): void {
    const now = this.now();
    for (const s of this.states.values()) {
      if (s.status !== 'pending') continue;
      const why = s.changing
        ? `${s.changing}, at each of ${s.changes} looks over ${((now - s.firstChangeAt) / 1000).toFixed(1)} s (something is still writing or touching it: read again once nothing does)`
        : 'it was still being written (read again once it is whole)';
      s.status = 'failed';
      s.problem = `${s.file}: left out: ${why}`;
      this.dirty = true;
      this.cached = null;
    }
  }

  /** The series as `flab checkpoints --json` prints it. */
  result(): CheckpointsResult {
    return (this.cached ??= this.buildResult());
  }

  private async refreshNow(): Promise<RefreshReport> {
    const added: number[] = [];
    if (this.closed) return { changed: false, added };
    let paths: string[] = [];
    let skipped: CheckpointProblem[] = [];
    try {
      const found = await findCheckpointFiles(this.spec.path, this.options.baseDir);
      paths = found.files;
      skipped = found.skipped.map(({ path, problem }) => ({ file: this.display(path), message: `${this.display(path)}: ${problem}`, key: 'checkpoints.path' }));
      const why = found.readAsPattern ? `: ${patternFolderNote(found.readAsPattern, (path) => this.display(path))}` : '';
      const none = found.skipped.length > 0 ? `no readable file matches the checkpoint path "${excerpt(this.spec.path)}" (in ${this.options.baseDir}): what it matches is skipped, as said` : `no file matches the checkpoint path "${excerpt(this.spec.path)}" (in ${this.options.baseDir})${this.settleMs > 0 ? ' yet' : ''}${why}`;
      this.setProblem('glob', paths.length === 0 ? none : null);
      this.setProblem('links', this.linksProblem(found.linksNotFollowed));
      this.followMetricsFolder(found.folder);
    } catch (err) {
      this.setProblem('glob', err instanceof Error ? err.message : String(err));
      this.setProblem('links', null);
    }
    if (JSON.stringify(skipped) !== JSON.stringify(this.skipped)) this.dirty = true;
    this.skipped = skipped;
    // Shards of one save are one checkpoint; a file alone is one.
    const units = await checkpointUnits(paths, (path) => this.display(path), this.spec.path);
    const present = new Set(units.map((u) => u.path));
    for (const path of [...this.states.keys()]) if (!present.has(path)) this.forget(path);
    for (const unit of units) {
      if (this.closed) break;
      await this.examine(unit);
    }
    this.order();
    await this.chooseReference();
    if (this.reference && this.selection) {
      for (const state of this.ordered) {
        if (this.closed) break;
        if (state.measure) continue;
        try {
          state.measure = await this.measureCheckpoint(state);
          added.push(state.step!);
          this.dirty = true;
        } catch (err) {
          if (err instanceof CheckpointError && err.truncated) this.wait(state, err); // it changed: look again next time
          else this.fail(state, err);
        }
      }
    }
    if (await this.metrics.refresh((mtimeMs) => this.settled(mtimeMs, this.now()))) this.dirty = true;
    const changed = this.dirty;
    if (changed) this.cached = null;
    this.dirty = false;
    return { changed, added };
  }

  /**
   * The default metrics file is in `folder`, the glob's fixed folder as found: with a folder whose name
   * holds glob characters read literally (`runs/exp (copy)/…`) it is deeper than the text before the
   * first glob character says, and it may appear after the reader was made.
   */
  private followMetricsFolder(folder: string): void {
    if (this.spec.metrics !== undefined) return;
    const path = join(folder, 'metrics.jsonl');
    if (path === this.metrics.path) return;
    this.metrics = new MetricsLog(path, this.display(path));
    this.dirty = true;
  }

  /** What the symbolic links to folders that "**" did not follow are, or null when there are none. */
  private linksProblem({ count, first }: LinksNotFollowed): string | null {
    if (count === 0) return null;
    const listed = first.map((path) => this.display(path)).join(', ') + (count > first.length ? ` and ${(count - first.length).toLocaleString('en-US')} more` : '');
    const links = count === 1 ? '1 symbolic link to a folder was' : `${count.toLocaleString('en-US')} symbolic links to folders were`;
    return `${links} not followed: ${listed} — "**" does not descend through links, which may lead anywhere (/proc/<pid>/root leads to /); to search such a folder, name it before any "**", by its path or by "*"`;
  }

  private setProblem(kind: 'glob' | 'links' | 'layers', problem: string | null): void {
    if (problem !== this.problems[kind]) this.dirty = true;
    this.problems[kind] = problem;
  }

  private forget(path: string): void {
    this.states.delete(path);
    this.dirty = true;
  }

  /** Back to pending: the file is looked at again next time. `err` says how it changed while it was read. */
  private wait(state: FileState, err?: CheckpointError): void {
    state.status = 'pending';
    state.measure = null;
    this.dirty = true;
    if (err) this.changing(state, err.problem);
  }

  /** The file changed while it was read (`what`: its size, its modification time, or how it ended): pending, counted. */
  private changing(state: FileState, what: string): void {
    if (state.changes === 0) state.firstChangeAt = this.now();
    state.changes++;
    state.changing = what === 'size' || what === 'modification time' ? `its ${what} changed while it was read` : what;
  }

  /**
   * Reads the headers of a new or changed checkpoint (a file, or every shard of a save); leaves a known,
   * unchanged one alone. Shards that make no checkpoint (`unit.problem`) are refused as one — except,
   * in live reading, shards not there yet while the others were written within WRITING_PATIENCE_MS (a
   * save under way), which stay pending.
   */
  private async examine(unit: CheckpointUnit): Promise<void> {
    const stats = [];
    for (const part of unit.parts) {
      try {
        stats.push(await fs.stat(part.path));
      } catch {
        if (this.states.has(unit.path)) this.forget(unit.path); // gone since the glob
        return;
      }
    }
    const now = this.now();
    const parts = stats.map((st) => ({ size: st.size, mtimeMs: st.mtimeMs }));
    const size = parts.reduce((sum, p) => sum + p.size, 0);
    const mtimeMs = Math.max(...parts.map((p) => p.mtimeMs));
    const signature = JSON.stringify([unit.problem, unit.index ? [unit.index.size, unit.index.mtimeMs] : null, unit.parts.map((p, i) => [p.path, parts[i].size, parts[i].mtimeMs])]);
    let state = this.states.get(unit.path);
    if (state && state.signature === signature && state.status !== 'pending') return;
    if (!state || state.signature !== signature) {
      const changes = state ? { changing: state.changing, changes: state.changes, firstChangeAt: state.firstChangeAt } : { changing: null, changes: 0, firstChangeAt: now };
      state = { path: unit.path, file: unit.file, unit, parts, signature, size, mtimeMs, seenAt: now, status: 'pending', problem: null, step: null, stepFrom: null, stepWhere: null, tensors: [], measure: null, notFinite: [], ...changes };
      this.states.set(unit.path, state);
      this.dirty = true;
    }
    const settled = this.settled(state.mtimeMs, now) || now - state.seenAt >= this.settleMs;
    try {
      if (unit.problem) {
        if (unit.incomplete && this.writing(state, now)) return; // its other shards are being written
        throw new CheckpointError(unit.file, unit.problem);
      }
      // Never opened when not a regular file (a named pipe made since the glob would wait for a writer).
      stats.forEach((st, i) => {
        if (!st.isFile()) throw new CheckpointError(unit.parts[i].file, `is not a regular file (${kindOf(st)}): skipped without being opened`);
      });
      const file = await CheckpointFiles.open(unit);
      await file.close();
      const changed = file.changedSince(state.parts);
      if (changed) return this.changing(state, changed); // next time
      if (!settled) return;
      const fromMetadata = stepFromMetadata(file.header.metadata);
      const named = fromMetadata === undefined ? stepOfPath(unit.path) : null;
      if (fromMetadata === undefined && named === null) throw new CheckpointError(state.file, 'has no step: neither its name nor its folder\'s says one (a step token such as step=300 or step_300, an epoch token, or an integer at the end), and its metadata has no "step"');
      const step = fromMetadata ?? named!.step;
      Object.assign(state, { status: 'whole', problem: null, step, stepFrom: fromMetadata === undefined ? named!.kind : 'metadata', stepWhere: fromMetadata === undefined ? named!.where : 'metadata', stepAbove: named?.above, tensors: file.header.tensors, changing: null });
      this.dirty = true;
    } catch (err) {
      if (err instanceof CheckpointError && err.truncated && (!settled || this.writing(state, now))) return; // being written
      this.fail(state, err);
    }
  }

  private fail(state: FileState, err: unknown): void {
    state.status = 'failed';
    state.measure = null;
    state.problem = err instanceof CheckpointError ? err.message : `${state.file}: ${err instanceof Error ? err.message : String(err)}`;
    this.dirty = true;
  }

  private settled(mtimeMs: number, now: number): boolean {
    return this.settleMs <= 0 || now - mtimeMs >= this.settleMs;
  }

  /**
   * Whether a file shorter than its header says is taken as still being written (live reading only):
   * modified, and seen at this size and time, within WRITING_PATIENCE_MS. A writer that pauses mid-file
   * (a large tensor copied from the GPU) was reported as truncated once settleMs had passed; a file
   * left short that long, or found short and old, is reported.
   */
  private writing(state: FileState, now: number): boolean {
    return this.settleMs > 0 && now - state.mtimeMs < WRITING_PATIENCE_MS && now - state.seenAt < WRITING_PATIENCE_MS;
  }

  /** Whole checkpoints by step; of two with one step, the first in natural order of names is kept. */
  private order(): void {
    const whole = [...this.states.values()].filter((s) => s.status === 'whole').sort((a, b) => a.step! - b.step! || naturalCompare(a.path, b.path));
    const before = JSON.stringify(this.duplicates);
    this.ordered = [];
    this.duplicates = [];
    for (const s of whole) {
      const kept = this.ordered[this.ordered.length - 1];
      if (kept && kept.step === s.step) this.duplicates.push({ file: s.file, message: duplicateStep(s, kept), key: 'checkpoints.path' });
      else this.ordered.push(s);
    }
    if (JSON.stringify(this.duplicates) !== before) this.dirty = true;
  }

  /** The first checkpoint is the reference; when it changes every measurement is redone. */
  private async chooseReference(): Promise<void> {
    while (this.ordered.length > 0 && !this.closed) {
      const first = this.ordered[0];
      if (this.reference?.state === first && this.selection) return;
      this.reset();
      const selection = this.select(first);
      this.setProblem('layers', typeof selection === 'string' ? selection : null);
      if (typeof selection === 'string') return;
      try {
        const file = await CheckpointFiles.open(first.unit);
        try {
          const changed = file.changedSince(first.parts);
          if (changed) throw new CheckpointError(first.file, changedWords(changed), true);
          const layers: WeightMatrix[] = [];
          for (let l = 0; l < selection.names.length; l++) layers.push({ ...selection.dims[l], data: this.asMeasured(l, selection, await file.read(file.tensor(selection.names[l])!)) });
          this.selection = selection;
          this.reference = { state: first, layers };
          this.dirty = true;
          return;
        } finally {
          await file.close();
        }
      } catch (err) {
        // Changed since its header was read (look again next time), or unreadable.
        if (err instanceof CheckpointError && err.truncated) this.wait(first, err);
        else this.fail(first, err);
        this.ordered.shift();
      }
    }
    if (this.ordered.length === 0) {
      this.reset();
      this.setProblem('layers', null);
    }
  }

  /** How the checkpoints store a layer (`checkpoints.layout`, out × in by default). */
  private get layout(): KernelLayout {
    return this.spec.layout ?? 'out×in';
  }

  /**
   * Layer `l`'s values as read (row-major in the stored shape) as the out × in matrix measured: the
   * same array for out × in, else its transpose — an in × out kernel viewed as (in·…) × out — a copy.
   */
  private asMeasured(l: number, selection: Selection, data: Float32Array | Float64Array): Float32Array | Float64Array {
    if (this.layout !== 'in×out') return data;
    const { rows, cols } = selection.dims[l];
    return transposeMatrix(data, cols, rows);
  }

  private reset(): void {
    if (this.reference || this.selection) this.dirty = true;
    this.reference = null;
    this.selection = null;
    this.spectra.clear();
    for (const s of this.states.values()) s.measure = null;
  }

  /** The layers to measure, from the first checkpoint's header: the listed names or the default rule. */
  private select(first: FileState): Selection | string {
    const listed = this.spec.layers;
    const transposed = this.layout === 'in×out';
    // With in × out kernels, JAX/Flax's, Keras's and TensorFlow's names too ("Dense_0.kernel", "dense/kernel:0": `isKernelName`).
    const endings = transposed ? ['weight', 'kernel'] : ['weight'];
    const candidates = listed ? [] : first.tensors.filter((t) => t.shape.length === 2 && (t.name.endsWith('weight') || (transposed && isKernelName(t.name)))).map((t) => t.name);
    // An optimizer's moments are shaped as the layers they follow: never a layer of the network by default.
    const optimizer = candidates.filter(isOptimizerState);
    const names = listed ? [...listed] : candidates.filter((n) => !isOptimizerState(n)).sort(naturalCompare);
    const optimizerNotice = optimizer.length === 0 ? null : optimizerStateNotice(optimizer.sort(naturalCompare), names.length);
    const where = `the first checkpoint, ${first.file}`;
    if (names.length === 0) {
      if (listed) return 'the experiment lists no layers: give the weight tensors in network order, or leave "layers" out';
      if (optimizerNotice) return `${where}, has no 2-D tensor whose name ends in ${endings.map((e) => `"${e}"`).join(' or ')} but optimizer state: ${optimizerNotice}`;
      const kernels = transposed ? [] : first.tensors.filter((t) => t.shape.length === 2 && isKernelName(t.name));
      const hint = kernels.length > 0 ? ` (${kernels.length === 1 ? 'a tensor' : `${kernels.length} tensors`} named "kernel", as TensorFlow/Keras and JAX/Flax name a dense layer's in × out weights: list them under "layers" in network order and set "layout": "in×out", or set only "layout": "in×out" to choose them by default)` : '';
      return `${where}, has no 2-D tensor whose name ends in ${endings.map((e) => `"${e}"`).join(' or ')}: list the layers under "layers"${hint}. It has: ${listTensors(first.tensors)}`;
    }
    if (names.length > MAX_LAYERS) return `${names.length} layers are selected, more than the ${MAX_LAYERS} measured: list fewer under "layers"`;
    const repeated = names.find((n, i) => names.indexOf(n) !== i);
    if (repeated !== undefined) return `layer "${excerpt(repeated)}" is listed twice`;
    const shapes: number[][] = [];
    const dims: { rows: number; cols: number }[] = [];
    let bytes = 0;
    for (const name of names) {
      const t = first.tensors.find((x) => x.name === name);
      if (!t) return `layer "${excerpt(name)}" is not in ${where}. It has: ${listTensors(first.tensors)}`;
      if (t.shape.length < 2) {
        const kernel = transposed ? 'a convolution kernel (3-D k × in × out or 4-D k × k × in × out, read as out × k·in or out × k·k·in)' : 'a convolution kernel (3-D out × in × k or 4-D out × in × k × k, read as out × in·k or out × in·k·k)';
        return `layer "${excerpt(name)}" is ${t.shape.length}-D ${formatTensorShape(t.shape)} in ${where}: a layer is a weight matrix (2-D ${transposed ? 'in × out, as "layout": "in×out" says' : 'out × in'}) or ${kernel}`;
      }
      if (!isReadDtype(t.dtype)) return `layer "${excerpt(name)}" is ${excerpt(t.dtype)} in ${where}; weights are read from ${READ_DTYPES.join(', ')}`;
      // Out × in as measured: in × out is the transpose (its last dimension the outputs).
      const out = transposed ? t.shape[t.shape.length - 1] : t.shape[0];
      const rows = out;
      const cols = t.shape.reduce((p, d) => p * d, 1) / (out === 0 ? 1 : out);
      if (rows * cols === 0) {
        const chosen = listed ? '' : ' (chosen by default: list the layers under "layers")';
        return `layer "${excerpt(name)}" is ${formatTensorShape(t.shape)} in ${where}: it holds no weights (a dimension is 0), so it has no norm, distance or alignment to measure${chosen}`;
      }
      shapes.push(t.shape);
      dims.push({ rows, cols });
      bytes += rows * cols * (t.dtype === 'F64' ? 8 : 4);
    }
    if (bytes > MAX_NETWORK_BYTES) return `the selected layers take ${bytes.toLocaleString('en-US')} bytes once read, more than the ${MAX_NETWORK_BYTES.toLocaleString('en-US')} allowed (the first checkpoint's layers stay in memory): select fewer`;
    const pairsLeftOut: PairLeftOut[] = [];
    const chaining: number[] = [];
    for (let l = 0; l + 1 < names.length; l++) {
      const problem = chainProblem(dims[l], dims[l + 1]);
      if (problem) {
        // What would make them chain: the other layout (its shapes as that layout reads them), the other order.
        const asOther = (shape: readonly number[]) => {
          const out = transposed ? shape[0] : shape[shape.length - 1];
          return { rows: out, cols: shape.reduce((p, d) => p * d, 1) / out };
        };
        const advice = [
          chainProblem(asOther(shapes[l]), asOther(shapes[l + 1])) === null ? (transposed ? 'for layers stored out × in (PyTorch), leave "layout" out' : 'for kernels stored in × out (JAX/Flax, Keras), set "layout": "in×out" in "checkpoints"') : '',
          chainProblem(dims[l + 1], dims[l]) === null ? 'for layers listed in reverse order, list them in network order' : '',
        ].filter((a) => a !== '');
        pairsLeftOut.push({ layers: [names[l], names[l + 1]], reason: `"${names[l + 1]}" ${formatTensorShape(shapes[l + 1])} does not follow "${names[l]}" ${formatTensorShape(shapes[l])}${transposed ? ' (stored in × out)' : ''}: ${problem}${advice.length > 0 ? ` — ${advice.join('; ')}` : ''}` });
      } else chaining.push(l);
    }
    return { names, shapes, dims, chosen: listed ? 'listed' : 'default', pairsLeftOut, chaining, layoutNotice: this.spec.layout ? null : kernelLayoutNotice(names), optimizerNotice };
  }

  /**
   * Every metric of one checkpoint against the reference, reading one selected tensor at a time (the
   * next one is read while the current one is measured).
   */
  private async measureCheckpoint(state: FileState): Promise<NetworkMeasure> {
    const { layers: reference, state: first } = this.reference!;
    const selection = this.selection!;
    const measurer = new NetworkMeasurer({ ...this.options.measure, spectra: this.spectra });
    state.notFinite = [];
    // A distance that is not finite because the reference is not (said of the first checkpoint) is not this file's.
    const referenceNotFinite = new Set(state === first ? [] : first.notFinite.map((x) => x.name));
    const add = (l: number, w: WeightMatrix, w0: WeightMatrix) => {
      const m = measurer.add(w, w0);
      if (!Number.isFinite(m.norm) || (!Number.isFinite(m.distance) && !referenceNotFinite.has(selection.names[l]))) {
        state.notFinite.push({ name: selection.names[l], said: notFiniteEntries(selection.names[l], selection.shapes[l], w.data, this.layout === 'in×out' ? selection.dims[l] : null) });
      }
    };
    if (state === first) {
      reference.forEach((w, l) => add(l, w, w));
      return measurer.finish();
    }
    const file = await CheckpointFiles.open(state.unit);
    try {
      const changed = file.changedSince(state.parts);
      if (changed) throw new CheckpointError(state.file, changedWords(changed), true);
      const tensors = selection.names.map((name, l) => {
        const t = file.tensor(name);
        if (!t) throw new CheckpointError(state.file, `has no tensor "${excerpt(name)}" (the first checkpoint, ${first.file}, has). It has: ${listTensors(file.header.tensors)}${looksLikeShards(state, first)}`);
        if (formatTensorShape(t.shape) !== formatTensorShape(selection.shapes[l])) {
          throw new CheckpointError(state.file, `tensor "${excerpt(name)}" is ${formatTensorShape(t.shape)} here but ${formatTensorShape(selection.shapes[l])} in the first checkpoint, ${first.file}: shapes must stay the same`);
        }
        return t; // its dtype may differ from the first checkpoint's: `read` refuses one it cannot read
      });
      let next: Promise<Float32Array | Float64Array> | null = file.read(tensors[0]);
      try {
        for (let l = 0; l < tensors.length; l++) {
          const data: Float32Array | Float64Array = await next!;
          next = l + 1 < tensors.length && !this.closed ? file.read(tensors[l + 1]) : null;
          if (this.closed) throw new CheckpointError(state.file, 'reading stopped', true);
          add(l, { ...selection.dims[l], data: this.asMeasured(l, selection, data) }, reference[l]);
        }
      } finally {
        await next?.catch(() => undefined);
      }
      return measurer.finish();
    } finally {
      await file.close();
    }
  }

  /** A path as shown: relative to the experiment's folder when inside it, with "/" separators. */
  private display(path: string): string {
    const rel = relative(this.options.baseDir, path);
    return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : path;
  }

  /**
   * What a file left out of the series (`left`) changes when it would have been the first checkpoint
   * — its step, known or from its name, below the first one read (`first`): every distance is measured
   * from another checkpoint. Empty otherwise.
   */
  private wouldBeFirst(left: FileState, first: FileState | undefined): string {
    if (!first) return '';
    let step = left.step;
    try {
      step ??= stepFromPath(left.path);
    } catch {
      return '';
    }
    if (step === null || step >= first.step!) return '';
    return ` — it would have been the first checkpoint (step ${step}), the reference θ₀ of every distance: every distance is measured from ${first.file} (step ${first.step}) instead`;
  }

  /**
   * The warning of a checkpoint whose layers hold NaN or ±∞: which, how many, where, and what is left
   * out — said from the values measured, so that it names exactly what the result holds as null (NaN
   * or ±∞). A first checkpoint's distance from itself is 0 only where the layer is finite (zero
   * included: an absolute distance, docs/checkpoints.md); a layer of NaN or ±∞ there is no reference,
   * and its distance and the network's are null at every checkpoint. A layer of finite entries whose
   * norm alone is beyond float64 loses its norm and ζ, not its distance.
   */
  private notFiniteProblem(s: FileState, isFirst: boolean, isLast: boolean, selection: Selection): string {
    const names = selection.names;
    const m = s.measure!;
    const bad = new Set(s.notFinite.map((x) => x.name));
    const at = (name: string) => m.layers[names.indexOf(name)];
    const quoted = (xs: readonly string[]) => xs.map((n) => `"${excerpt(n)}"`).join(', ');
    const normLost = [...bad].filter((n) => !Number.isFinite(at(n).norm));
    const distanceLost = [...bad].filter((n) => !Number.isFinite(at(n).distance));
    const networkLost = !Number.isFinite(m.distance);
    const pairs = selection.chaining
      .filter((l) => (bad.has(names[l]) || bad.has(names[l + 1])) && !Number.isFinite(m.alignment[l]?.zeta ?? NaN))
      .map((l) => `${names[l]} → ${names[l + 1]}`);
    let left: string;
    if (isFirst) {
      const norms = normLost.length === 0 ? '' : normLost.length === bad.size ? (bad.size === 1 ? 'its norm' : 'their norms') : `the norm of ${quoted(normLost)}`;
      const atStep = [norms, pairs.length ? `ζ, ζ_top of ${pairs.join(', ')}` : ''].filter((x) => x !== '').join(' and ');
      const everywhere = distanceLost.length ? `the distance of ${quoted(distanceLost)}${networkLost ? " and the network's are" : ' is'} left out (null) at every checkpoint, ` : networkLost ? "the network's distance is left out (null) at every checkpoint, " : '';
      left = distanceLost.length || networkLost
        ? `it is the first checkpoint, the reference θ₀ of every distance: ${everywhere}${atStep ? `${atStep} at step ${s.step}, ` : ''}and the series has no label`
        : `it is the first checkpoint: ${atStep ? `${atStep} left out (null) at step ${s.step}, ` : ''}and the series has no label`;
    } else {
      const both = normLost.filter((n) => distanceLost.includes(n));
      const parts = [
        both.length ? `the norm and distance of ${quoted(both)}` : '',
        normLost.length > both.length ? `the norm of ${quoted(normLost.filter((n) => !both.includes(n)))}` : '',
        distanceLost.length > both.length ? `the distance of ${quoted(distanceLost.filter((n) => !both.includes(n)))}` : '',
        networkLost ? "the network's distance" : '',
        pairs.length ? `ζ and ζ_top of ${pairs.join(', ')}` : '',
      ].filter((x) => x !== '');
      left = `left out (null) at step ${s.step}: ${parts.join(', ')}${isLast ? '; it is the last checkpoint, so the series has no label' : ''}`;
    }
    return `${s.file}: ${s.notFinite.map((x) => x.said).join('; ')} — ${left}`;
  }

  private buildResult(): CheckpointsResult {
    const selection = this.selection;
    const measured = this.reference && selection ? this.ordered.filter((s) => s.measure !== null) : [];
    const step = measured.map((s) => s.step!);
    const distance = measured.map((s) => s.measure!.distance);
    const names = selection?.names ?? [];
    const layers: LayerSeries[] = names.map((name, l) => ({
      name,
      shape: selection!.shapes[l],
      ...selection!.dims[l],
      norm: measured.map((s) => s.measure!.layers[l].norm),
      distance: measured.map((s) => s.measure!.layers[l].distance),
    }));
    const alignment: AlignmentSeries[] = (selection?.chaining ?? []).map((l) => {
      const pairs = measured.map((s) => s.measure!.alignment[l]!);
      const series: AlignmentSeries = { layers: [names[l], names[l + 1]], zeta: pairs.map((p) => p.zeta), zetaTop: pairs.map((p) => p.zetaTop) };
      if (pairs.some((p) => p.zetaError > 0)) series.zetaError = pairs.map((p) => p.zetaError);
      return series;
    });
    const problems: CheckpointProblem[] = [];
    if (this.problems.glob) problems.push({ file: null, message: this.problems.glob, key: 'checkpoints.path' });
    if (this.problems.links) problems.push({ file: null, message: this.problems.links, key: 'checkpoints.path' });
    problems.push(...this.skipped);
    if (this.problems.layers) problems.push({ file: null, message: this.problems.layers, key: 'checkpoints.layers' });
    const first = measured[0];
    for (const s of this.states.values()) if (s.status === 'failed' && s.problem) problems.push({ file: s.file, message: s.problem + this.wouldBeFirst(s, first), key: 'checkpoints.path' });
    problems.push(...this.duplicates);
    const mixed = epochsAmongSteps(measured);
    if (mixed) problems.push({ file: null, message: mixed, key: 'checkpoints.path' });
    for (const s of measured) if (s.notFinite.length > 0) problems.push({ file: s.file, message: this.notFiniteProblem(s, s === first, s === measured[measured.length - 1], selection!), key: 'checkpoints.path' });
    if (selection?.layoutNotice) problems.push({ file: null, message: selection.layoutNotice, key: 'checkpoints.layers', warning: true });
    if (selection?.optimizerNotice) problems.push({ file: null, message: selection.optimizerNotice, key: 'checkpoints.layers', warning: true });
    for (const message of this.metrics.messages()) problems.push({ file: this.metrics.file, message, key: 'checkpoints.metrics', warning: true });
    const result: CheckpointsResult = { step, files: measured.map((s) => s.file), distance, layers, alignment, pairsLeftOut: selection?.pairsLeftOut ?? [], summary: null!, problems, pending: [] };
    result.pending = [...this.states.values()].filter((s) => s.status === 'pending').map((s) => s.file);
    const metrics = this.metrics.series();
    if (metrics) {
      // The metrics' steps are sorted: a binary search each, no map of a million lines.
      const at = step.map((s) => indexOfSorted(metrics.step, s));
      result.loss = at.map((i) => (i < 0 ? null : metrics.loss[i]));
      result.accuracy = at.map((i) => (i < 0 ? null : metrics.accuracy[i]));
      result.metrics = { file: this.metrics.file, ...metrics };
    }
    result.summary = summarise(result, selection?.chosen ?? (this.spec.layers ? 'listed' : 'default'), { ...CHECKPOINT_THRESHOLDS, ...this.options.thresholds });
    return result;
  }
}

/**
 * Whether a tensor is named as TensorFlow/Keras and JAX/Flax name a layer's weights, which they store
 * in × out: its name ends in "kernel" (any case: `Dense_0.kernel`, `params/Dense_0/kernel`,
 * `conv_kernel`), after TensorFlow's tensor index (`dense/kernel:0`, `dense_1/kernel:0`) and a TF2
 * object checkpoint's `/.ATTRIBUTES/VARIABLE_VALUE` (`layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE`).
 */
export function isKernelName(name: string): boolean {
  return /kernel(:\d+)?(\/\.ATTRIBUTES\/VARIABLE_VALUE)?$/iu.test(name);
}

/** Path components that hold an optimizer's state: optax's `opt_state`, a saved `optimizer`'s, Keras's `Adam/…` (first), PyTorch's moments. */
const OPTIMIZER_PARTS = new Set(['opt_state', 'optimizer', 'optimizer_state', 'optim_state', 'optim', 'exp_avg', 'exp_avg_sq', 'max_exp_avg_sq', 'momentum_buffer']);
const OPTIMIZER_FIRST = new Set(['adam', 'adamw', 'sgd', 'rmsprop', 'adagrad', 'adadelta', 'adamax', 'nadam', 'lamb', 'lion']);

/**
 * Whether tensor `name` is an optimizer's state rather than a layer (docs/checkpoints.md, "The
 * experiment file", its default layers): a component (between `/`, `.` or `:`, any case) that is
 * `opt_state`, `optimizer`, `optimizer_state`, `optim_state`, `optim`, or PyTorch's `exp_avg`,
 * `exp_avg_sq`, `max_exp_avg_sq`, `momentum_buffer`; a first component that names an optimizer
 * (`Adam/dense/kernel/m:0`, Keras's); optax's `mu` or `nu` followed by two components or more
 * (`mu/Dense_0/kernel`: a moment of `Dense_0/kernel`; `encoder.mu.weight`, a VAE's layer, is none).
 */
export function isOptimizerState(name: string): boolean {
  const parts = name.toLowerCase().split(/[/.:]/);
  if (OPTIMIZER_FIRST.has(parts[0]) && parts.length > 1) return true;
  return parts.some((p, i) => OPTIMIZER_PARTS.has(p) || ((p === 'mu' || p === 'nu') && parts.length - i - 1 >= 2));
}

/** The warning that the default choice left out `left` (optimizer state, `isOptimizerState`), `kept` layers chosen. */
function optimizerStateNotice(left: readonly string[], kept: number): string {
  const shown = left.slice(0, 3).map((n) => `"${excerpt(n)}"`).join(', ') + (left.length > 3 ? ` and ${left.length - 3} more` : '');
  return `${left.length === 1 ? 'tensor' : `${left.length} tensors`} ${shown} ${left.length === 1 ? 'is' : 'are'} an optimizer's state (its moments, shaped as the layers they follow), left out of the layers chosen by default${kept > 0 ? ` (${kept} chosen)` : ''}: list the layers under "layers" if one of them is a layer of the network`;
}

/**
 * The notice for layers named "kernel" (`isKernelName`) — TensorFlow/Keras's and JAX/Flax's name of a
 * layer's weights, which they store in × out (a dense kernel [in, out], a convolution kernel k × k × in
 * × out) — when `checkpoints.layout` is left out, so that they are read out × in (rows as outputs,
 * PyTorch's layout): a square pair then chains either way and its ζ is silently another product's (in
 * × out read as out × in). Null when no name is a kernel's.
 */
export function kernelLayoutNotice(names: readonly string[]): string | null {
  const kernels = names.filter(isKernelName);
  if (kernels.length === 0) return null;
  const listed = kernels.slice(0, 3).map((n) => `"${excerpt(n)}"`).join(', ') + (kernels.length > 3 ? ` and ${kernels.length - 3} more` : '');
  const one = kernels.length === 1;
  return `${one ? 'layer' : 'layers'} ${listed} ${one ? 'is' : 'are'} named "kernel", the name TensorFlow/Keras and JAX/Flax give a layer's weights, which they store in × out; with "layout" left out ${one ? 'it is' : 'they are'} read as out × in (rows as outputs, PyTorch's layout), so such a network's ζ and ζ_top would be another product's — set "layout": "in×out" in "checkpoints" for TensorFlow/Keras and JAX/Flax kernels, or "layout": "out×in" to say ${one ? 'it is' : 'they are'} stored out × in`;
}

function summarise(r: CheckpointsResult, chosen: 'listed' | 'default', thresholds: CheckpointThresholds): CheckpointsSummary {
  const n = r.step.length;
  const last = n - 1;
  const scores = layerScores({ distance: r.distance, layers: r.layers, alignment: r.alignment, lossNotFinite: n > 1 ? divergedAt(r.metrics, r.step[last]) : null });
  // A metrics file may hold millions of lines: no spread into Math.max's arguments.
  const bestAccuracy = (r.metrics?.accuracy ?? []).reduce<number | null>((best, a) => (a === null || (best !== null && best >= a) ? best : a), null);
  return {
    label: scores ? layerLabel(scores, n, { ...DEFAULT_LAYER_THRESHOLDS, ...thresholds }) : null,
    checkpoints: n,
    firstStep: n > 0 ? r.step[0] : null,
    lastStep: n > 0 ? r.step[last] : null,
    layers: r.layers.map((l) => l.name),
    layersChosen: chosen,
    scores,
    thresholds,
    final:
      n > 0
        ? {
            step: r.step[last],
            distance: r.distance[last],
            zeta: r.alignment.map((a) => a.zeta[last]),
            zetaTop: r.alignment.map((a) => a.zetaTop[last]),
            loss: r.loss?.[last] ?? null,
            accuracy: r.accuracy?.[last] ?? null,
          }
        : null,
    bestAccuracy,
  };
}

/**
 * The run diverged (LayerScores, `lossNotFinite`): the last line of the metrics file that writes the
 * loss — at any step, the checkpoints' or after the last of them (`lastCheckpoint`) — writes it with no
 * number (null, NaN, ±Infinity, beyond float64), and a line before it has a finite loss. `step` is the
 * first step of that closing stretch of losses with no number: where the run stopped being finite and
 * never came back. A loss with no number followed by a finite one later (a mixed-precision trainer
 * skips such steps and goes on) is no divergence, nor a file that never logs a number for the loss, nor
 * a line that leaves the loss out. Else null.
 */
function divergedAt(metrics: CheckpointsResult['metrics'], lastCheckpoint: number): { step: number; lastCheckpoint: number } | null {
  if (!metrics || metrics.lossNotFinite.length === 0) return null;
  let lastFinite = metrics.step.length - 1;
  while (lastFinite >= 0 && metrics.loss[lastFinite] === null) lastFinite--;
  if (lastFinite < 0) return null;
  const finiteStep = metrics.step[lastFinite];
  const after = metrics.lossNotFinite.findIndex((s) => s > finiteStep);
  return after < 0 ? null : { step: metrics.lossNotFinite[after], lastCheckpoint };
}

/** The index of `x` in the ascending `sorted`, or −1. */
function indexOfSorted(sorted: readonly number[], x: number): number {
  const i = lowerBound(sorted, x);
  return sorted[i] === x ? i : -1;
}

/**
 * What is not finite in layer `name` of shape `shape` (its values `data`, row-major): how many entries
 * are NaN or ±∞, and the first one's value and index (row and column of a 2-D layer, else its index in
 * the shape). When every entry is finite — a norm beyond the float64 range — says that instead.
 */
function notFiniteEntries(name: string, shape: readonly number[], data: Float32Array | Float64Array, transposedFrom: { rows: number; cols: number } | null = null): string {
  let count = 0;
  let first = -1;
  for (let i = 0; i < data.length; i++) {
    if (Number.isFinite(data[i])) continue;
    count++;
    // Its index as stored: data is the transpose (rows × cols) of the stored (cols × rows) when `transposedFrom`.
    const stored = transposedFrom ? (i % transposedFrom.cols) * transposedFrom.rows + Math.floor(i / transposedFrom.cols) : i;
    if (first < 0 || stored < first) first = stored;
  }
  const layer = `layer "${excerpt(name)}" ${formatTensorShape(shape)}`;
  if (count === 0) return `${layer} holds finite entries, but its norm or its distance from the first checkpoint is beyond the float64 range (±1.8 × 10³⁰⁸)`;
  const index: number[] = [];
  for (let k = shape.length - 1, rest = first; k >= 0; k--) {
    index.unshift(rest % shape[k]);
    rest = Math.floor(rest / shape[k]);
  }
  const where = shape.length === 2 ? `row ${index[0]}, column ${index[1]}` : formatTensorShape(index);
  const at = transposedFrom ? (first % transposedFrom.rows) * transposedFrom.cols + Math.floor(first / transposedFrom.rows) : first;
  const value = Number.isNaN(data[at]) ? 'NaN' : data[at] > 0 ? '+∞' : '−∞';
  const entries = count === 1 ? '1 entry that is' : `${count.toLocaleString('en-US')} entries that are`;
  return `${layer} has ${entries} not finite (NaN or ±∞; the first, ${value}, at ${where})`;
}

/** The transpose of `data`, an r × c matrix row-major: a new c × r matrix of the same type. */
function transposeMatrix(data: Float32Array | Float64Array, r: number, c: number): Float32Array | Float64Array {
  const out = data instanceof Float64Array ? new Float64Array(data.length) : new Float32Array(data.length);
  for (let i = 0; i < r; i++) {
    const row = i * c;
    for (let j = 0; j < c; j++) out[j * r + i] = data[row + j];
  }
  return out;
}

/** The words of where a checkpoint's step came from, after "has step N": " (its metadata)". */
const STEP_SAID: Record<NonNullable<FileState['stepWhere']>, string> = { metadata: 'its metadata "step"', name: 'its name', folder: 'its folder\'s name', 'folder above': 'the name of its folder\'s folder' };

/**
 * The message of checkpoint `s`, skipped for having the step of `kept`, which is read: where each
 * step came from, and — when both file names said it while their folders differ
 * (`a/500/model_1.safetensors`, `a/1000/model_1.safetensors`) — that the folders may be what says
 * the step, or the glob may match several runs; when two single files of one folder took its step, or its
 * folder's (`checkpoint-500/part_a.safetensors`, `part_b.safetensors`; orbax's `1000/default/…`), that they may be shards of one save,
 * which are joined only by `-<i>-of-<n>` names or an index (shards.ts).
 */
function duplicateStep(s: FileState, kept: FileState): string {
  const from = (x: FileState) => (x.stepWhere === 'folder above' && (x.stepAbove ?? 1) > 1 ? `the name of the folder ${x.stepAbove} above its folder` : x.stepWhere ? STEP_SAID[x.stepWhere] : 'its name');
  const base = `${s.file}: has step ${s.step} (from ${from(s)}), as ${kept.file} has (from ${from(kept)}): skipped`;
  const folder = (x: FileState) => posix.dirname(x.file);
  // Two files of one folder at the step its name says: parts of one save (shards, joined only by their names or an index), or two models of it.
  if ((s.stepWhere === 'folder' || s.stepWhere === 'folder above') && kept.stepWhere === s.stepWhere && folder(s) === folder(kept) && s.unit.parts.length === 1 && kept.unit.parts.length === 1) {
    return `${base} — the two are in one folder ${s.stepWhere === 'folder' ? 'that says' : (s.stepAbove ?? 1) > 1 ? `${s.stepAbove} folders below the one that says` : 'whose folder says'} the step: if they are parts of one save, they are joined only when named <name>-<i>-of-<n> (model-00001-of-00002.safetensors) or listed by an index beside them (model.safetensors.index.json, its "weight_map"); if they are different models, narrow the glob to one`;
  }
  if (s.stepWhere !== 'name' || kept.stepWhere !== 'name' || folder(s) === folder(kept)) return base;
  const tokens = s.stepFrom === 'number' && kept.stepFrom === 'number' ? 'if the folders say the step, give them a step token (checkpoint-500, step_500, global_step500), which wins over the number a file name ends in; ' : '';
  return `${base} — the two are in different folders (${folder(kept)}, ${folder(s)}) and their file names say one step: ${tokens}if the folders are different runs, narrow the glob to one`;
}

/**
 * When checkpoint `s` shares no tensor name with the first checkpoint and both are single files of one
 * folder (`run/model_0.safetensors`, `run/model_1.safetensors`: shards of one save without an index,
 * read as steps 0 and 1), the words saying they look like one save's shards and how those are joined;
 * else ''.
 */
function looksLikeShards(s: FileState, first: FileState): string {
  if (s.unit.parts.length !== 1 || first.unit.parts.length !== 1 || posix.dirname(s.file) !== posix.dirname(first.file)) return '';
  const names = new Set(first.tensors.map((t) => t.name));
  if (s.tensors.some((t) => names.has(t.name))) return '';
  return ` — it shares no tensor with the first checkpoint, in its folder: if the two are parts of one save (shards), they are joined only when named <name>-<i>-of-<n> (model-00001-of-00002.safetensors) or listed by an index beside them (model.safetensors.index.json, its "weight_map")`;
}

/** `changedSince`'s answer as a message: `its size changed while it was read`, or the shard's sentence as it is. */
function changedWords(changed: string): string {
  return changed === 'size' || changed === 'modification time' ? `its ${changed} changed while it was read` : changed;
}

/**
 * A warning when the series mixes checkpoints whose step is an epoch of their name (`epoch=3`, no step
 * token) with checkpoints whose step is a training step (their metadata, a step token, a number):
 * the two count different things, so their order and the x axis mix them. Null otherwise.
 */
function epochsAmongSteps(measured: readonly FileState[]): string | null {
  const epochs = measured.filter((s) => s.stepFrom === 'epoch');
  if (epochs.length === 0 || epochs.length === measured.length) return null;
  const steps = measured.filter((s) => s.stepFrom !== 'epoch');
  const few = (xs: readonly FileState[]) => xs.slice(0, 3).map((s) => s.file).join(', ') + (xs.length > 3 ? ` and ${xs.length - 3} more` : '');
  return `${epochs.length === 1 ? '1 checkpoint takes its step' : `${epochs.length} checkpoints take their step`} from an epoch in the name (${few(epochs)}), ${steps.length === 1 ? '1 other from a training step' : `${steps.length} others from a training step`} (${few(steps)}): epochs and steps count different things, so the series orders and plots them on one axis wrongly — give every checkpoint a step token (step=300) or a metadata "step"`;
}

/** The tensors of a header as `name [shape] dtype`, the first 30 of them. */
function listTensors(tensors: readonly TensorInfo[]): string {
  if (tensors.length === 0) return 'no tensors';
  const shown = tensors.slice(0, 30).map((t) => `${excerpt(t.name)} ${formatTensorShape(t.shape)} ${excerpt(t.dtype)}`);
  return shown.join(', ') + (tensors.length > 30 ? `, … and ${tensors.length - 30} more` : '');
}

/**
 * How one-shot reading looks again at files that changed while they were read: after each of these
 * waits (ms), 1.55 s in all — long enough for a writer that is finishing, bounded for one that never
 * does (docs/checkpoints.md, "Live reading").
 */
export const ONE_SHOT_WAITS_MS: readonly number[] = [50, 100, 200, 400, 800];

/**
 * Reads a series once: every checkpoint the glob matches, at once (no settling), as `flab checkpoints
 * --json` prints it. A file that changes while it is read is looked at again after each of `waits`
 * (ONE_SHOT_WAITS_MS); one still changing after the last is left out with a problem that says why
 * (and, when it would have been the first checkpoint, from which checkpoint the distances are
 * measured instead), so `pending` is empty.
 */
export async function readCheckpoints(spec: CheckpointsSpec, options: CheckpointReaderOptions & { waits?: readonly number[] }): Promise<CheckpointsResult> {
  const { waits = ONE_SHOT_WAITS_MS, ...readerOptions } = options;
  const reader = new CheckpointReader(spec, { settleMs: 0, ...readerOptions });
  await reader.refresh();
  for (const ms of waits) {
    if (reader.result().pending.length === 0) break;
    await new Promise((r) => setTimeout(r, ms));
    await reader.refresh();
  }
  reader.leaveOutPending();
  return reader.result();
}

/**
 * Refreshes `reader` every `intervalMs` (default 250 ms) and calls `onUpdate` with the result whenever
 * it changed (and once at the start). With `settleMs` ≤ the interval, a checkpoint appears within about
 * two intervals of being written completely, plus its reading. `stop` ends the loop and waits for a
 * refresh under way.
 */
export function watchCheckpoints(
  reader: CheckpointReader,
  onUpdate: (result: CheckpointsResult, report: RefreshReport) => void,
  options: { intervalMs?: number; onError?: (err: unknown) => void } = {},
): { stop(): Promise<void> } {
  const intervalMs = options.intervalMs ?? 250;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running: Promise<void> = Promise.resolve();
  let first = true;
  const tick = () => {
    timer = null;
    running = reader.refresh().then(
      (report) => {
        if (stopped || !(report.changed || first)) return;
        first = false;
        try {
          onUpdate(reader.result(), report);
        } catch (err) {
          options.onError?.(err);
        }
      },
      (err) => options.onError?.(err),
    );
    void running.then(() => {
      if (!stopped) timer = setTimeout(tick, intervalMs);
    });
  };
  tick();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
