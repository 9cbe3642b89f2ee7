/**
 * The training worker's computation (no vscode import; the unit tests call it directly): a network
 * experiment trained, or a checkpoint folder read, for the training panel (docs/networks.md, "The
 * panel"), as `RunView`s the page draws. One module state per worker thread:
 * - a stopped training is kept (its tensors, its step), so that Resume continues it exactly — at most
 *   two (`kept`): the panel's stopped run and the one a job continues (a rename);
 * - a checkpoint reader is kept per file, so that following the folder reads each checkpoint once.
 */
import { sweepCheckpointCountRefusal, sweepCheckpointLimitRefusal, sweepRunError, sweepSetupRefusal, sweepValueTrainSet } from '../core/analysis/networkSweep';
import { Diagnostic, formatCount, visibleName } from '../core/experiment/diagnostic';
import { ExperimentError } from '../core/experiment/errors';
import { locatedProblem, locatePath } from '../core/experiment/parse';
import { CheckpointReader, CheckpointsResult } from '../core/checkpoints/checkpointReader';
import { checkpointWriters, folderWriter, folderWriterNote, folderWriterPhrase, surveyFolder } from '../core/checkpoints/checkpointFolder';
import { networkParameters } from '../core/figures/parameters';
import { DEFAULT_LAYER_THRESHOLDS, explainLayerLabel, LayerScores, LayerThresholds } from '../core/mechanisms/layerLabel';
import { DataError, reportedMessage } from '../core/network/data/dataError';
import { LoadedDataCache } from '../core/network/data/loadedDataCache';
import { NetworkExperiment, networkVariant, sweepValuePlans } from '../core/network/networkExperiment';
import { INITIAL_LOSS_NOT_FINITE, TrainingSetupError } from '../core/network/train';
import { deadEndRemedy, deadRemedy, divergedTargetNote, notTrainedNote, saturatedStartRemedy, zeroInitRemedy } from '../core/runs/notes';
import { AnyExperiment, experimentHeader, parseAnyExperiment } from '../core/runs/anyExperiment';
import { checkpointReaderOf } from '../core/runs/checkpoints';
import { checkpointFolderOf, checkpointFolderRefusal, checkpointPlanOf, checkpointPlanRefusal, finalWeightNorm, NetworkRun, sweepVariant, TrainResult } from '../core/runs/train';
import { sweepValueError } from '../core/analysis/sweep';
import { loadingRunView, PaceWindow, timeLeft, type LearningCurves, type PaceMark, type RunStatus, type RunView, type VerdictView } from '../protocol/training';
import type { TrainingJob, TrainingOutcome } from '../protocol/workers';
import { abortError } from './workerServer';

/** A snapshot is posted at most this often while training. */
export const SNAPSHOT_EVERY_MS = 250;

/**
 * A training stopped (by Stop, an invalid edit, or a newer job), kept for Resume, with where its pace
 * is measured from, and what a peek of it gets. `key` is its text and identity (`runKey`).
 */
interface Kept { key: string; text: string; identity: string; run: NetworkRun; elapsedMs: number; pace: PaceWindow; step: number; soFar: () => TrainingSoFar }

/**
 * The trainings this worker keeps stopped, the last stopped last (docs/networks.md, "The panel"): at
 * most two — the run the panel remembers as stopped (`TrainingJob.keep`), and the job's own when it
 * is its Resume (a rename, a Resume) — every other one disposed when a job starts or parks one. The
 * last one answers a peek.
 */
const kept: Kept[] = [];

/**
 * The training job last begun has let go (ended, or parked its run in `kept`): a job waits for it
 * before it looks at `kept`. Until 2026-12-03 a job began at once, beside the one it superseded,
 * which was still between two steps: a Resume (a rename) found nothing kept and trained from step 0,
 * and the job superseded then set the kept run over the next job's (its tensors never freed).
 */
let lastTraining: Promise<void> = Promise.resolve();

/**
 * Settles once the training job last begun has taken what it keeps (`kept`), null when it has: a peek
 * asked meanwhile waits for it (Export Data right after the panel brought a stopped run back, `hold`,
 * got the run the edit had trained since).
 */
let choosing: Promise<void> | null = null;
/** A training job is loading its data or building its network: a peek gets nothing yet. */
let loading = false;

