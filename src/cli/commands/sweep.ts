/**
 * `flab sweep FILE`: one run per value of the file's `"sweep"` (docs/mechanisms.md, "Sweeps"): exact
 * or gradient-descent runs of the two-layer linear model, or one training per value of a network
 * experiment (docs/networks.md, "Runs and output"). The sweep's draws, output, re-validations and
 * total work are checked against their limits before its first run (docs/limits.md, "flab sweep");
 * a run that fails is located at the sweep's entry that asked for it, not at the file's own value.
 */
import { SweepResult, sweepRunError, sweepValueError, variantIndex, withValue } from '../../core/analysis/sweep';
import { excerpt, formatNumber } from '../../core/experiment/diagnostic';
import { ExperimentError } from '../../core/experiment/errors';
import { Experiment, inputDimension, SweepSpec } from '../../core/experiment/experiment';
import { countJsonTokens } from '../../core/experiment/parse';
import { reportedSteps } from '../../core/descent/gradientDescent';
import { NetworkExperiment, networkVariant, plannedSteps, specForData } from '../../core/network/networkExperiment';
import { outputSize } from '../../core/network/dataset';
import { layerSizes } from '../../core/network/spec';
import { BackendError, recordCount, TrainingOptions } from '../../core/network/train';
import { columnsCsv, trainColumns } from '../../core/runs/layerCsv';
import { simulate } from '../../core/runs/simulate';
import { solve } from '../../core/runs/solve';
import { NetworkRun, trainSweep, TrainSweepResult } from '../../core/runs/train';
import { SERIES_COLUMNS, Trajectory } from '../../core/trajectory/trajectory';
import { Command, LoadedExperiment, printed, UsageError } from '../command';
import { MAX_ANALYSIS_DRAWS, MAX_ANALYSIS_TOKENS, MAX_ANALYSIS_WORK, MAX_SWEEP_POINTS, MAX_TRAINING_SWEEP_WORK, TRAINING_OPERATION_WORK, rereadTooLarge } from '../limits';
import { Progress } from '../progress';
import { lastMeasured } from '../../core/mechanisms/series';
import { csvNumber, formatLarge, formatTable, outputTooLarge, reportedRows, tableNumber, trajectoryBytes } from '../output';
import { backendOf, checkOutput, checkWritableCheckpoints, divergedNote, printableRecords } from './train';

