/**
 * `flab sweep FILE` of a network experiment: one training per value (docs/networks.md, "Runs and
 * output"), its total work checked before the first step (docs/limits.md, "flab sweep"). The linear
 * model's sweeps are src/cli/commands/sweep.ts, which hands a network's file to this (through
 * src/cli/network/index.ts: dist/cli.js loads it only then).
 */
import { sweepCheckpointCountRefusal, sweepCheckpointLimitRefusal, sweepRunError, sweepSetupRefusal, sweepValueTrainSet } from '../../core/analysis/networkSweep';
import { countOf, formatCount, formatNumber } from '../../core/experiment/diagnostic';
import { ExperimentError } from '../../core/experiment/errors';
import { SweepSpec } from '../../core/experiment/experiment';
import { lastMeasured } from '../../core/mechanisms/series';
import { outputSize } from '../../core/network/dataset';
import { isDataKey, NetworkExperiment, networkVariant, networkWidthPower, type SweepWidthPower, plannedSteps, specForData } from '../../core/network/networkExperiment';
import { type FailedValue, networkSweepCsv, networkSweepJson, NOT_STARTED, sweepValueStatus } from '../../core/runs/trainingExport';
import { layerSizes, TrainingLength } from '../../core/network/spec';
import { DataError, reportedMessage } from '../../core/network/data/dataError';
import { BackendError, recordCount, TrainingOptions } from '../../core/network/train';
import { TrainingSetupError } from '../../core/network/trainErrors';
import { locatePath } from '../../core/experiment/parse';
import { checkpointPlanOf, finalWeightNorm, NetworkRun, trainSweep, TrainSweepResult } from '../../core/runs/train';
import { CliOutput, CommandContext, EXIT_BAD_FILE, LoadedExperiment, printed, UsageError } from '../command';
import { reportDiagnostics, reportExperimentError, writtenAt } from '../experimentFile';
import { MAX_TRAINING_SWEEP_WORK, TRAINING_OPERATION_WORK } from '../limits';
import { formatTable, largeOverLimit, tableNumber, tableValues } from '../output';
import { axisShort } from '../../core/analysis/phase/phaseStyle';
import { widthPowerFormula } from '../../core/experiment/widthFormula';
import { Progress } from '../progress';
import { backendOf, batchOf, checkOutput, checkWritableCheckpoints, divergedNote, interruptedNote, longWorkNote, printableRecords, summaryWithData } from './train';
import { plannedTrainingMs } from '../../core/network/workModel';
import { interruptedCode, InterruptSignal, TrainingInterrupts, withInterrupts } from '../interrupts';
import { checkpointLimitProblem } from '../../core/checkpoints/checkpointFolder';

/**
 * The sweep of network experiment `e` (the file `loaded`), printed in `format`; `backend` as --backend gives it.
 * A value whose run fails is reported on standard error located at its sweep entry, after the notes,
 * and the command exits 1 — with every value that finished printed all the same (docs/networks.md,
 * "Runs and output"): the values' runs are independent, so the others train on, unless the error is
 * not the value's (the file's, the sweep's limit, a refusal before the first step), which stops the
 * sweep there. A failure before any value finished prints nothing but the error, as before.
 */