/** Disposes every kept run but those `wanted` says to keep. */
function keepOnly(wanted: (k: Kept) => boolean): void {
  for (let i = kept.length - 1; i >= 0; i--) {
    if (wanted(kept[i])) continue;
    kept[i].run.dispose();
    kept.splice(i, 1);
  }
}

/** Whether the job names `k` (its own run: same text, identity and sweep value) or the panel keeps it (`TrainingJob.keep`: same text and identity, any value). */
function wantedBy(job: TrainingJob, own: boolean): (k: Kept) => boolean {
  const key = runKey(job);
  return (k) => (own && k.key === key) || (job.keep != null && k.text === job.keep.text && k.identity === (job.keep.identity ?? job.baseDir));
}

/**
 * A run as the panel asks for it during its training, or once stopped (`peekTraining`): the run as the
 * panel draws it now, and its records so far as `flab train --json` prints them — `summary.status`
 * "training" while it trains, "stopped" once Stop has kept it.
 */
export interface TrainingSoFar {
  run: RunView;
  result: TrainResult;
}

/**
 * The training under way, and the peeks waiting for it to reach a point between two steps
 * (`peekTraining`). A job superseded lets go at its next cancel point, after the next job has begun:
 * each training answers its own peeks, and clears this only while it is its own.
 */
let underWay: { peekers: ((p: TrainingSoFar | null) => void)[]; signal: AbortSignal } | null = null;

/**
 * What this worker has so far (the training panel's Export Data during a run, or after Stop), given to
 * `answer` once: the training under way at its next point between two steps (never inside one, whose
 * tensors are in use), else the training Stop kept, else null (none: loading its data, or no run).
 */
export function peekTraining(answer: (p: TrainingSoFar | null) => void): void {
  // A training superseded by a job waiting for it answers nothing: the job after it does, once it has chosen.
  if (underWay && !(underWay.signal.aborted && choosing)) underWay.peekers.push(answer);
  else if (choosing) void choosing.then(() => peekTraining(answer));
  else answer(!loading && kept.length > 0 ? kept[kept.length - 1].soFar() : null);
}

/** The peeks waiting for `of`, answered with `soFar` (when there are any: a result of every record is not free). */
function answerPeeks(of: { peekers: ((p: TrainingSoFar | null) => void)[] }, soFar: (() => TrainingSoFar | null) | null): void {
  if (of.peekers.length === 0) return;
  const p = soFar ? soFar() : null;
  for (const answer of of.peekers.splice(0)) answer(p);
}
/** Checkpoint readers by file (text and folder): following a folder reads each checkpoint once. */
const readers = new Map<string, CheckpointReader>();
const MAX_READERS = 2;
/** The data of the worker's last run: an edit that leaves `data` and its files alone trains on it again. */
const dataCache = new LoadedDataCache();

/** What is run: the file's text, its identity (`TrainingJob.identity`, else its folder), and which value of its sweep. */
function runKey(job: TrainingJob): string {
  return `${job.identity ?? job.baseDir}\u0000${job.sweepIndex ?? ''}\u0000${job.text}`;
}

function located(diagnostics: Diagnostic[]): TrainingOutcome {
  return { kind: 'invalid', diagnostics };
}

/**
 * Runs one job. A network trains (or resumes) until it ends or the signal fires; the signal keeps it
 * for Resume and rejects with an AbortError. Snapshots of the records so far go to `snapshot`.
 */
export async function runTrainingJob(job: TrainingJob, signal: AbortSignal, snapshot: (run: RunView) => void): Promise<TrainingOutcome> {
  const parsed = parseAnyExperiment(job.text);
  if (!parsed.parsed) return { kind: 'invalid', diagnostics: parsed.diagnostics };
  const any = parsed.parsed;
  if (any.kind === 'linear') return { kind: 'linear' };
  const header = experimentHeader(any);
  if (job.describeOnly) return { kind: 'run', ...header, run: loadingRunView(), result: null };
  try {
    if (job.checkOnly) {
      const refused = any.kind === 'network' ? await checkpointsChecked(any.experiment, job, signal) : null;
      return refused ? locatedError(refused, parsed.tree, job.text) : { kind: 'run', ...header, run: loadingRunView(), result: null };
    }
    if (any.kind === 'checkpoints') return { kind: 'run', ...header, ...(await followCheckpoints(job, any.experiment, signal)) };
    return { kind: 'run', ...header, ...(await train(job, any.experiment, signal, snapshot)) };
  } catch (err) {
    if (signal.aborted || (err instanceof Error && err.name === 'AbortError')) throw abortError('the training');
    // A sweep value's own failure is located at its entry of the sweep, as `flab sweep` reports it.
    const sweepValue = any.kind === 'network' && job.sweepIndex !== null ? await sweepRunError(any.experiment, job.sweepIndex, err, { baseDir: job.baseDir }) : err;
    return locatedError(sweepValue, parsed.tree, job.text);
  }
}