export const sweepCommand: Command = {
  name: 'sweep',
  summary: 'one run per value of the file\'s "sweep" (exact for a linear network, gradient descent otherwise; a network experiment trains once per value)',
  help: `A sweep has at most 1000 values (the schema), draws at most ${formatNumber(MAX_ANALYSIS_DRAWS)} numbers in all
(width × input dimension per run), re-validates the file at most ${formatLarge(MAX_ANALYSIS_TOKENS)} JSON tokens in all
(its tokens per value), does at most ${formatLarge(MAX_ANALYSIS_WORK)} multiply-adds of gradient descent over its runs
(steps × samples × weights; a network's sweep ${formatLarge(MAX_TRAINING_SWEEP_WORK)}), reports at most
${formatNumber(MAX_SWEEP_POINTS)} points over all its runs, and prints at most the output limit (docs/limits.md). A
network experiment's sweep prints {key, path, values, runs} with one \`flab train --json\` object per
value; --csv puts the swept value first on every row.`,
  operands: ['FILE'],
  options: [
    { flag: '--json', group: 'format', help: '{key, path, values, runs}: one trajectory per value, as flab solve --json prints it (the default)' },
    { flag: '--csv', group: 'format', help: 'one row per value and time: the swept value, then the trajectory\'s columns' },
    { flag: '--summary', group: 'format', help: '{key, path, values, summaries}: the summary of each run' },
    { flag: '--table', group: 'format', help: 'one line per value, for reading: its status, label and the numbers behind it (a network: best test accuracy, final train loss, distance, kernel change, final ζ per pair; the linear model: ζ from and to, final loss, kernel change, distance)' },
    { flag: '--backend', value: 'auto|onnxruntime|tfjs', help: 'a network experiment: the library that runs the steps, as for flab train (default auto)' },
  ],
  async run(args, context) {
    const format = args.choice('format', 'json');
    const loaded = context.loadAny(args.operands[0]);
    const parsed = loaded.parsed;
    const backend = args.value('--backend');
    if (backend !== undefined && parsed.kind !== 'network') throw new UsageError('--backend is for a network experiment (a "model" with "hidden"): the two-layer linear model has no training library to choose');
    if (parsed.kind === 'checkpoints') throw new ExperimentError('`flab sweep` takes the two-layer linear model or a network experiment; this file is a checkpoint experiment: `flab checkpoints` reads it', 'checkpoints');
    if (parsed.kind === 'network') {
      const result = await networkSweep(parsed.experiment, loaded, format, context.progress, backendOf(backend));
      const notes = result.runs.map((r, i) => divergedNote(loaded.source.file, r, `sweep value ${i}, ${result.path} = ${formatNumber(result.values[i])}`)).join('');
      return { ...printed(networkSweepOutput(result, format)), stderr: notes };
    }
    const experiment = parsed.experiment;
    const spec = experiment.sweep;
    if (!spec) throw new ExperimentError('the experiment has no "sweep" (for example "sweep": { "outputScale": { "from": 0.01, "to": 100, "count": 5 } })', 'sweep');
    checkSweepSize(experiment, spec, format);
    const descent = experiment.model.activation !== 'linear';
    checkRevalidation(loaded, spec, descent ? 2 : 1);
    if (descent) checkDescentWork(experiment, spec, loaded);
    const runs: Trajectory[] = [];
    for (const [i, v] of spec.values.entries()) {
      context.progress.update(i, spec.values.length, 'runs');
      runs.push(atSweepEntry(spec, i, loaded, () => runOne(withValue(experiment, spec.path, v))));
    }
    return printed(sweepOutput({ key: spec.key, path: spec.path, values: spec.values.slice(), runs }, format));
  },
};

/** One run of a linear-model sweep, as src/core/analysis/sweep.ts runs it: exact for the linear activation, gradient descent otherwise. */
function runOne(e: Experiment): Trajectory {
  return e.model.activation === 'linear' ? solve(e) : simulate(e);
}

/**
 * `work()`, with an ExperimentError it throws (or a network's setup problems) located at the sweep's
 * entry `i` — `sweep.KEY[i]` for a list, `sweep.KEY` for a range — and saying which value it was:
 * the value comes from the sweep, so that is where to look, whichever key the message names.
 */
function atSweepEntry<T>(spec: SweepSpec, i: number, loaded: LoadedExperiment, work: () => T): T {
  try {
    return work();
  } catch (e) {
    throw relocated(spec, i, loaded, e);
  }
}

/**
 * An error of the run of a linear model's sweep value `i`, at its sweep entry (the file itself was
 * validated: the value caused it); errors of the sweep itself unchanged. A network's are
 * `sweepRunError`'s.
 */
function relocated(spec: SweepSpec, i: number, loaded: LoadedExperiment, e: unknown): unknown {
  if (!(e instanceof ExperimentError)) return e;
  // A variant's own refusal (`with P = v: …`, at the sweep's key) takes the sweep value's form too.
  if (e.path.startsWith('sweep') && !e.message.startsWith(`with ${spec.path} = `)) return e;
  const j = variantIndex(spec, i, e);
  return sweepValueError(spec, j, e.message, writtenAt(loaded, `sweep.${spec.key}[${j}]`));
}

/** The text of the number at `path` as the file writes it (a list's entry), or undefined when the path is not a number of the file (a range's values). */
function writtenAt(loaded: LoadedExperiment, path: string): string | undefined {
  const tree = loaded.source.tree;
  if (!tree) return undefined;
  const m = /^(sweep\.)(.+)\[(\d+)\]$/.exec(path);
  if (!m) return undefined;
  const sweep = tree.children?.find((p) => p.children?.[0]?.value === 'sweep')?.children?.[1];
  const list = sweep?.children?.find((p) => p.children?.[0]?.value === m[2])?.children?.[1];
  const node = list?.type === 'array' ? list.children?.[Number(m[3])] : undefined;
  return node?.type === 'number' ? excerpt(loaded.source.text.slice(node.offset, node.offset + node.length)) : undefined;
}