export async function runNetworkSweep(e: NetworkExperiment, loaded: LoadedExperiment, format: string, context: CommandContext, backend: string | undefined): Promise<CliOutput> {
  // Ctrl+C or SIGTERM stops the value training at its next step and the sweep there (src/cli/interrupts.ts).
  return withInterrupts(context.interrupts, async (interrupts) => {
    const result = await interrupts.cancellable(networkSweep(e, loaded, format, context.progress, backendOf(backend), interrupts));
    const signal = interrupts.received;
    if (!result) return { code: interruptedCode(signal!), stdout: '', stderr: '' };
    const file = loaded.source.file;
    const notes = result.runs.map((r, i) => {
      const run = `sweep value ${i}, ${result.path} = ${formatNumber(result.values[i])}`;
      return r ? divergedNote(file, r, run, e) + (signal ? interruptedNote(file, r, signal, run) : '') : '';
    }).join('');
    const failed = failedValues(result, loaded, signal);
    const interrupted = signal ? { code: interruptedCode(signal) } : {};
    if (failed.length === 0) return { ...printed(networkSweepOutput(result, format, failed, networkWidthPower(e))), ...interrupted, stderr: notes };
    const errors = failed.map((f) => `${f.error}\n`).join('');
    const ran = result.runs.filter((r) => r !== null).length;
    // No value trained: the errors alone, as a failure of `flab train` prints them.
    if (ran === 0) return { code: signal ? interruptedCode(signal) : EXIT_BAD_FILE, stdout: '', stderr: failed.filter((f) => result.failures.some((x) => x.index === f.index)).map((f) => `${f.error}\n`).join('') };
    const out = printed(networkSweepOutput(result, format, failed, networkWidthPower(e)));
    // A value the signal stopped is printed, but it did not train to its end: counted apart, as its status says.
    const stopped = result.runs.flatMap((r, i) => (r?.summary.status === 'stopped' ? [i] : []));
    const stoppedSaid = stopped.length === 0 ? '' : `, ${stopped.length === 1 ? `value ${stopped[0]}` : `values ${stopped.join(', ')}`} stopped by ${signal ?? 'a signal'} before ${stopped.length === 1 ? 'its' : 'their'} last step and printed as far as ${stopped.length === 1 ? 'it' : 'they'} trained (status stopped)`;
    const summary = `${file}: note: ${formatCount(ran - stopped.length)} of ${formatCount(result.values.length)} sweep values trained and printed${stoppedSaid}; ${failed.length === 1 ? `value ${failed[0].index} did not` : `values ${failed.map((f) => f.index).join(', ')} did not`} (${format === 'table' ? tableStatuses(result, failed) : (FAILED_SHOWN[format] ?? FAILED_SHOWN.json)})\n`;
    return { ...out, code: signal ? interruptedCode(signal) : EXIT_BAD_FILE, stderr: notes + errors + summary };
  });
}

/** The table's statuses of the values without a run, as the note under the errors says them: `failed`, `not started` (the sweep stopped before them) or both. */
function tableStatuses(r: TrainSweepResult, failed: readonly FailedValue[]): string {
  const failures = failed.filter((f) => r.failures.some((x) => x.index === f.index)).length;
  return failures === failed.length ? 'status failed' : failures === 0 ? `status ${NOT_STARTED}` : `status failed or ${NOT_STARTED}`;
}

/** Where each format shows a value without a run, as the note under the errors says it. */
const FAILED_SHOWN: Record<string, string> = {
  json: 'null in "runs", listed in "failed"',
  summary: 'null in "summaries", listed in "failed"',
  csv: 'a row of the value, empty fields and its status',
};

/** Value `i`'s status, as `--table` and `--csv` print it (`sweepValueStatus`). */
function valueStatus(r: TrainSweepResult, i: number): string {
  return sweepValueStatus(r.runs[i], r.failures.some((f) => f.index === i));
}


/**
 * The values of `r` without a run: each failure located in the file, and the values a stopping failure
 * — or `signal` (Ctrl+C, SIGTERM), which stops the sweep after the value it stopped — left untrained.
 */
function failedValues(r: TrainSweepResult, loaded: LoadedExperiment, signal: InterruptSignal | null): FailedValue[] {
  const byIndex = new Map(r.failures.map((f) => [f.index, f]));
  const stoppedAt = r.failures.length > 0 ? r.failures[r.failures.length - 1].index : -1;
  const out: FailedValue[] = [];
  r.runs.forEach((run, i) => {
    if (run) return;
    const f = byIndex.get(i);
    const why = signal && i > stoppedAt ? `${signal} stopped the sweep before it` : `the sweep stopped at value ${stoppedAt}`;
    const error = f ? locatedError(loaded, f.error) : `${loaded.source.file}: note: sweep value ${i}, ${r.path} = ${formatNumber(r.values[i])}: ${NOT_STARTED}: ${why}`;
    out.push({ index: i, value: r.values[i], error });
  });
  return out;
}

