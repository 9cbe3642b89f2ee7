/**
 * `flab sweep FILE`: one run per value of the file's `"sweep"` (docs/mechanisms.md, "Sweeps"): exact
 * or gradient-descent runs of the two-layer linear model, or one training per value of a network
 * experiment (docs/networks.md, "Runs and output").
 */
import { solveSweepSync, SweepResult } from '../../core/analysis/sweep';
import { formatNumber } from '../../core/experiment/diagnostic';
import { ExperimentError } from '../../core/experiment/errors';
import { Experiment, inputDimension, SweepSpec } from '../../core/experiment/experiment';
import { columnsCsv, trainColumns } from '../../core/runs/layerCsv';
import { trainSweep, TrainSweepResult } from '../../core/runs/train';
import { SERIES_COLUMNS } from '../../core/trajectory/trajectory';
import { Command, printed } from '../command';
import { MAX_ANALYSIS_DRAWS, MAX_SWEEP_POINTS } from '../limits';
import { csvNumber, outputTooLarge, reportedRows, trajectoryBytes } from '../output';
import { checkOutput } from './train';

export const sweepCommand: Command = {
  name: 'sweep',
  summary: 'one run per value of the file\'s "sweep" (exact for a linear network, gradient descent otherwise; a network experiment trains once per value)',
  help: `A sweep has at most 1000 values (the schema), draws at most ${formatNumber(MAX_ANALYSIS_DRAWS)} numbers in all
(width × input dimension per run), reports at most ${formatNumber(MAX_SWEEP_POINTS)} points over all its runs, and prints
at most the output limit (docs/limits.md). A network experiment's sweep prints {key, path, values, runs}
with one \`flab train --json\` object per value; --csv puts the swept value first on every row.`,
  operands: ['FILE'],
  options: [
    { flag: '--json', group: 'format', help: '{key, path, values, runs}: one trajectory per value, as flab solve --json prints it (the default)' },
    { flag: '--csv', group: 'format', help: 'one row per value and time: the swept value, then the trajectory\'s columns' },
    { flag: '--summary', group: 'format', help: '{key, path, values, summaries}: the summary of each run' },
  ],
  async run(args, context) {
    const format = args.choice('format', 'json');
    const loaded = context.loadAny(args.operands[0]);
    const parsed = loaded.parsed;
    if (parsed.kind === 'checkpoints') throw new ExperimentError('`flab sweep` takes the two-layer linear model or a network experiment; this file is a checkpoint experiment: `flab checkpoints` reads it', 'checkpoints');
    if (parsed.kind === 'network') {
      const e = parsed.experiment;
      if (!e.sweep) throw new ExperimentError('the experiment has no "sweep" (for example "sweep": { "init.scale": [0.5, 1, 2] })', 'sweep');
      const runs = e.sweep.values.length;
      const result = await trainSweep(e, { baseDir: loaded.baseDir, fileName: loaded.fileName, beforeRun: (run) => checkOutput(run, format, runs) });
      return printed(networkSweepOutput(result, format));
    }
    const experiment = parsed.experiment;
    const spec = experiment.sweep;
    if (!spec) throw new ExperimentError('the experiment has no "sweep" (for example "sweep": { "outputScale": { "from": 0.01, "to": 100, "count": 5 } })', 'sweep');
    checkSweepSize(experiment, spec, format);
    return printed(sweepOutput(solveSweepSync(experiment), format));
  },
};

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

function sweepOutput(r: SweepResult, format: string): string {
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
  if (format === 'summary') return JSON.stringify({ key: r.key, path: r.path, values: r.values, summaries: r.runs.map((t) => t.summary) }, null, 2) + '\n';
  if (format === 'csv') return r.runs.map((t, i) => columnsCsv(trainColumns(t), [{ name: r.path, value: r.values[i] }], i === 0)).join('');
  return JSON.stringify(r) + '\n';
}