/** Refuses, at the file's "sweep", a sweep whose draws or output pass their limits (docs/limits.md). */
function checkSweepSize(e: Experiment, spec: SweepSpec, format: string): void {
  const D = inputDimension(e);
  const samples = e.data.kind === 'samples' ? e.data.samples.length : 1;
  let draws = 0;
  let points = 0;
  let bytes = 0;
  for (const v of spec.values) {
    const rows = spec.path === 'time.points' ? v : reportedRows(e);
    draws += ((spec.path === 'model.width' ? v : e.model.width) + samples) * D;
    points += rows;
    bytes += trajectoryBytes(1, rows, format, 1);
  }
  if (draws > MAX_ANALYSIS_DRAWS) {
    throw new ExperimentError(`the sweep draws width × input dimension initial weights (and reads the data) for each of its ${spec.values.length} values, ${formatNumber(draws)} numbers in all, over the limit of ${formatNumber(MAX_ANALYSIS_DRAWS)} for one analysis (docs/limits.md): use fewer values or a smaller width`, 'sweep');
  }
  const tooLarge = outputTooLarge(bytes, `the sweep's ${spec.values.length} runs`, 'use fewer values or fewer time.points, or --summary');
  if (tooLarge) throw new ExperimentError(tooLarge, 'sweep');
  if (points > MAX_SWEEP_POINTS) {
    throw new ExperimentError(`the sweep's ${spec.values.length} runs report ${formatNumber(points)} points in all, over the limit of ${formatNumber(MAX_SWEEP_POINTS)} for one sweep (docs/limits.md): use fewer values or fewer time.points`, 'sweep');
  }
}

/**
 * Refuses, at the file's "sweep", a sweep that would re-validate more than MAX_ANALYSIS_TOKENS JSON
 * tokens: each value is written into the file's value and the file checked again, `passes` times
 * per value (docs/limits.md, "flab sweep").
 */
export function checkRevalidation(loaded: LoadedExperiment, spec: SweepSpec, passes: number): void {
  const tokens = countJsonTokens(loaded.source.text);
  const total = tokens * spec.values.length * passes;
  if (total > MAX_ANALYSIS_TOKENS) {
    throw new ExperimentError(`the sweep checks the file again for each of its ${spec.values.length} values${passes > 1 ? ` (${passes} times: to plan its steps, then to run)` : ''}: ${formatLarge(tokens)} JSON tokens each, ${formatLarge(total)} in all, over the limit of ${formatLarge(MAX_ANALYSIS_TOKENS)} for one analysis (docs/limits.md): use fewer values, or fewer samples in the file`, 'sweep');
  }
  const reread = rereadTooLarge(loaded.source.text.length, spec.values.length * passes, 'the sweep', 'use fewer values');
  if (reread) throw new ExperimentError(reread, 'sweep');
}

/**
 * Refuses a sweep of gradient-descent runs (a nonlinear activation runs the plain loop) whose
 * multiply-adds over all runs — steps × samples × width × input dimension, each run's steps from its
 * own time grid or default horizon — pass MAX_ANALYSIS_WORK, before the first run. A run that alone
 * passes a single run's limits is refused at its entry.
 */