/**
 * What `flab train` (with a sweep, `flab sweep`) refuses of the file's checkpoints before any step, as
 * an error located at its key, or null — the same functions, so that the panel says before it trains
 * what the command line would refuse (docs/networks.md, "The panel"): the folder (a NUL byte, a
 * dangling or looping link, /sys, a path beginning with `~`, a metrics.jsonl that is a link;
 * `checkpointFolderRefusal`), each sweep value's folder and, for a length in steps, the count of its
 * checkpoints (`sweepCheckpointCountRefusal`) before the data is read; then, with the data as read
 * (the file's own; a value of a sweep over `data.train` with its own sample count,
 * `sweepValueTrainSet`, as `flab sweep` plans it), every sweep value's limits at its set-up
 * (`sweepSetupRefusal`: its parameters, its epochs' steps, its records kept; with or without
 * checkpoints) and the checkpoints' count, bytes and share of the free disk (`checkpointPlanRefusal`)
 * of the run, or of every value at its sweep entry. A data file that cannot be read is left to the run, which locates its error.
 */
async function checkpointsChecked(e: NetworkExperiment, job: TrainingJob, signal: AbortSignal): Promise<ExperimentError | null> {
  if (!e.checkpoints && !e.sweep) return null;
  const where = { baseDir: job.baseDir, fileName: job.fileName };
  const before = e.checkpoints ? (checkpointFolderRefusal(e, where, { sweep: true }) ?? sweepCheckpointCountRefusal(e)) : null;
  if (before) return before;
  let train;
  try {
    train = (await dataCache.load(e.data, { baseDir: job.baseDir, signal })).train;
  } catch (err) {
    if (signal.aborted) throw err;
    return null;
  }
  // Every sweep value's limits at its set-up (its parameters, its epochs' steps, its records), as
  // `flab sweep` refuses them before its first value trains (2026-12-03: the panel trained the values
  // before one past a limit, then marked that one failed).
  const overLimit = e.sweep ? sweepSetupRefusal(e, train, e) : null;
  if (overLimit || !e.checkpoints) return overLimit;
  const spec = e.sweep;
  if (!spec) {
    const plan = checkpointPlanOf(e, train);
    return plan && checkpointPlanRefusal(e, checkpointFolderOf(e, where), plan);
  }
  const variants = spec.values.map((_, j) => {
    try {
      return sweepVariant(e, where, j);
    } catch {
      return null; // the value's run reports it
    }
  });
  const plans = variants.map((v, j) => {
    const own = v && sweepValueTrainSet(e, j, train, e);
    return v && own ? planOrNull(v, own) : null;
  });
  const limited = sweepCheckpointLimitRefusal(spec, plans);
  if (limited) return limited;
  for (const [j, v] of variants.entries()) {
    const plan = plans[j];
    const refused = v && plan && (await checkpointPlanRefusal(v, checkpointFolderOf(v, where), plan));
    if (refused) return sweepValueError(spec, j, refused.message);
  }
  return null;
}

/** The checkpoint plan of a sweep value's run on `train`, or null when the file's checks refuse the value (its run reports it). */
function planOrNull(e: NetworkExperiment, train: Parameters<typeof checkpointPlanOf>[1]): ReturnType<typeof checkpointPlanOf> {
  try {
    return checkpointPlanOf(e, train);
  } catch {
    return null;
  }
}

/**
 * The panel's notice on `training.checkpoints`: it writes none (it trains again on every edit) — and,
 * first, when `flab train` (`flab sweep`) would refuse the folder now because a run or sweep of
 * another process holds it (`folderWriter`: its lock, or a sweep's in the folder above), or because
 * another writer's checkpoints or metrics.jsonl are in it (`surveyFolder`), that, as flab train would
 * say it. A sweep's values write into folders of their own, which are not surveyed; nor is a folder
 * that does not exist yet or cannot be read (flab train makes it, or says why).
 */
