/**
 * `flab sweep FILE` of a network experiment: one training per value (docs/networks.md, "Runs and
 * output"), its total work checked before the first step (docs/limits.md, "flab sweep"). The linear
 * model's sweeps are src/cli/commands/sweep.ts, which hands a network's file to this (through
 * src/cli/network/index.ts: dist/cli.js loads it only then).
 */
import { sweepRunError } from '../../core/analysis/networkSweep';
import { formatCount, formatNumber } from '../../core/experiment/diagnostic';
import { ExperimentError } from '../../core/experiment/errors';
import { SweepSpec } from '../../core/experiment/experiment';
import { lastMeasured } from '../../core/mechanisms/series';
import { outputSize } from '../../core/network/dataset';
import { isDataKey, NetworkExperiment, networkVariant, plannedSteps, specForData } from '../../core/network/networkExperiment';
import { layerSizes, TrainingLength } from '../../core/network/spec';
import { BackendError, recordCount, TrainingOptions } from '../../core/network/train';
import { columnsCsv, csvField, trainColumns } from '../../core/runs/layerCsv';
import { NetworkRun, trainSweep, TrainSweepResult } from '../../core/runs/train';
import { CliOutput, CommandContext, LoadedExperiment, printed, UsageError } from '../command';
import { writtenAt } from '../experimentFile';
import { MAX_TRAINING_SWEEP_WORK, TRAINING_OPERATION_WORK } from '../limits';
import { formatTable, largeOverLimit, tableNumber } from '../output';
import { Progress } from '../progress';
import { backendOf, checkOutput, checkWritableCheckpoints, divergedNote, printableRecords, summaryWithData } from './train';

/** The sweep of network experiment `e` (the file `loaded`), printed in `format`; `backend` as --backend gives it. */
export async function runNetworkSweep(e: NetworkExperiment, loaded: LoadedExperiment, format: string, context: CommandContext, backend: string | undefined): Promise<CliOutput> {
  const result = await networkSweep(e, loaded, format, context.progress, backendOf(backend));
  const notes = result.runs.map((r, i) => divergedNote(loaded.source.file, r, `sweep value ${i}, ${result.path} = ${formatNumber(result.values[i])}`, e)).join('');
  return { ...printed(networkSweepOutput(result, format)), stderr: notes };
}

/**
 * The sweep of a network experiment: one training per value, with its total work checked once the
 * data is read (before the first step: every value's steps × batch × parameters, planned with the
 * first run's data) and again before each run with the runs' own sizes; errors of a value's run at
 * its sweep entry.
 */
async function networkSweep(e: NetworkExperiment, loaded: LoadedExperiment, format: string, progress: Progress, backend: TrainingOptions['backend']): Promise<TrainSweepResult> {
  const spec = e.sweep;
  if (!spec) throw new ExperimentError('the experiment has no "sweep" (for example "sweep": { "init.scale": [0.5, 1, 2] })', 'sweep');
  checkWritableCheckpoints(e, loaded, { sweep: true });
  const runs = spec.values.length;
  let index = 0;
  let spent = 0;
  // Every value's records and steps, planned with the first run's data; each run's own replaces its plan.
  let planned: number[] = [];
  let stepsPlanned = 0;
  const stepsDone: number[] = [];
  try {
    return await trainSweep(e, {
      baseDir: loaded.baseDir,
      fileName: loaded.fileName,
      backend,
      // A run refused for the records it keeps is advised a cadence whose output fits too: an equal share of it per run.
      recordsAtMost: (layers) => Math.floor(printableRecords(layers, format, runs) / runs),
      onRun: (i) => {
        index = i;
      },
      onProgress: (p) => {
        stepsDone[index] = p.step;
        progress.update(index, runs, `runs (step ${formatCount(p.step)} of ${formatCount(p.totalSteps)})`);
      },
      beforeRun: (run) => {
        // Every value's output and work, planned before the first step; each run's own records as it comes.
        const runsPlanned = index === 0 ? plannedRuns(e, spec, run) : null;
        if (runsPlanned) {
          planned = runsPlanned.map((r) => r.records);
          stepsPlanned = runsPlanned.reduce((sum, r) => sum + r.steps, 0);
        }
        planned[index] = run.plannedRecords;
        checkOutput(run, format, planned, stepsPlanned);
        if (runsPlanned) checkTrainingWork(runsPlanned, isDataKey(spec.path));
        spent += trainingWork(run.training.totalSteps, batchOf(run), run.training.sizes);
        if (spent > MAX_TRAINING_SWEEP_WORK) throw trainingWorkError(spent, runs, `with run ${index}'s own data`);
      },
    });
  } catch (err) {
    if (err instanceof BackendError) throw new UsageError(`--backend ${backend}: ${err.message}`);
    throw await sweepRunError(e, index, err, { baseDir: loaded.baseDir, written: (j) => writtenAt(loaded, `sweep.${spec.key}[${j}]`) });
  }
}

