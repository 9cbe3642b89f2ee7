/**
 * The training panel: a network experiment trained live, or a checkpoint folder followed live
 * (docs/networks.md, "The panel"). Its delegate runs the training worker — one per core for a sweep —
 * and posts snapshots as records arrive; an edit stops the run in progress and trains the new text;
 * Stop keeps the trained state in the worker for Resume (the run last stopped is kept while other
 * texts train, and a rename continues the run on screen); finished runs are kept by their text so that
 * reopening or undoing shows them at once; a checkpoint folder is read again every second while the
 * panel is open, each checkpoint once.
 */
import * as vscode from 'vscode';
import { availableParallelism } from 'node:os';
import { statSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import type { CheckpointsResult } from '../../core/checkpoints/checkpointReader';
import type { Diagnostic } from '../../core/experiment/diagnostic';
import { locatePath } from '../../core/experiment/parse';
import type { Node } from 'jsonc-parser';
import { experimentHeader, parseAnyExperiment } from '../../core/runs/anyExperiment';
import type { TrainResult } from '../../core/runs/train';
import type { NetworkSweepExport } from '../../core/runs/trainingExport';
import type { SweepWidthPower } from '../../core/network/networkExperiment';
import { ChartFigure, ChartImage, FigureOptions } from '../../protocol/dynamics';
import { DocumentShown, hasRecords, Invalid, loadingRunView, parseFromTraining, RunView, stoppedRun, SweepView, Training } from '../../protocol/training';
import type { ExportJob, ExportOutcome, HeldRunResult, TrainingJob, TrainingOutcome, TrainingPeek, TrainingSnapshot } from '../../protocol/workers';
import { formatNumber, visibleName } from '../../core/experiment/diagnostic';
import { sameRun } from '../../document/sameRun';
import { exportChannel, trainingChannel } from '../channels';
import { baseName, ComputeRequest, ComputeResult, PanelDelegate, PanelHost, PanelKind } from '../panels/livePanel';
import { PageRequests, pngOfDataUrl } from '../panels/pageRequests';
import { DelegateFactory } from '../panels/panelRegistry';
import { MAIN_THREAD_PARSE_LIMIT, toErrorInfo, toVsDiagnostics, treeName } from '../problems';
import { WorkerChannel } from '../workerChannel';
import { nextSweepValue, sweepRun } from './sweepRun';

export const TRAINING_KIND: PanelKind = {
  viewType: 'flab.training',
  bundle: 'training',
  noun: 'training panel',
  title: (fileName) => `Training: ${fileName}`,
};

/** A checkpoint folder is read again this often while its panel is open. */
export const FOLLOW_EVERY_MS = 1000;
/** What the training panel says of a file that has become the two-layer linear model's. */
const LINEAR_FILE: Diagnostic = { message: 'this file is now a two-layer linear experiment: close this panel and run "Feature Learning: Open Dynamics Panel" again to see its exact dynamics', path: '', offset: 0, length: 0, severity: 'error' };

/** Finished runs kept by their text, across panels (least recently shown dropped first). */
const CACHE_SIZE = 16;

/**
 * What a finished run leaves: the message the page drew, what Export Data writes, and — for a sweep
 * some of whose values failed — those values' errors, located in the text it was kept under (they go
 * back to Problems when it is shown again).
 */
interface Finished {
  message: Training;
  export: HeldExport;
  failures: Diagnostic[];
}

/**
 * A result as the training worker sends it, UTF-8 JSON (TrainingOutcome.resultJson), never decoded on
 * the main thread — the export worker parses it when Export Data asks — with the name and description
 * an edit of the header gave it since.
 */
export class ResultJson {
  constructor(
    private readonly json: Uint8Array,
    private readonly header: { name: string | null; description: string | null } | null = null,
  ) {}

  /** As the export worker takes it (shared memory: not copied). */
  get held(): HeldRunResult {
    return { json: this.json, header: this.header };
  }

  /** The same result under another name and description (an edit of the header only). */
  withHeader(name: string | null, description: string | null): ResultJson {
    return new ResultJson(this.json, { name, description });
  }
}

/**
 * What the panel holds for Export Data: results as the worker sent them, parsed only by the export
 * worker (a sweep's values not started listed in `failed`, as `flab sweep --json` lists them).
 */
type HeldExport = TrainResult | CheckpointsResult | ResultJson | NetworkSweepExport<TrainResult | ResultJson>;

/**
 * Export Data of a run under way, or stopped (kept by its workers for Resume): its records so far are
 * in its workers, asked for when it is exported (`TrainingDelegate.liveExport`). Until 2026-12-03 its
 * snapshots kept the export of the run shown before, and Export Data wrote the previous text's
 * finished run under this run's parameters (a sweep's values still training as "not run").
 */
const LIVE = { live: true } as const;
type Exported = HeldExport | typeof LIVE;

/** A worker's run outcome as the panel holds it for Export Data. */
function heldResult(o: { result: TrainResult | CheckpointsResult | null; resultJson?: Uint8Array }): TrainResult | CheckpointsResult | ResultJson {
  return o.resultJson !== undefined ? new ResultJson(o.resultJson) : o.result!;
}

/** What the export worker takes of what the panel holds. */
function exportData(held: HeldExport): ExportJob['data'] {
  const one = (r: TrainResult | CheckpointsResult | ResultJson): HeldRunResult => (r instanceof ResultJson ? r.held : { value: r });
  if (held instanceof ResultJson) return held.held;
  if ('runs' in held) return { key: held.key, path: held.path, widthPower: held.widthPower, values: held.values, runs: held.runs.map((r) => r && one(r)), failedValues: held.failedValues, ...(held.failed ? { failed: held.failed } : {}) };
  return one(held);
}

const finished = new Map<string, Finished>();

/** The statuses of a run that is over: nothing of it is under way or kept for Resume. */
const FINAL = new Set<RunView['status']>(['finished', 'diverged', 'notTrained']);

function remember(key: string, value: Finished): void {
  finished.delete(key);
  finished.set(key, value);
  while (finished.size > CACHE_SIZE) finished.delete(finished.keys().next().value as string);
}

/**
 * The data files' identity, as part of a cache key: each file's size and modification time (or that it
 * cannot be read), so that a finished run is shown from the cache only while its files are unchanged.
 */
function dataStamp(baseDir: string, files: readonly string[]): string {
  return files
    .map((f) => {
      try {
        const s = statSync(resolve(baseDir, f));
        return `${s.size}:${s.mtimeMs}:${s.ino}`;
      } catch {
        return 'unreadable';
      }
    })
    .join('\u0000');
}

function recall(key: string): Finished | undefined {
  const v = finished.get(key);
  if (v) remember(key, v);
  return v;
}

export interface TrainingServices {
  /** dist/trainingWorker.js. */
  workerPath: string;
  /** dist/exportWorker.js: builds Export Data's file. */
  exportWorkerPath: string;
  diagnostics: vscode.DiagnosticCollection;
}

export class TrainingDelegate implements PanelDelegate {
  /** One channel per worker: the first runs the file (or a sweep's first share), the others a sweep's other values. */
  private readonly channels: WorkerChannel<TrainingJob, TrainingOutcome, TrainingSnapshot>[] = [];
  private resumeNext = false;
  /** When the page was sent what it shows now (Stop adds the time since to a running clock). */
  private shownAt = 0;
  /** What the page shows now (every snapshot), for Export Data and for the stopped state. */
  private current: Training | null = null;
  private currentExport: Exported | null = null;
  private follow: ReturnType<typeof setInterval> | undefined;
  private following = false;
  private readonly chartRequests = new PageRequests<ChartImage | ChartFigure>();
  /** The running computation's version, so that late snapshots of an older one are dropped. */
  private running: number | null = null;
  /** What was on screen when the running computation began (kept, greyed, until its first record). */
  private previous: { message: Training; export: Exported | null } | null = null;
  /** What the file says of itself, for every message of its run (snapshots included). */
  private header: { title: string; description: string | null; kind: 'network' | 'checkpoints' } | null = null;
  /** The text of the run in progress (or last run). */
  private runningText: string | null = null;
  /** Its data files as they were when it started (`dataStamp`). */
  private runningStamp: string | null = null;
  /** The failed values' errors of the sweep on screen (in Problems), located in `runningText`; [] for any other run. */
  private runningFailures: Diagnostic[] = [];
  /** The data files of the text last computed, as absolute paths: a change of one on disk computes again. */
  private dataPaths: string[] = [];
  /** The sweep of the text under way or stopped (for Resume); null once it has ended. */
  private sweepState: SweepState | null = null;
  /**
   * A run an invalid edit interrupted: when the text comes back as it was, a run that was training
   * continues from its step (the worker kept it), and one the user had stopped shows as stopped again.
   */
  private interrupted: { text: string; resume: boolean; message: Training; export: Exported | null } | null = null;
  /**
   * The run last shown stopped (Stop, or an invalid edit), kept by its workers (`TrainingJob.keep`)
   * while other texts train: the text coming back as it was (an undo), with its data files unchanged,
   * shows it stopped again, its curves so far, and Resume continues it from its step. One: a stopped
   * run holds its network, its optimizer's state and its records in each worker (docs/networks.md,
   * "The panel"). Until 2026-12-03 a valid edit dropped it, and the undo trained from step 0.
   */
  private stoppedRun: { text: string; stamp: string; message: Training; export: Exported | null; sweepState: SweepState | null } | null = null;

  constructor(
    private readonly host: PanelHost,
    private readonly services: TrainingServices,
  ) {}

  key(text: string): string {
    return `${this.resumeNext ? 'resume' : 'run'}\u0000${text}`;
  }

  documentMessage(): DocumentShown {
    return { type: 'document', documentUri: this.host.uri.toString(), fileName: baseName(this.host.uri) };
  }

  /** Whether a run is shown, which Export Data can write. */
  get hasRun(): boolean {
    return this.current !== null && this.currentExport !== null;
  }

  /**
   * The file Export Data writes of the run shown (docs/panel.md, "Export Data"), built by the export
   * worker — never on the main thread, whatever the run's length; undefined before any run.
   */
  async exportFile(format: 'csv' | 'json'): Promise<ExportOutcome | undefined> {
    if (!this.current || !this.currentExport) return undefined;
    let shown: { message: Training; export: HeldExport } = { message: this.current, export: this.currentExport as HeldExport };
    if (this.currentExport === LIVE) {
      const live = await this.liveExport();
      if ('failed' in live) return { kind: 'failed', message: live.failed };
      shown = live;
    }
    const job: ExportJob = { format, title: shown.message.title, documentUri: this.host.uri.toString(), parameters: shown.message.run.parameters, data: exportData(shown.export) };
    const channel = exportChannel(this.services.exportWorkerPath);
    try {
      const r = await channel.run(job);
      return r.superseded ? { kind: 'failed', message: 'the export was cancelled' } : r.result;
    } finally {
      channel.dispose();
    }
  }

  /**
   * The run on screen under way, or stopped, as Export Data writes it: its records so far, asked of the
   * worker that trains it (or keeps it stopped) — which first posts the snapshot of those records, so
   * that the panel shows what the file holds — with `summary.status` "training" ("stopped"); for a
   * sweep, each value ended as it ended, each one training or stopped so far, each not started null and
   * listed in `failed` as `flab sweep --json` lists a value a stop left untrained.
   */
  private async liveExport(): Promise<{ message: Training; export: HeldExport } | { failed: string }> {
    const m = this.current!;
    if (m.previous) return { failed: 'the panel shows the run before the edit, greyed, while this one loads: export once the new run has its first record' };
    if (!hasRecords(m)) return { failed: 'the run has no record yet: export it once its first record is drawn' };
    const gone = { failed: 'the run on screen is no longer kept by its worker: train it again to export it' };
    if (!m.sweep) {
      const p = await this.channel(0).peek<TrainingPeek>();
      if (!p) return gone;
      // A run under way posted the snapshot of these records with them. A stopped one may have taken
      // steps after its last snapshot, before Stop reached it: the panel shows where it stopped (not
      // over an error banner, which an invalid edit that interrupted it put up).
      const now = this.current;
      if (now && now.version === m.version && !this.interrupted && now.run.status === 'stopped' && p.run.status === 'stopped') this.show({ ...now, run: { ...p.run, progress: p.run.progress && now.run.progress && { ...p.run.progress, elapsedMs: now.run.progress.elapsedMs } } }, LIVE);
      const message = this.current?.version === m.version && this.current.run.status === p.run.status ? this.current : { ...m, run: p.run };
      return { message, export: new ResultJson(p.resultJson) };
    }
    const state = this.sweepState;
    if (!state || state.runs.length !== m.sweep.values.length) return gone;
    const { key, path, values } = m.sweep;
    const stopped = m.run.status === 'stopped';
    const runs = await Promise.all(
      values.map(async (_, i) => {
        if (state.ended[i]) return state.results[i];
        const w = state.workerOf[i];
        if (w === null) return null;
        const p = await this.channel(w).peek<TrainingPeek>();
        return p ? new ResultJson(p.resultJson) : null;
      }),
    );
    const file = visibleName(baseName(this.host.uri));
    // A value not sent to any worker yet; a value whose worker no longer had it is null too, not listed.
    const failed = runs.flatMap((r, i) => (r === null && !state.ended[i] && state.workerOf[i] === null ? [{ index: i, value: values[i], error: `${file}: note: sweep value ${i}, ${path} = ${formatNumber(values[i])}: not started: ${stopped ? 'the sweep was stopped before it' : 'the sweep was still training when it was exported'}` }] : []));
    return { message: this.current ?? m, export: { key, path, widthPower: state.widthPower, values, runs, failedValues: failedOf(state.runs), ...(failed.length > 0 ? { failed } : {}) } };
  }

  /** How many of the panel's workers have a job under way (tests). */
  get workersBusy(): number {
    return this.channels.filter((c) => c.busy).length;
  }

  /** The message the page shows now (tests). */
  get shown(): Training | null {
    return this.current;
  }

  async compute({ text, document, version, superseded }: ComputeRequest): Promise<ComputeResult> {
    const interrupted = this.interrupted?.text === text ? this.interrupted : null;
    let resume = this.resumeNext || interrupted?.resume === true;
    this.resumeNext = false;
    this.stopFollowing();
    // What is on screen now: kept (greyed) while a new run loads, and again if it fails.
    const before = this.current?.previous ? this.previous : this.current && hasRecords(this.current) ? { message: this.current, export: this.currentExport } : null;
    // What the file is: parsed here when short (an error needs no worker), else by the worker.
    const described = await this.describe(text);
    if (described === undefined) return undefined;
    // What `flab train` (`flab sweep`) refuses of the file's checkpoints before any step, refused here
    // before the run as the command line does (its folder, each sweep value's, their count, bytes and
    // share of the free disk): until 2026-12-03 the panel trained such a file and said nothing.
    // A sweep's values are checked too, each against the limits at its set-up (its parameters, …), as
    // `flab sweep` refuses them before its first value trains.
    const refused = 'diagnostics' in described || described.kind !== 'network' || !(described.writesCheckpoints || described.sweep) || resume ? null : await this.checkpointsRefused(text);
    if (refused === undefined) return undefined;
    if ('diagnostics' in described || refused) {
      // A run already interrupted by an earlier invalid text stays as it was (a second error, or a
      // Resume clicked meanwhile, made it "stopped by the user", and the text coming back left it so).
      if (!this.interrupted) this.interrupt();
      return this.invalid(version, text, refused ?? ('diagnostics' in described ? described.diagnostics : []), document, described.title ?? null);
    }
    this.interrupted = null;
    if (interrupted && !interrupted.resume) {
      this.services.diagnostics.set(this.host.uri, []);
      return this.show({ ...interrupted.message, version }, interrupted.export);
    }
    this.services.diagnostics.set(this.host.uri, []);
    if (described.kind === 'linear') {
      this.cancelAll();
      return this.invalid(version, text, [LINEAR_FILE], document);
    }
    this.header = { title: described.title ?? baseName(this.host.uri), description: described.description, kind: described.kind };
    this.dataPaths = described.dataFiles.map((f) => resolve(this.baseDir, f));
    // Only the name or the description changed since the finished run on screen, and not its data
    // files: the same run, under the header the text now gives — it trained again from step 0 at every
    // keystroke of a description (and, until the files were compared, kept a rewritten CSV's old run).
    const stamp = dataStamp(this.baseDir, described.dataFiles);
    const shown = this.current;
    if (described.kind === 'network' && !resume && shown && !shown.previous && FINAL.has(shown.run.status) && this.runningText !== null && this.runningStamp === stamp && sameRun(text, this.runningText, MAIN_THREAD_PARSE_LIMIT)) {
      this.cancelAll();
      this.runningText = text;
      const held = this.currentExport;
      const exported = held instanceof ResultJson ? held.withHeader(described.title, described.description) : held && 'name' in held ? { ...held, name: described.title, description: described.description } : held;
      // A sweep's failed values stay in Problems, at their entries in the new text.
      this.runningFailures = described.tree ? this.runningFailures.map((d) => ({ ...d, ...locatePath(described.tree, d.path) })) : [];
      this.services.diagnostics.set(this.host.uri, toVsDiagnostics(this.runningFailures, text, document));
      return this.show({ ...shown, version, title: this.header.title, description: described.description }, exported);
    }
    // The same text on the same data files as the run on screen, which is under way or stopped: the same
    // run — a rename or move of the file (or its folder) computes again, and the run went on from step 0
    // until 2026-12-03. One under way continues in its worker from the step it is at (the job superseded
    // parks it, this one takes it), one stopped stays stopped (Resume continues it), under the new header.
    if (described.kind === 'network' && !resume && shown && !shown.previous && this.runningText === text && this.runningStamp === stamp) {
      if (shown.run.status === 'stopped') return this.show({ ...shown, version, title: this.header.title, description: described.description }, this.currentExport);
      if (shown.run.status === 'training') resume = true;
    }
    // The run last stopped, its text back (an undo after a valid edit): shown stopped again, kept by its
    // workers for Resume; a run of the same text on data files since changed is not it.
    const stopped = this.stoppedRun?.text === text ? this.stoppedRun : null;
    if (stopped && stopped.stamp !== stamp) this.stoppedRun = null;
    if (stopped && stopped.stamp === stamp) {
      if (resume) this.stoppedRun = null;
      else if (described.kind === 'network') {
        this.cancelAll();
        this.runningText = text;
        this.runningStamp = stamp;
        this.runningFailures = [];
        this.sweepState = stopped.sweepState;
        this.holdStopped(stopped);
        return this.show({ ...stopped.message, version, title: this.header.title, description: described.description, cached: false, previous: false }, stopped.export);
      }
    }
    // The text, and the data files as they are now: a run of a CSV file since rewritten is not this run.
    const cacheKey = `${this.baseDir}\u0000${text}\u0000${stamp}`;
    const cached = described.kind === 'network' && !resume ? recall(cacheKey) : undefined;
    if (cached) {
      this.cancelAll();
      // The run on screen is this text's now: a redo back to the text before must not pass for it
      // (it showed this run as that text's, "from the cache", and Export Data wrote this run's rates).
      this.runningText = text;
      this.runningStamp = stamp;
      // A sweep some of whose values failed: their errors in Problems again, as when it ended.
      this.runningFailures = cached.failures;
      this.services.diagnostics.set(this.host.uri, toVsDiagnostics(cached.failures, text, document));
      return this.show({ ...cached.message, version, cached: true }, cached.export);
    }
    this.running = version;
    this.runningText = text;
    this.runningStamp = stamp;
    this.runningFailures = [];
    this.previous = before;
    const outcome = described.sweep ? await this.trainSweep(text, version, { runKind: 'network', title: described.title, description: described.description, sweep: described.sweep }, resume, superseded) : await this.runOne(text, version, resume, superseded);
    if (outcome === undefined) return undefined;
    if (outcome.kind === 'invalid') {
      // The run failed before its first record (its data, its set-up): the page shows the last run
      // under the error banner again, or that there is none — never this run's loading state.
      if (this.current?.version === version) {
        if (before) this.show({ ...before.message, version, previous: false }, before.export);
        else this.show(this.message(version, null, failedView(), null), null);
      }
      // What is on screen is no run of this text: an edit of its name alone must train, not take it for one.
      this.runningText = null;
      return this.invalid(version, text, outcome.diagnostics, document);
    }
    // The values of a sweep that failed are in Problems, and kept with the sweep in the cache of finished
    // runs, as `flab sweep` prints them (the values that trained, each failure located): reopening the
    // panel or undoing to this text shows them at once, the failures back in Problems (until 2026-12-03
    // such a sweep was not kept, and trained again). A run stopped (or cancelled: undefined above) is not kept.
    const failures = (outcome as { failures?: Diagnostic[] }).failures ?? [];
    this.runningFailures = failures;
    if (failures.length > 0) this.services.diagnostics.set(this.host.uri, toVsDiagnostics(failures, text, document));
    if (outcome.message.run.status !== 'following' && outcome.message.run.status !== 'stopped' && described.kind === 'network') remember(cacheKey, { message: outcome.message, export: outcome.export, failures });
    if (outcome.message.kind === 'checkpoints') this.startFollowing(text, version);
    return this.show(outcome.message, outcome.export);
  }

  receive(raw: unknown): boolean {
    const m = parseFromTraining(raw);
    if (!m || m.type === 'ready' || m.type === 'reveal') return false;
    switch (m.type) {
      case 'stop':
        this.stop();
        break;
      case 'resume':
        this.resumeNext = true;
        this.host.refresh(true);
        break;
      case 'chartImage':
      case 'chartFigure': {
        this.chartRequests.answer(m.requestId, m);
        break;
      }
    }
    return true;
  }

  /** Whether `uri` is one of the data files of the text last computed (an export must not be offered their name). */
  readsFile(uri: vscode.Uri): boolean {
    return uri.scheme === 'file' && this.dataPaths.includes(uri.fsPath);
  }

  filesChanged(uris: readonly vscode.Uri[]): boolean {
    // A data file, or a folder that holds one (deleted, or put back, as one event).
    return uris.some((uri) => uri.scheme === 'file' && this.dataPaths.some((p) => p === uri.fsPath || p.startsWith(uri.fsPath + sep)));
  }

  retargeted(oldUri: vscode.Uri): void {
    this.services.diagnostics.delete(oldUri);
  }

  dispose(): void {
    this.stopFollowing();
    for (const c of this.channels) c.dispose();
  }

  /** The figure of the charts as shown: a PNG drawn by the page, or what the host draws as SVG. */
  async chartFigure(options: FigureOptions, timeoutMs = 15_000): Promise<{ png: Uint8Array } | { figure: ChartFigure['figure'] }> {
    const deadline = Date.now() + timeoutMs;
    await this.host.whenReady(timeoutMs);
    const answer = await this.chartRequests.ask((requestId) => this.host.post({ type: 'exportChart', requestId, ...options }), deadline - Date.now());
    return answer.type === 'chartImage' ? { png: pngOfDataUrl(answer.dataUrl) } : { figure: answer.figure };
  }

  private get baseDir(): string {
    return this.host.uri.scheme === 'file' ? dirname(this.host.uri.fsPath) : (vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd());
  }

  private channel(i: number): WorkerChannel<TrainingJob, TrainingOutcome, TrainingSnapshot> {
    while (this.channels.length <= i) this.channels.push(trainingChannel(this.services.workerPath));
    return this.channels[i];
  }

  private cancelAll(): void {
    this.cancelFrom(0);
  }

  /** Cancels the jobs of the workers from the `from`-th on. */
  private cancelFrom(from: number): void {
    for (const c of this.channels.slice(from)) c.cancel();
  }

  /**
   * An invalid edit while a run is on screen: the run stops (the worker keeps it) and shows as
   * stopped, and is remembered with its text, so that the text coming back continues it. A run with no
   * record yet (the last result still on screen, greyed, under its status) has nothing to show or
   * continue: it is dropped, and the last result comes back as it was — under the error banner, without
   * a Resume that would have nothing to resume (it showed "Stopped" over the old run's curves before).
   */
  private interrupt(): void {
    const m = this.current;
    const status = m?.run.status;
    if (m?.previous && this.previous) {
      this.cancelAll();
      this.show({ ...this.previous.message, version: m.version, previous: false }, this.previous.export);
      return;
    }
    this.stop();
    if (m && this.runningText !== null && (status === 'training' || status === 'loading' || status === 'stopped')) {
      this.interrupted = { text: this.runningText, resume: status !== 'stopped', message: this.current!, export: this.currentExport };
    }
  }

  /** Stop: the workers keep the trained state; the page shows the run as stopped, with Resume. */
  private stop(): void {
    this.cancelAll();
    const m = this.current;
    if (m && (m.run.status === 'training' || m.run.status === 'loading')) {
      const since = performance.now() - this.shownAt;
      this.show({ ...m, run: stoppedRun(m.run, since), sweep: m.sweep && { ...m.sweep, runs: m.sweep.runs.map((r) => r && stoppedRun(r, since)) } }, this.currentExport);
      if (!m.previous && this.runningText !== null && this.runningStamp !== null) this.stoppedRun = { text: this.runningText, stamp: this.runningStamp, message: this.current!, export: this.currentExport, sweepState: this.sweepState };
    }
  }

  /**
   * A snapshot of the run in progress. Until it has a record, the run shown before it (if any) stays
   * on screen, greyed, under this run's status (loading the data, building the network): an edit
   * does not blank the panel.
   */
  private showSnapshot(version: number, message: Training, exported: Exported | null): void {
    const before = this.previous;
    if (before && !hasRecords(message)) {
      this.show({ ...before.message, version, run: { ...before.message.run, status: message.run.status, progress: message.run.progress }, cached: false, stoppable: message.stoppable, previous: true }, before.export);
      return;
    }
    this.show(message, exported);
  }

  private show(message: Training, exported: Exported | null): ComputeResult {
    this.current = message;
    this.shownAt = performance.now();
    this.currentExport = exported;
    this.host.showResult(message);
    return { kind: 'result', message };
  }

  /** The errors of `text`, in the banner and in the Problems panel (a panel owns its file's problems). */
  private invalid(version: number, text: string, diagnostics: Parameters<typeof toErrorInfo>[0], document: vscode.TextDocument, title: string | null = null): ComputeResult {
    this.services.diagnostics.set(this.host.uri, toVsDiagnostics(diagnostics, text, document));
    const message: Invalid = { type: 'invalid', version, errors: toErrorInfo(diagnostics, text), title };
    return { kind: 'invalid', message };
  }

  /**
   * The file's kind, title, description, sweep and data files, or its errors: parsed on the main thread up
   * to MAIN_THREAD_PARSE_LIMIT characters, by the worker beyond (undefined when superseded meanwhile).
   */
  private async describe(text: string): Promise<{ diagnostics: Diagnostic[]; title?: string | null } | { kind: 'linear' | 'network' | 'checkpoints'; title: string | null; description: string | null; sweep: RunHeader['sweep']; dataFiles: string[]; writesCheckpoints: boolean; tree?: Node } | undefined> {
    if (text.length <= MAIN_THREAD_PARSE_LIMIT) {
      const parsed = parseAnyExperiment(text);
      if (!parsed.parsed) return { diagnostics: parsed.diagnostics, title: treeName(parsed.tree) };
      if (parsed.parsed.kind === 'linear') return { kind: 'linear', title: null, description: null, sweep: null, dataFiles: [], writesCheckpoints: false };
      const h = experimentHeader(parsed.parsed);
      return { kind: h.runKind, title: h.title, description: h.description, sweep: h.sweep, dataFiles: h.dataFiles, writesCheckpoints: h.writesCheckpoints, tree: parsed.tree };
    }
    const r = await this.channel(0).run({ ...this.job(text, null, false), describeOnly: true });
    if (r.superseded) return undefined;
    const o = r.result;
    if (o.kind === 'invalid') return { diagnostics: o.diagnostics };
    if (o.kind === 'linear') return { kind: 'linear', title: null, description: null, sweep: null, dataFiles: [], writesCheckpoints: false };
    return { kind: o.runKind, title: o.title, description: o.description, sweep: o.sweep, dataFiles: o.dataFiles, writesCheckpoints: o.writesCheckpoints };
  }

  /**
   * The refusal of the file's checkpoints (and of a sweep value past a limit at its set-up) that
   * `flab train` or `flab sweep` would make before any step (the worker's `checkOnly` job: the same
   * functions), located; null when there is none;
   * undefined when superseded meanwhile.
   */
  private async checkpointsRefused(text: string): Promise<Diagnostic[] | null | undefined> {
    const r = await this.channel(0).run({ ...this.job(text, null, false), checkOnly: true });
    if (r.superseded) return undefined;
    return r.result.kind === 'invalid' ? r.result.diagnostics : null;
  }

  /**
   * A job of `text`: its identity is that of the data files of the run under way (`runningStamp`),
   * which a rename leaves as it is; the stopped run the panel remembers is kept by the worker.
   */
  private job(text: string, sweepIndex: number | null, resume: boolean): TrainingJob {
    const keep = this.stoppedRun && { text: this.stoppedRun.text, identity: runIdentity(this.stoppedRun.stamp) };
    return { text, fileName: baseName(this.host.uri), baseDir: this.baseDir, sweepIndex, resume, identity: runIdentity(this.runningStamp ?? ''), keep };
  }

  /**
   * The stopped run `s` shown again: each of its workers brings it back (`TrainingJob.hold`), so that
   * Export Data's peek gets it, not the run the edit trained since.
   */
  private holdStopped(s: NonNullable<TrainingDelegate['stoppedRun']>): void {
    const state = s.sweepState;
    const held = state && state.text === s.text ? state.workerOf.flatMap((w, i) => (w !== null && !state.ended[i] ? [{ w, i }] : [])) : [{ w: 0, i: null }];
    for (const { w, i } of held) void this.channel(w).run({ ...this.job(s.text, i, true), hold: true });
  }

  private message(version: number, o: RunHeader | null, run: RunView, sweep: SweepView | null): Training {
    const kind = o?.runKind ?? this.header?.kind ?? 'network';
    const title = o?.title ?? this.header?.title ?? baseName(this.host.uri);
    return { type: 'training', version, title, description: o?.description ?? this.header?.description ?? null, kind, run, sweep, cached: false, stoppable: kind === 'network' };
  }

  /** The file as written: one job, snapshots posted as they come. */
  private async runOne(text: string, version: number, resume: boolean, superseded: () => boolean): Promise<{ kind: 'run'; message: Training; export: HeldExport } | { kind: 'invalid'; diagnostics: Diagnostic[] } | undefined> {
    // A sweep's values under way on the other workers are no longer wanted (they trained on to their end).
    this.cancelFrom(1);
    const r = await this.channel(0).run(this.job(text, null, resume), (snapshot) => {
      if (this.running === version && !superseded()) this.showSnapshot(version, this.message(version, null, snapshot, null), LIVE);
    });
    if (r.superseded) return undefined;
    const o = r.result;
    if (o.kind === 'invalid') return { kind: 'invalid', diagnostics: o.diagnostics };
    if (o.kind === 'linear') return { kind: 'invalid', diagnostics: [LINEAR_FILE] };
    return { kind: 'run', message: this.message(version, o, o.run, null), export: heldResult(o) };
  }

  /**
   * A sweep: one job per value, on one worker per core (each lane takes the next value), the panel
   * shown from the start as one run (`sweepRun`: training until every value has ended, its steps
   * summed over the values) with each value's curves; `sweepHeader` is the file's own (describe).
   */
  private async trainSweep(text: string, version: number, sweepHeader: RunHeader, resume: boolean, superseded: () => boolean): Promise<{ kind: 'run'; message: Training; export: HeldExport; failures?: Diagnostic[] } | { kind: 'invalid'; diagnostics: Diagnostic[] } | undefined> {
    const count = sweepHeader.sweep?.values.length ?? 0;
    const workers = Math.max(1, Math.min(count, availableParallelism()));
    this.cancelFrom(workers);
    // Resume continues the sweep Stop left: its ended values kept, each stopped one on the worker that
    // holds it (Resume retrained the ended values, and a worker that took another value first dropped
    // the one it held), its time counted on.
    const kept = resume && this.sweepState?.text === text && this.sweepState.runs.length === count ? this.sweepState : null;
    const state: SweepState = kept ?? { text, widthPower: sweepHeader.sweep?.widthPower ?? null, runs: new Array(count).fill(null), results: new Array(count).fill(null), ended: new Array(count).fill(false), workerOf: new Array(count).fill(null), elapsedMs: 0 };
    this.sweepState = state;
    const { runs, results, ended, workerOf } = state;
    // The sweep as the file gives it, known before any value has ended (the header came with the
    // first value's end until 2026-12: nothing was shown before it, and the last run stayed as it was).
    const header = sweepHeader;
    let invalid: Diagnostic[] | undefined;
    // The failures of values of this pass (each located at its sweep entry).
    const failures: Diagnostic[] = [];
    let stopped = false;
    const before = state.elapsedMs;
    const started = Date.now();
    const elapsed = () => before + Date.now() - started;
    const post = () => {
      if (this.running !== version || superseded() || !header.sweep) return;
      state.elapsedMs = elapsed();
      const sweep: SweepView = { key: header.sweep.key, path: header.sweep.path, values: header.sweep.values, runs, current: header.sweep.current };
      this.showSnapshot(version, this.message(version, header, sweepRun(sweep, ended, workerOf, workers, state.elapsedMs), sweep), LIVE);
    };
    post();
    const lane = async (w: number): Promise<void> => {
      // A lane of a computation superseded takes no further value (it would supersede the newer one's job on its worker).
      while (!stopped && invalid === undefined && !superseded()) {
        const i = nextSweepValue(ended, workerOf, w);
        if (i === null) return;
        workerOf[i] = w;
        const r = await this.channel(w).run(this.job(text, i, resume), (snapshot) => {
          runs[i] = snapshot;
          post();
        });
        if (r.superseded) {
          stopped = true;
          return;
        }
        if (r.result.kind !== 'run') {
          const diagnostics = r.result.kind === 'invalid' ? r.result.diagnostics : [LINEAR_FILE];
          // A value's own failure (its data cannot be had, its set-up refused: located at its sweep
          // entry, as `flab sweep` reports it) blanks no other value: it is shown failed, in Problems,
          // and the others train on. Until 2026-12-03 it made the whole sweep invalid, the values that
          // had finished replaced by the run before (or nothing).
          if (diagnostics.length > 0 && diagnostics.every(ownFailure)) {
            runs[i] = { ...(runs[i] ?? loadingRunView()), status: 'failed', progress: null };
            results[i] = null;
            ended[i] = true;
            failures.push(...diagnostics);
            post();
            continue;
          }
          invalid = diagnostics;
          return;
        }
        runs[i] = r.result.run;
        results[i] = heldResult(r.result) as TrainResult | ResultJson;
        ended[i] = true;
        post();
      }
    };
    await Promise.all(Array.from({ length: workers }, (_, w) => lane(w)));
    if (invalid) return { kind: 'invalid', diagnostics: invalid };
    if (stopped || !header.sweep) return undefined;
    this.sweepState = null;
    // No value trained: the sweep failed, as one run that fails.
    if (failures.length > 0 && runs.every((r) => r === null || r.status === 'failed')) return { kind: 'invalid', diagnostics: failures };
    const sweep: SweepView = { key: header.sweep.key, path: header.sweep.path, values: header.sweep.values, runs, current: header.sweep.current };
    // Export Data's sweep: what `flab sweep --json` prints (networkSweepJson), its width power included.
    return { kind: 'run', message: this.message(version, header, sweepRun(sweep, ended, workerOf, workers, elapsed()), sweep), export: { key: sweep.key, path: sweep.path, widthPower: header.sweep.widthPower, values: sweep.values, runs: results, failedValues: failedOf(runs) }, failures };
  }

  /** A checkpoint folder: read again every FOLLOW_EVERY_MS while the panel shows this text. */
  private startFollowing(text: string, version: number): void {
    this.stopFollowing();
    this.follow = setInterval(() => {
      if (this.following) return;
      this.following = true;
      void this.channel(0)
        .run(this.job(text, null, false))
        .then((r) => {
          if (r.superseded || r.result.kind !== 'run' || this.current?.version !== version) return;
          const changed = JSON.stringify(r.result.run) !== JSON.stringify(this.current.run);
          if (changed) this.show({ ...this.current, run: r.result.run }, heldResult(r.result));
        })
        .catch((err: unknown) => this.host.failed('following the checkpoints', err))
        .finally(() => (this.following = false));
    }, FOLLOW_EVERY_MS);
  }

  private stopFollowing(): void {
    if (this.follow !== undefined) clearInterval(this.follow);
    this.follow = undefined;
  }
}

/** A sweep under way, kept for Resume: each value's run and result so far, which have ended, the worker each went to, the time spent. */
interface SweepState {
  text: string;
  /** The sweep's width power as its header gives it (`networkWidthPower`), for Export Data. */
  widthPower: SweepWidthPower | null;
  runs: (RunView | null)[];
  results: (TrainResult | ResultJson | null)[];
  ended: boolean[];
  workerOf: (number | null)[];
  elapsedMs: number;
}

/** What a worker's outcome says of the file beside its run: its kind, header and sweep. */
type RunHeader = Pick<Extract<TrainingOutcome, { kind: 'run' }>, 'runKind' | 'title' | 'description' | 'sweep'>;

/** Whether a run's error is a sweep value's own: located at that value's entry of the sweep (`sweepRunError`: `sweep value 2, …`). */
function ownFailure(d: Diagnostic): boolean {
  return d.severity === 'error' && d.path.startsWith('sweep.') && d.message.startsWith('sweep value ');
}

/** The values of a sweep whose run failed (their indices): the CSV's status `failed`, not `not started`. */
function failedOf(runs: readonly (RunView | null)[]): number[] {
  return runs.flatMap((r, i) => (r?.status === 'failed' ? [i] : []));
}

/** A run's identity in its worker (`TrainingJob.identity`): its data files' (`dataStamp`), whatever the file's name or folder. */
function runIdentity(stamp: string): string {
  return `data\u0000${stamp}`;
}

/** A run that failed before its first record, with no earlier run to show: nothing drawn, no progress. */
function failedView(): RunView {
  return { ...loadingRunView(), status: 'failed' };
}

/** The training panel's factory: no options (the document says everything). */
export function trainingFactory(services: TrainingServices): DelegateFactory<TrainingDelegate, Record<string, never>> {
  return {
    create: (host) => new TrainingDelegate(host, services),
    restore: () => ({}),
  };
}