async function checkpointsNotice(e: NetworkExperiment, job: TrainingJob): Promise<string> {
  const plain = 'training.checkpoints: the panel writes no checkpoints (it trains again on every edit); `flab train` writes them.';
  const folder = checkpointFolderOf(e, { baseDir: job.baseDir, fileName: job.fileName });
  const writer = folderWriter(folder);
  if (writer) return `${e.checkpoints?.path !== undefined ? 'training.checkpoints.path' : 'training.checkpoints'}: \`flab ${e.sweep ? 'sweep' : 'train'}\` would refuse the folder ${folder} now: ${folderWriterPhrase(writer)}. (The panel writes no checkpoints: it trains again on every edit.)`;
  if (e.sweep) return plain;
  let refusal: string | null = null;
  try {
    refusal = (await surveyFolder(folder)).refusal;
  } catch {
    return plain;
  }
  if (!refusal) return plain;
  const key = e.checkpoints?.path !== undefined ? 'training.checkpoints.path' : 'training.checkpoints';
  return `${key}: \`flab train\` would refuse the folder ${folder}: ${refusal}. (The panel writes no checkpoints: it trains again on every edit.)`;
}

async function train(job: TrainingJob, file: Extract<AnyExperiment, { kind: 'network' }>['experiment'], signal: AbortSignal, snapshot: (run: RunView) => void): Promise<{ run: RunView; result: TrainResult }> {
  // The training before this one lets go first (it parks its run at its next point between two steps).
  const before = lastTraining;
  let letGoOfWorker: () => void = () => undefined;
  lastTraining = new Promise<void>((resolve) => (letGoOfWorker = resolve));
  let chosen: () => void = () => undefined;
  const mine = new Promise<void>((resolve) => (chosen = resolve));
  choosing = mine;
  const choose = () => {
    if (choosing === mine) choosing = null;
    chosen();
  };
  try {
    await before;
    if (signal.aborted) throw abortError('the training');
    return await trainAfter(job, file, signal, snapshot, choose);
  } finally {
    choose();
    loading = false;
    letGoOfWorker();
  }
}