/** Each value's run as planned with the first run's data: its steps, batch, layer sizes and records. */
function plannedRuns(e: NetworkExperiment, spec: SweepSpec, first: NetworkRun): PlannedRun[] {
  const train = first.data.train;
  return spec.values.map((v) => {
    const s = specForData(networkVariant(e, spec.path, v), train);
    const t = s.training;
    const batch = t.batchSize === 'full' ? train.count : Math.min(t.batchSize, train.count);
    const steps = plannedSteps(s, train.count);
    return { steps, batch, sizes: layerSizes(s.model, train.features, outputSize(train)), records: recordCount(steps, t.record.every), length: t.length };
  });
}

interface PlannedRun {
  steps: number;
  batch: number;
  sizes: number[];
  records: number;
  /** training.epochs or training.steps, as this value's file says. */
  length: TrainingLength;
}

/** Samples per step of a run set up with its data. */
function batchOf(run: NetworkRun): number {
  const t = run.spec.training;
  return t.batchSize === 'full' ? run.data.train.count : Math.min(t.batchSize, run.data.train.count);
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
  const sources = r.runs.map((t) => t.data.source);
  if (sources.every((s) => s === sources[0])) return sources.length > 0 ? `data: ${sources[0]}\n` : '';
  return sources.map((s, i) => `data, ${r.path} = ${formatNumber(r.values[i])}: ${s}\n`).join('');
}

function networkSweepOutput(r: TrainSweepResult, format: string): string {
  if (format === 'table') {
    const pairs = r.runs[0]?.alignment.map((a) => `ζ ${a.layers.join('–')}`) ?? [];
    const rows = r.runs.map((t, i) => {
      const s = t.summary;
      // A value that diverged (or was not trained) has no final numbers to compare: its last record is
      // the blown-up weights' (a distance of 2·10³⁰, their ζ), which the panel's summary views leave out too.
      const failed = s.status === 'diverged' || s.status === 'notTrained';
      const final = (x: number | null | undefined) => (failed ? '' : tableNumber(x));
      return [
        tableNumber(r.values[i]), s.status, s.label ?? '', s.bestTestAccuracy === null ? '' : `${tableNumber(100 * s.bestTestAccuracy)}%`,
        // A change since θ₀ needs a measurement after it: θ₀'s own 0 is none (a run diverged before the next).
        final(s.final?.trainLoss), final(s.final?.distance), final(lastMeasured(t.kernelChange.slice(1))),
        ...t.alignment.map((a) => final(lastMeasured(a.zeta))),
      ];
    });
    return formatTable([r.path, 'status', 'label', 'best test accuracy', 'final train loss', 'distance', 'kernel change', ...pairs], rows) + dataLines(r);
  }
  if (format === 'summary') return JSON.stringify({ key: r.key, path: r.path, values: r.values, summaries: r.runs.map(summaryWithData) }, null, 2) + '\n';
  if (format === 'csv') {
    // A value never trained has no record: one row of its value and empty fields, so that every value is in the file.
    return r.runs
      .map((t, i) => {
        const columns = trainColumns(t);
        const rows = columnsCsv(columns, [{ name: r.path, value: r.values[i] }], i === 0);
        return t.step.length > 0 ? rows : `${rows}${csvField(r.values[i])}${','.repeat(columns.length)}\n`;
      })
      .join('');
  }
  return JSON.stringify(r) + '\n';
}