/** An error of a value's run as the command line locates it (src/cli/run.ts): `FILE:LINE:COL: error: …`, one or more lines, without the last newline. */
function locatedError(loaded: LoadedExperiment, err: unknown): string {
  const out =
    err instanceof ExperimentError
      ? reportExperimentError(loaded.source, err)
      : err instanceof DataError
        ? reportExperimentError(loaded.source, new ExperimentError(reportedMessage(err), err.path))
        : reportDiagnostics(loaded.source, (err as TrainingSetupError).problems.map((p) => ({ message: p.message, path: p.path, ...locatePath(loaded.source.tree, p.path), severity: 'error' as const })));
  return out.stderr.replace(/\n$/, '');
}

/** Whether the command line reports `err` as the file's (located), not as bad usage or a bug of flab's. */
function fileError(err: unknown): boolean {
  return err instanceof ExperimentError || err instanceof DataError || err instanceof TrainingSetupError;
}

/**
 * The sweep of a network experiment: one training per value, with its total work checked once the
 * data is read (before the first step: every value's steps × batch × parameters, planned with the
 * first run's data) and again before each run with the runs' own sizes; errors of a value's run at
 * its sweep entry. A value's failure (`sweepRunError` says it is the value's) lets the next values
 * train; any other error of the file's stops the sweep there, keeping the values trained; a refusal
 * while planning (before the first step), bad usage or a bug of flab's rejects as before.
 */