/** `train` once the training before has let go; `chosen`: called once what is kept is settled. */
async function trainAfter(job: TrainingJob, file: Extract<AnyExperiment, { kind: 'network' }>['experiment'], signal: AbortSignal, snapshot: (run: RunView) => void, chosen: () => void): Promise<{ run: RunView; result: TrainResult }> {
  const key = runKey(job);
  let run: NetworkRun;
  let elapsedBefore = 0;
  // The time left is at the pace of the last seconds since the first record (`PaceWindow`): not over
  // the set-up of the trainer's sessions, the bridge's exact flow and the first record's measurements.
  let pace = new PaceWindow();
  // The step the trainer is at (its progress, between records), and its epoch.
  let at: { step: number; epoch: number } | null = null;
  // What is kept and no longer wanted goes: a run of another text the panel does not remember, and
  // this text's own unless this is its Resume.
  keepOnly(wantedBy(job, job.resume));
  const mineAt = kept.findIndex((k) => k.key === key);
  const own = mineAt >= 0 ? kept.splice(mineAt, 1)[0] : null;
  if (own && job.hold) {
    // Only brought back: kept again, last (a peek answers it), nothing trained.
    kept.push(own);
    chosen();
    throw abortError('the training');
  }
  loading = !own && !job.hold;
  chosen();
  if (own) {
    ({ run, elapsedMs: elapsedBefore, pace } = own);
    at = { step: own.step, epoch: own.step / Math.max(1, run.training.stepsPerEpoch) };
  } else {
    if (job.hold) throw abortError('the training');
    const e = job.sweepIndex === null || !file.sweep ? file : networkVariant(file, file.sweep.path, file.sweep.values[job.sweepIndex]);
    snapshot(loadingRunView());
    // The panel's runs, redone on every edit, write no checkpoints: `flab train` does.
    run = await NetworkRun.load(e, { baseDir: job.baseDir, fileName: job.fileName, signal, writeCheckpoints: false, dataCache });
  }
  const began = performance.now();
  const elapsed = () => elapsedBefore + performance.now() - began;
  let lastSnapshot = 0;
  const notices = file.checkpoints ? [await checkpointsNotice(file, job)] : [];
  const drawn = drawnBudget(job.sweepIndex !== null && file.sweep ? file.sweep.values.length : 1);
  // A sweep value: the length of every value on its training set and the work of its steps, for the sweep's time left (`sweepTimeLeft`).
  // Each value's own training set where it is known from this one (a sweep over data.train: its subset size).
  const trainSet = run.data.train;
  const plans = job.sweepIndex !== null && file.sweep ? sweepValuePlans(file, trainSet, (j) => sweepValueTrainSet(file, j, trainSet, run.experiment)) : undefined;
  const valueSteps = plans?.map((p) => p.steps);
  const valueStepWork = plans?.map((p) => p.stepWork);
  // The data are loaded and the network built: training, at step 0, with Stop (the panel said "Loading
  // the data…" through a first step of a minute).
  const time = () => ({ elapsedMs: elapsed(), since: pace.since(), at, valueSteps, valueStepWork });
  snapshot(networkView(run.result(), 'training', run, time(), notices, drawn));
  // A peek (Export Data during the run) gets the records so far and the view drawn of them, which is
  // also posted as a snapshot: the panel then shows what the file holds.
  // The run's records so far, drawn and posted as a snapshot (at a record's cadence, and for a peek).
  const post = (r: TrainResult): RunView => {
    lastSnapshot = performance.now();
    const view = networkView(r, 'training', run, time(), notices, drawn);
    snapshot(view);
    return view;
  };
  const training = (): TrainingSoFar => {
    const r = run.result();
    return { run: post(r), result: { ...r, summary: { ...r.summary, status: 'training' } } };
  };
  const mine: { peekers: ((p: TrainingSoFar | null) => void)[]; signal: AbortSignal } = { peekers: [], signal };
  underWay = mine;
  loading = false;
  const letGo = () => {
    if (underWay === mine) underWay = null;
  };
  let outcome;
  try {
    outcome = await run.run({
      shouldStop: () => signal.aborted,
      onRecord: (r) => {
        if (!pace.since()) pace.add({ elapsedMs: elapsed(), step: r.step });
      },
      onProgress: (p) => {
        at = { step: p.step, epoch: p.epoch };
        answerPeeks(mine, training);
        if (performance.now() - lastSnapshot < SNAPSHOT_EVERY_MS) return;
        if (pace.since()) pace.add({ elapsedMs: elapsed(), step: p.step });
        post(run.result());
      },
    });
  } catch (err) {
    letGo();
    answerPeeks(mine, null);
    throw err;
  }
  letGo();
  if (outcome.status === 'stopped') {
    const stoppedAt = { elapsedMs: elapsed(), since: null, at, valueSteps, valueStepWork };
    const soFar = (): TrainingSoFar => {
      const r = run.result();
      return { run: networkView(r, 'stopped', run, stoppedAt, notices, drawn), result: r };
    };
    kept.push({ key, text: job.text, identity: job.identity ?? job.baseDir, run, elapsedMs: elapsed(), pace, step: at?.step ?? 0, soFar });
    keepOnly(wantedBy(job, true));
    answerPeeks(mine, soFar);
    throw abortError('the training');
  }
  const result = run.result();
  // The summary's status is the one flab train prints (printedStatus: a loss not finite at θ₀ is notTrained).
  const { status } = result.summary;
  const view = networkView(result, status === 'diverged' || status === 'notTrained' ? status : 'finished', run, { elapsedMs: elapsed(), since: null, at: null, valueSteps, valueStepWork }, notices, drawn);
  // A peek that came with the last step: the run as it ended.
  answerPeeks(mine, () => ({ run: view, result }));
  run.dispose();
  return { run: view, result };
}

/** The checkpoint folder as read now: a reader kept per file reads only what is new. */
async function followCheckpoints(job: TrainingJob, e: Extract<AnyExperiment, { kind: 'checkpoints' }>['experiment'], signal: AbortSignal): Promise<{ run: RunView; result: CheckpointsResult }> {
  const key = runKey(job);
  let reader = readers.get(key);
  if (!reader) {
    reader = await checkpointReaderOf(e, { baseDir: job.baseDir });
    readers.set(key, reader);
    while (readers.size > MAX_READERS) {
      const [oldest, r] = readers.entries().next().value as [string, CheckpointReader];
      r.close();
      readers.delete(oldest);
    }
  }
  if (signal.aborted) throw abortError('reading the checkpoints');
  await reader.refresh();
  const result = reader.result();
  const view = checkpointsView(result, { ...DEFAULT_LAYER_THRESHOLDS, ...e.thresholds });
  // A run writing the folder followed, as `flab checkpoints` notes it: the last checkpoint may be incomplete.
  const writers = checkpointWriters(e.checkpoints.path, job.baseDir, result.files).map((w) => visibleName(`${capitalised(folderWriterNote(w))}.`));
  return { run: { ...view, notices: [...writers, ...view.notices] }, result };
}