function checkDescentWork(e: Experiment, spec: SweepSpec, loaded: LoadedExperiment): void {
  let work = 0;
  let largest = { work: 0, i: 0 };
  for (const [i, v] of spec.values.entries()) {
    const runWork = atSweepEntry(spec, i, loaded, () => {
      const variant = withValue(e, spec.path, v);
      const steps = reportedSteps(variant);
      const samples = variant.data.kind === 'samples' ? variant.data.samples.length : 1;
      return steps[steps.length - 1] * samples * variant.model.width * inputDimension(variant);
    });
    work += runWork;
    if (runWork > largest.work) largest = { work: runWork, i };
  }
  if (work > MAX_ANALYSIS_WORK) {
    throw new ExperimentError(`the sweep's ${spec.values.length} gradient-descent runs (model.activation "${e.model.activation}" runs the plain loop) do ${formatLarge(work)} multiply-adds in all (steps × samples × width × input dimension, summed over the runs; the largest, value ${largest.i}, ${formatLarge(largest.work)}), over the limit of ${formatLarge(MAX_ANALYSIS_WORK)} for one sweep (docs/limits.md): use fewer values, fewer steps (time.end) or a smaller width`, 'sweep');
  }
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
  checkWritableCheckpoints(e, loaded);
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
        progress.update(index, runs, `runs (step ${p.step} of ${p.totalSteps})`);
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
        if (runsPlanned) checkTrainingWork(runsPlanned);
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
function plannedRuns(e: NetworkExperiment, spec: SweepSpec, first: NetworkRun): { steps: number; batch: number; sizes: number[]; records: number }[] {
  const train = first.data.train;
  return spec.values.map((v) => {
    const s = specForData(networkVariant(e, spec.path, v), train);
    const t = s.training;
    const batch = t.batchSize === 'full' ? train.count : Math.min(t.batchSize, train.count);
    const steps = plannedSteps(s, train.count);
    return { steps, batch, sizes: layerSizes(s.model, train.features, outputSize(train)), records: recordCount(steps, t.record.every) };
  });
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

/** Every value's training work, planned with the first run's data, against MAX_TRAINING_SWEEP_WORK. */
function checkTrainingWork(runs: readonly { steps: number; batch: number; sizes: number[] }[]): void {
  const total = runs.reduce((sum, r) => sum + trainingWork(r.steps, r.batch, r.sizes), 0);
  if (total > MAX_TRAINING_SWEEP_WORK) throw trainingWorkError(total, runs.length, 'planned with the data as read');
}

function trainingWorkError(work: number, runs: number, how: string): ExperimentError {
  return new ExperimentError(`the sweep's ${runs === 1 ? 'one training does' : `${runs} trainings do`} about ${formatLarge(work)} multiply-adds in all (steps × batch × 3 products per layer, plus each step's fixed cost; ${how}), over the limit of ${formatLarge(MAX_TRAINING_SWEEP_WORK)} for one sweep (docs/limits.md): use fewer values, fewer steps or epochs, or smaller layers`, 'sweep');
}

function sweepOutput(r: SweepResult, format: string): string {
  if (format === 'table') {
    const rows = r.runs.map((t, i) => {
      const s = t.summary;
      return [tableNumber(r.values[i]), s.diverged ? 'diverged' : 'finished', s.label ?? '', tableNumber(s.zetaInitial), tableNumber(s.zetaFinal), tableNumber(s.lossFinal), tableNumber(s.scores?.kernelChange), tableNumber(s.scores?.distance)];
    });
    return formatTable([r.path, 'status', 'label', 'ζ initial', 'ζ final', 'final loss', 'kernel change', 'distance'], rows);
  }
  if (format === 'summary') return JSON.stringify({ key: r.key, path: r.path, values: r.values, summaries: r.runs.map((t) => t.summary) }, null, 2) + '\n';
  if (format === 'csv') {
    const columns = SERIES_COLUMNS.filter((c) => r.runs.every((t) => t[c] !== undefined));
    const lines = [[r.path, ...columns].join(',')];
    r.runs.forEach((t, i) => {
      for (let k = 0; k < t.t.length; k++) lines.push([r.values[i], ...columns.map((c) => csvNumber(t[c]![k]))].join(','));
    });
    return lines.join('\n') + '\n';
  }
  return JSON.stringify(r) + '\n';
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
    return formatTable([r.path, 'status', 'label', 'best test accuracy', 'final train loss', 'distance', 'kernel change', ...pairs], rows);
  }
  if (format === 'summary') return JSON.stringify({ key: r.key, path: r.path, values: r.values, summaries: r.runs.map((t) => t.summary) }, null, 2) + '\n';
  if (format === 'csv') return r.runs.map((t, i) => columnsCsv(trainColumns(t), [{ name: r.path, value: r.values[i] }], i === 0)).join('');
  return JSON.stringify(r) + '\n';
}