async function networkSweep(e: NetworkExperiment, loaded: LoadedExperiment, format: string, progress: Progress, backend: TrainingOptions['backend'], interrupts: TrainingInterrupts): Promise<TrainSweepResult> {
  const spec = e.sweep;
  if (!spec) throw new ExperimentError('the experiment has no "sweep" (for example "sweep": { "init.scale": [0.5, 1, 2] })', 'sweep');
  checkWritableCheckpoints(e, loaded, { sweep: true });
  checkSweepCheckpointCounts(e, spec, loaded);
  const runs = spec.values.length;
  let index = 0;
  let spent = 0;
  // Every value's records and steps, planned with the first run's data; each run's own replaces its plan.
  let planned: number[] = [];
  let stepsPlanned = 0;
  // Whether the plan of every value is being made (at the first run set up), and whether it was.
  let planning = false;
  let plannedYet = false;
  const stepsDone: number[] = [];
  // The time left is paced on modeled work (a width sweep's steps differ in cost): each value's steps
  // (its plan's, then its run's own) and the modeled ms of one of its steps.
  let stepsOf: number[] = [];
  let stepMs: number[] = [];
  const work = () => ({
    done: stepsDone.reduce((sum, s, j) => sum + (s ?? 0) * (stepMs[j] ?? 0), 0),
    total: stepsOf.reduce((sum, s, j) => sum + s * (stepMs[j] ?? 0), 0),
  });
  // Each failure as located at its sweep value (or as the file's).
  const locatedFailures = new Map<number, unknown>();
  const located = (err: unknown) => sweepRunError(e, index, err, { baseDir: loaded.baseDir, written: (j) => writtenAt(loaded, `sweep.${spec.key}[${j}]`) });
  const result = await trainSweep(e, {
    baseDir: loaded.baseDir,
    fileName: loaded.fileName,
    backend,
    ...interrupts.options,
    // A run refused for the records it keeps is advised a cadence whose output fits too: an equal share of it per run.
    recordsAtMost: (layers) => Math.floor(printableRecords(layers, format, runs) / runs),
    onRun: (i) => {
      // The value before ended (finished, diverged or failed): what is left of it is no work left.
      if (i > index && stepsOf[index] !== undefined) stepsOf[index] = stepsDone[index] ?? 0;
      index = i;
    },
    onProgress: (p) => {
      stepsDone[index] = p.step;
      stepsOf[index] = p.totalSteps;
      progress.update(index, runs, `runs (step ${formatCount(p.step)} of ${formatCount(p.totalSteps)})`, work());
    },
    beforeRun: (run) => {
      // Every value's output and work, planned before the first step; each run's own records as it comes.
      planning = !plannedYet;
      const runsPlanned = planning ? plannedRuns(e, spec, run, index) : null;
      if (runsPlanned) {
        // Every value's set-up (its parameters, batch, steps, …) before the first trains: a value past a
        // limit refuses the whole sweep, not after the values before it trained (2026-12-03).
        const refused = sweepSetupRefusal(e, run.data.train, networkVariant(e, spec.path, spec.values[index]), (j) => writtenAt(loaded, `sweep.${spec.key}[${j}]`));
        if (refused) throw refused;
        planned = runsPlanned.map((r) => r.records);
        stepsPlanned = runsPlanned.reduce((sum, r) => sum + r.steps, 0);
        stepsOf = runsPlanned.map((r) => r.steps);
        stepMs = runsPlanned.map((r) => plannedTrainingMs(1, r.batch, r.sizes));
      }
      stepsOf[index] = run.training.totalSteps;
      stepMs[index] = plannedTrainingMs(1, batchOf(run), run.training.sizes);
      planned[index] = run.plannedRecords;
      checkOutput(run, format, planned, stepsPlanned);
      if (runsPlanned) checkTrainingWork(runsPlanned, isDataKey(spec.path));
      if (runsPlanned) checkSweepCheckpoints(spec, runsPlanned, loaded);
      const long = runsPlanned && longWorkNote('sweep', `the sweep's ${countOf(runs, 'training')} (${formatCount(stepsPlanned)} steps in all)`, work().total);
      if (long) progress.note(long);
      planning = false;
      plannedYet = true;
      interrupts.training();
      spent += trainingWork(run.training.totalSteps, batchOf(run), run.training.sizes);
      if (spent > MAX_TRAINING_SWEEP_WORK) throw trainingWorkError(spent, runs, `with run ${index}'s own data`);
    },
    // A value's own failure lets the others train; the file's (or the sweep's) stops the sweep; a
    // refusal of the plan, bad usage or a bug rejects (below).
    failed: async (i, _v, err) => {
      if (planning || err instanceof BackendError || !fileError(err)) throw err;
      const at = await located(err);
      locatedFailures.set(i, at);
      return at !== err;
    },
  }).catch(async (err: unknown) => {
    if (err instanceof BackendError) throw new UsageError(`--backend ${backend}: ${err.message}`);
    throw await located(err);
  });
  return { ...result, failures: result.failures.map((f) => ({ ...f, error: locatedFailures.get(f.index) ?? f.error })) };
}

/**
 * Each value's run as planned with the first run's data (run `firstIndex`'s; a value of a sweep over
 * `data.train` with its own sample count, `sweepValueTrainSet`, as the training panel plans it): its
 * steps, batch, layer sizes, records and checkpoints.
 */
function plannedRuns(e: NetworkExperiment, spec: SweepSpec, first: NetworkRun, firstIndex: number): PlannedRun[] {
  const readWith = networkVariant(e, spec.path, spec.values[firstIndex]);
  return spec.values.map((v, j) => {
    const variant = networkVariant(e, spec.path, v);
    // null: the value asks more samples than the data holds, which its run refuses at data.train.
    const own = sweepValueTrainSet(e, j, first.data.train, readWith);
    const train = own ?? first.data.train;
    const s = specForData(variant, train);
    const t = s.training;
    const batch = t.batchSize === 'full' ? train.count : Math.min(t.batchSize, train.count);
    const steps = plannedSteps(s, train.count);
    const sizes = layerSizes(s.model, train.features, outputSize(train));
    const checkpoints = own ? checkpointPlanOf(variant, own) : null;
    return { steps, batch, sizes, records: recordCount(steps, t.record.every), length: t.length, checkpoints };
  });
}