const hasValues = (xs: readonly (number | null)[]): boolean => xs.some((x) => x !== null);

function verdictOf(scores: LayerScores | null, records: number, thresholds: LayerThresholds): VerdictView | null {
  if (!scores) return null;
  const e = explainLayerLabel(scores, records, thresholds);
  return { label: e.label, regime: e.regime, criteria: e.criteria.map((c) => ({ name: c.name, text: c.text, value: c.value, threshold: c.threshold, reached: c.reached, decisive: c.decisive })), reasons: e.reasons };
}

/**
 * A network's records as the panel draws them (with the bridge's exact flow, `TrainResult.exactFlow`,
 * drawn under them); `time`: the run's wall time, where its pace is measured from (`timeLeft`) and,
 * for a sweep's value, the length of each value (`RunProgress.valueSteps`); `maxDrawn`: the records
 * past which it is thinned (`drawnBudget`).
 */
export function networkView(r: TrainResult, status: RunStatus, run: NetworkRun | null, time: { elapsedMs: number; since: PaceMark | null; at?: { step: number; epoch: number } | null; valueSteps?: (number | null)[]; valueStepWork?: (number | null)[] }, notices: string[], maxDrawn = MAX_DRAWN_RECORDS): RunView {
  // The step the trainer is at while it trains (records can be far apart), else its last record's.
  const recorded = r.step.length ? r.step[r.step.length - 1] : 0;
  const ahead = status === 'training' && time.at && time.at.step > recorded ? time.at : null;
  const last = ahead ? ahead.step : recorded;
  const total = run?.training.totalSteps ?? null;
  const { elapsedMs } = time;
  const remaining = status === 'training' && total ? timeLeft(time.since, { elapsedMs, step: last }, total) : null;
  // Past maxDrawn records the panel is sent the records it draws, not all (drawnRecords).
  const kept = drawnRecords(r.trainLoss, [r.kernelChange, ...r.alignment.flatMap((a) => [a.zeta, a.zetaTop])], maxDrawn);
  const pick = <T>(xs: readonly T[]): T[] => (kept ? kept.map((i) => xs[i]) : (xs as T[]));
  const curves: LearningCurves = {
    step: pick(r.step),
    epoch: pick(r.epoch),
    losses: [{ name: 'train loss', values: pick(r.trainLoss) }, ...(hasValues(r.testLoss) ? [{ name: 'test loss', values: pick(r.testLoss) }] : [])],
    accuracies: [...(hasValues(r.trainAccuracy) ? [{ name: 'train accuracy', values: pick(r.trainAccuracy) }] : []), ...(hasValues(r.testAccuracy) ? [{ name: 'test accuracy', values: pick(r.testAccuracy) }] : [])],
    distance: pick(r.distance),
    kernel: hasValues(r.kernelChange) ? [{ name: 'kernel change', values: pick(r.kernelChange) }, { name: 'tangent-feature change', values: pick(r.tangentChange) }] : [],
    layers: r.layers.map((l) => ({ name: l.name, norm: pick(l.norm), distance: pick(l.distance) })),
    alignment: r.alignment.map((a) => ({ name: `${a.layers[0]} → ${a.layers[1]}`, zeta: pick(a.zeta), zetaTop: pick(a.zetaTop) })),
    ...(r.exactFlow ? { exactFlow: { zeta: pick(r.exactFlow.zeta), loss: pick(r.exactFlow.loss), norms: r.exactFlow.norms.map(pick) } } : {}),
  };
  const s = r.summary;
  const extra = [...notices];
  if (kept) extra.push(`The charts draw ${formatCount(kept.length)} of the ${formatCount(r.step.length)} records: in each stretch its first and those of its highest and lowest train loss, the last, and every measurement of ζ and the kernel made at some records only. Export Data writes every record.`);
  const sentence = (t: string): string => `${t.charAt(0).toUpperCase()}${t.slice(1)}.`;
  // In the file's own keys (src/core/runs/notes.ts): never a key it does not have.
  if (s.divergedAt === 0) extra.push(sentence(run ? notTrainedNote(run.experiment, r.data.classes === null, s.targetOverflow) : INITIAL_LOSS_NOT_FINITE));
  else if (s.scores?.deadAtStart && run) extra.push(sentence(deadRemedy(run.experiment, s.scores.deadAtStart, s.scores.startsAtZero)));
  else if (s.scores?.deadAtEnd && run) extra.push(sentence(deadEndRemedy(run.experiment, s.scores.deadAtEnd)));
  else if (s.scores?.frozen && s.scores.startsAtZero && run) extra.push(sentence(zeroInitRemedy(run.experiment)));
  else if (s.scores?.constantAtStart && run) extra.push(sentence(saturatedStartRemedy(run.experiment, s.scores.startsAtZero)));
  else if (s.divergedAt !== null) extra.push(`The loss stopped being finite at step ${s.divergedAt}: the run stopped there; the curves end at its last record.${s.targetOverflow ? ` ${sentence(divergedTargetNote(s.divergedAt, s.targetOverflow))}` : ''}`);
  return {
    status,
    progress: { step: last, totalSteps: total, epoch: ahead ? ahead.epoch : r.epoch.length ? r.epoch[r.epoch.length - 1] : null, elapsedMs, remainingMs: remaining, ...(time.valueSteps ? { valueSteps: time.valueSteps } : {}), ...(time.valueStepWork ? { valueStepWork: time.valueStepWork } : {}) },
    curves,
    verdict: status === 'diverged' || status === 'notTrained' ? { label: null, regime: s.divergedAt === 0 ? 'no label: the loss at θ₀ is not finite in float32' : `no label: the run diverged at step ${s.divergedAt}`, criteria: [], reasons: [] } : verdictOf(s.scores, r.step.length, { ...DEFAULT_LAYER_THRESHOLDS, ...s.thresholds }),
    notices: extra.map(visibleName),
    bestAccuracy: s.bestTestAccuracy ?? null,
    finalNorm: finalWeightNorm(r.layers),
    blownUp: s.scores?.deadAtEnd ? 'died' : s.scores?.collapsed ? 'collapsed' : s.scores?.lossBlewUp ? 'loss blew up' : s.scores?.constantAtEnd || s.scores?.constantAtStart ? 'saturated' : null,
    parameters: run ? networkParameters(run.spec, r.network.sizes, r.data.source) : [],
  };
}

/**
 * The records a run's snapshot carries at most (docs/networks.md, "The panel"): a chart is a few
 * hundred pixels wide, and every snapshot (four a second) is copied to the extension host's main
 * thread and serialized to the webview there — 20,001 records made an 8.8 MB message and a 77 ms stall
 * of that thread, which must never block 50 ms (`npm run bench`, "training panel").
 */
export const MAX_DRAWN_RECORDS = 4096;

/**
 * The records each run of a sweep of `values` values draws at most: the panel's message carries every
 * value's, so the sweep shares MAX_DRAWN_RECORDS (at least 128 records a value: a chart draws one curve
 * per value). Four values of 20,001 records each made a 1.5 MB message (0.4 MB shared), four times a second per worker.
 */
export function drawnBudget(values: number): number {
  return Math.max(128, Math.floor(MAX_DRAWN_RECORDS / Math.max(1, values)));
}

/**
 * Which of n records to draw when there are more than `max` (null: all): in each of max/3 equal
 * buckets its first record and those of its highest and lowest train loss — a spike (a catapult, the
 * step before a divergence) stays on the chart — the last record, and every record where a quantity
 * measured at some records only (ζ, ζ_top, the kernel: `sparse`) was measured, when it was at no more
 * than max/4 of them (else those follow the buckets too). At most about 1.5·max records, in order.
 */
export function drawnRecords(trainLoss: readonly (number | null)[], sparse: readonly (readonly (number | null)[])[], max: number): number[] | null {
  const n = trainLoss.length;
  if (n <= max) return null;
  const keep = new Uint8Array(n);
  const buckets = Math.max(1, Math.floor(max / 3));
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * n) / buckets);
    const to = Math.floor(((b + 1) * n) / buckets);
    let hi = from;
    let lo = from;
    for (let i = from; i < to; i++) {
      const v = trainLoss[i];
      // A loss that is not a finite number (none, NaN) is kept where it is the bucket's oddity.
      if (v === null || !Number.isFinite(v)) {
        hi = i;
        continue;
      }
      const h = trainLoss[hi];
      const l = trainLoss[lo];
      if (h !== null && Number.isFinite(h) && v > h) hi = i;
      if (l === null || !Number.isFinite(l) || v < l) lo = i;
    }
    keep[from] = keep[hi] = keep[lo] = 1;
  }
  keep[n - 1] = 1;
  for (const column of sparse) {
    let measured = 0;
    for (const v of column) if (v !== null) measured++;
    if (measured === n || measured > max / 4) continue;
    column.forEach((v, i) => {
      if (v !== null) keep[i] = 1;
    });
  }
  const out: number[] = [];
  keep.forEach((k, i) => k && out.push(i));
  return out;
}