interface PlannedRun {
  steps: number;
  batch: number;
  sizes: number[];
  records: number;
  /** training.epochs or training.steps, as this value's file says. */
  length: TrainingLength;
  /** The checkpoints the value's run writes (`checkpointLimitProblem`'s plan), null when the file writes none. */
  checkpoints: Parameters<typeof checkpointLimitProblem>[0] | null;
}

/**
 * Refuses, before the data is read, a sweep one of whose values writes more checkpoints than a
 * checkpoint experiment reads (`sweepCheckpointCountRefusal`, which the training panel makes too), at
 * that value's sweep entry. It was refused once the values before it had trained.
 */
function checkSweepCheckpointCounts(e: NetworkExperiment, spec: SweepSpec, loaded: LoadedExperiment): void {
  const refused = sweepCheckpointCountRefusal(e, (j) => writtenAt(loaded, `sweep.${spec.key}[${j}]`));
  if (refused) throw refused;
}

/**
 * Refuses, before the first step, a sweep one of whose values' checkpoints pass a fixed limit
 * (`sweepCheckpointLimitRefusal`: their count, a length in epochs included, and their bytes), planned
 * with the first run's data, at that value's sweep entry. The free space is weighed by each run as it starts.
 */
function checkSweepCheckpoints(spec: SweepSpec, runs: readonly PlannedRun[], loaded: LoadedExperiment): void {
  const refused = sweepCheckpointLimitRefusal(spec, runs.map((r) => r.checkpoints), (j) => writtenAt(loaded, `sweep.${spec.key}[${j}]`));
  if (refused) throw refused;
}

/**
 * Modeled multiply-adds of a training (docs/networks.md, "Measurements": work in a fixed model):
 * per step three products per layer over the batch (forward, and the two of the backward pass) and
 * TRAINING_OPERATION_WORK for each of about 25 operations.
 */
export function trainingWork(steps: number, batch: number, sizes: readonly number[]): number {
  let products = 0;
  for (let l = 1; l < sizes.length; l++) products += sizes[l - 1] * sizes[l];
  return steps * (3 * batch * products + 25 * TRAINING_OPERATION_WORK);
}

/**
 * Every value's training work, planned with the first run's data, against MAX_TRAINING_SWEEP_WORK.
 * When every value trains as long (one `training.epochs` or `training.steps`, not swept), the refusal
 * names the most of it that fits: the work is proportional to the steps, which are to the epochs.
 */
function checkTrainingWork(runs: readonly PlannedRun[], dataSwept: boolean): void {
  const total = runs.reduce((sum, r) => sum + trainingWork(r.steps, r.batch, r.sizes), 0);
  if (total <= MAX_TRAINING_SWEEP_WORK) return;
  const { unit, count } = runs[0].length;
  // Not over a data key: each value's own data may make its steps another number than the first's.
  const fits = !dataSwept && runs.every((r) => r.length.unit === unit && r.length.count === count) ? Math.floor((count * MAX_TRAINING_SWEEP_WORK) / total) : 0;
  throw trainingWorkError(total, runs.length, 'planned with the data as read', fits >= 1 ? `training.${unit} at most ${formatCount(fits)}` : undefined);
}

function trainingWorkError(work: number, runs: number, how: string, fits?: string): ExperimentError {
  const length = fits ? `fewer steps or epochs (${fits} for these values)` : 'fewer steps or epochs';
  const said = largeOverLimit(work, MAX_TRAINING_SWEEP_WORK);
  return new ExperimentError(`the sweep's ${runs === 1 ? 'one training does' : `${formatCount(runs)} trainings do`} about ${said.value} multiply-adds in all (steps × batch × 3 products per layer, plus each step's fixed cost; ${how}), over the limit of ${said.limit} for one sweep (docs/limits.md): use fewer values, ${length}, or smaller layers — or train each value with flab train, or in the panel (neither has this limit)`, 'sweep');
}

/**
 * The data lines under a sweep's table (`data.source`, as `--summary` carries it: what was read and
 * kept, a CSV's row index left out): one when every value trained on the same data, else one per value.
 */