/** A checkpoint folder's series as the panel draws it. */
export function checkpointsView(r: CheckpointsResult, thresholds: LayerThresholds): RunView {
  const s = r.summary;
  const notices: string[] = [];
  if (s.layersChosen === 'default' && s.layers.length > 0) notices.push(`Layers chosen by default (every 2-D tensor whose name ends in "weight", in natural order): ${s.layers.join(', ')}. List them under checkpoints.layers if that is not the network's order.`);
  for (const p of r.pairsLeftOut) notices.push(`Left out of the alignment: ${p.layers.join(' → ')} — ${p.reason}.`);
  if (r.pending.length > 0) notices.push(`Still being written (read once complete): ${r.pending.slice(0, 5).join(', ')}${r.pending.length > 5 ? ` and ${r.pending.length - 5} more` : ''}.`);
  // A file's problem already begins with its name (CheckpointError's message).
  for (const p of r.problems.slice(0, 5)) notices.push(p.file && !p.message.startsWith(`${p.file}: `) ? `${p.file}: ${p.message}` : p.message);
  if (r.step.length === 0) notices.push('No checkpoint read yet: the panel follows the folder and draws each one once it is written completely.');
  const metrics = r as CheckpointsResult & { loss?: (number | null)[]; accuracy?: (number | null)[] };
  const curves: LearningCurves = {
    step: r.step,
    epoch: null,
    losses: metrics.loss && hasValues(metrics.loss) ? [{ name: 'loss (metrics file)', values: metrics.loss }] : [],
    accuracies: metrics.accuracy && hasValues(metrics.accuracy) ? [{ name: 'accuracy (metrics file)', values: metrics.accuracy }] : [],
    distance: r.distance,
    kernel: [],
    layers: r.layers.map((l) => ({ name: l.name, norm: l.norm, distance: l.distance })),
    alignment: r.alignment.map((a) => ({ name: a.layers.join(' → '), zeta: a.zeta, zetaTop: a.zetaTop })),
  };
  return {
    status: 'following',
    progress: r.step.length ? { step: r.step[r.step.length - 1], totalSteps: null, epoch: null, elapsedMs: 0, remainingMs: null } : null,
    curves,
    verdict: verdictOf(s.scores, r.step.length, thresholds),
    // One line each: a checkpoint's file name may hold a line feed, which is written as \n.
    notices: notices.map(visibleName),
    bestAccuracy: s.bestAccuracy,
    finalNorm: finalWeightNorm(r.layers),
    blownUp: null,
    parameters: [],
  };
}

/** A failure of a run as a located diagnostic: at its key in the file, with the data file's place in its message. */
function locatedError(err: unknown, tree: Parameters<typeof locatePath>[0], text: string): TrainingOutcome {
  // The file's number at a problem's key as written (`locatedProblem`), as the command line says it.
  const diag = (message: string, path: string): Diagnostic => (tree ? locatedProblem(tree, text, { message, path }) : { message, path, ...locatePath(tree, path), severity: 'error' });
  if (err instanceof TrainingSetupError) return located(err.problems.map((p) => diag(p.message, p.path)));
  if (err instanceof DataError) return located([diag(reportedMessage(err), err.path)]);
  if (err instanceof ExperimentError) return located([diag(err.message, err.path)]);
  return located([{ message: `the training failed: ${err instanceof Error ? err.message : String(err)}`, path: '', offset: 0, length: 0, severity: 'error' }]);
}

/** Runs of this worker that took the data of the run before (tests and diagnostics). */
export function dataTakenAgain(): number {
  return dataCache.hits;
}

/** Frees what the worker keeps (tests). */
export function forgetKeptRuns(): void {
  if (underWay) answerPeeks(underWay, null);
  keepOnly(() => false);
  dataCache.clear();
  for (const r of readers.values()) r.close();
  readers.clear();
}

/** `text` with its first letter a capital (a sentence of the panel's notices). */
function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