function dataLines(r: TrainSweepResult): string {
  const sources = r.runs.flatMap((t, i) => (t ? [{ source: t.data.source, i }] : []));
  if (sources.every((s) => s.source === sources[0].source)) return sources.length > 0 ? `data: ${sources[0].source}\n` : '';
  return sources.map((s) => `data, ${r.path} = ${formatNumber(r.values[s.i])}: ${s.source}\n`).join('');
}


/**
 * The sweep in `format`. A value without a run (`failed`) is there too: null in the JSON's `runs` and
 * `summaries`, with `failed` listing each one's index, value and error; a row of its value and empty
 * fields in CSV (every row of the CSV ends in its value's status, `valueStatus`); a line of status
 * `failed` in the table (`not started` for a value the sweep stopped before: after a failure that
 * stops it, or Ctrl+C).
 */
function networkSweepOutput(r: TrainSweepResult, format: string, failed: readonly FailedValue[], widthPower: SweepWidthPower | null = null): string {
  const failedList = failed.length > 0 ? { failed } : {};
  const formula = widthPower ? widthPowerFormula(axisShort(r.path), widthPower.exponent) : '';
  if (format === 'table') {
    const shown = r.runs.find((t) => t !== null);
    const pairs = shown?.alignment.map((a) => `ζ ${a.layers.join('–')}`) ?? [];
    const values = tableValues(r.values);
    const rows = r.runs.map((t, i) => {
      if (!t) return [values[i], valueStatus(r, i), '', '', '', '', '', '', ...pairs.map(() => '')];
      const s = t.summary;
      // A value that diverged (or was not trained) has no final numbers to compare: its last record is
      // the blown-up weights' (a distance of 2·10³⁰, their ζ), which the panel's summary views leave out too.
      const fail = s.status === 'diverged' || s.status === 'notTrained';
      const final = (x: number | null | undefined) => (fail ? '' : tableNumber(x));
      return [
        // A divergence's step tells how fast each value blew up, which only the notes said.
        values[i], s.status === 'diverged' && typeof s.divergedAt === 'number' ? `diverged at step ${formatCount(s.divergedAt)}` : valueStatus(r, i), s.label ?? '', s.bestTestAccuracy === null ? '' : `${tableNumber(100 * s.bestTestAccuracy)}%`,
        // A change since θ₀ needs a measurement after it: θ₀'s own 0 is none (a run diverged before the next).
        final(s.final?.trainLoss), final(s.final?.distance), final(finalWeightNorm(t.layers)), final(lastMeasured(t.kernelChange.slice(1))),
        ...t.alignment.map((a) => final(lastMeasured(a.zeta))),
      ];
    });
    const based = widthPower ? `${r.path}: each value is the base b; the runs compute with ${formula}, d = ${formatCount(widthPower.width)} (the file's last hidden width)\n` : '';
    // The last record's trainLoss is a mean over its window, not L(θ_T): said under the table, so that a
    // sweep of record.every, batchSize or the length is not read as a change of the training (a breaker's finding).
    const windows = 'train loss, last record: the mean loss of the batches since the record before it (trainLoss), not the loss at the last weights\n';
    return formatTable([widthPower ? `${r.path} base b (${formula})` : r.path, 'status', 'label', 'best test accuracy', 'train loss, last record', 'distance', 'weight norm', 'kernel change', ...pairs], rows) + windows + dataLines(r) + based;
  }
  if (format === 'summary') return JSON.stringify({ key: r.key, path: r.path, widthPower, values: r.values, summaries: r.runs.map((t) => (t ? summaryWithData(t) : null)), ...failedList }, null, 2) + '\n';
  // One CSV for flab sweep --csv and the panel's Export Data (networkSweepCsv).
  if (format === 'csv') return networkSweepCsv({ key: r.key, path: r.path, widthPower, values: r.values, runs: r.runs, failedValues: r.failures.map((f) => f.index) });
  return JSON.stringify(networkSweepJson({ key: r.key, path: r.path, widthPower, values: r.values, runs: r.runs }, failed)) + '\n';
}

