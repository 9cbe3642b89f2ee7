/**
 * `flab sweep FILE`: one run per value of the file's `"sweep"` (docs/mechanisms.md, "Sweeps"): exact
 * or gradient-descent runs of the two-layer linear model, or one training per value of a network
 * experiment (docs/networks.md, "Runs and output"). The sweep's draws, output, re-validations and
 * total work are checked against their limits before its first run (docs/limits.md, "flab sweep");
 * a run that fails is located at the sweep's entry that asked for it, not at the file's own value.
 */
import { SweepResult, sweepValueError, variantIndex, withValue } from '../../core/analysis/sweep';
import { axisWidthPower, AxisWidthPower } from '../../core/analysis/phase/phaseDiagram';
import { axisShort } from '../../core/analysis/phase/phaseStyle';
import { csvValueColumn, widthPowerFormula } from '../../core/experiment/widthFormula';
import { countOf, eachOf, formatCount, formatNumber } from '../../core/experiment/diagnostic';
import { ExperimentError } from '../../core/experiment/errors';
import { Experiment, inputDimension, SweepSpec } from '../../core/experiment/experiment';
import { countJsonTokens } from '../../core/experiment/parse';
import { reportedSteps } from '../../core/descent/gradientDescent';
import { simulate } from '../../core/runs/simulate';
import { solve } from '../../core/runs/solve';
import { SERIES_COLUMNS, Trajectory } from '../../core/trajectory/trajectory';
import { Command, LoadedExperiment, printed, UsageError } from '../command';
import { deadNote, stationaryNote, zeroKernelRunNote } from './simulate';
import { deadFromStep } from '../../core/descent/deadUnits';
import { writtenAt } from '../experimentFile';
import { MAX_ANALYSIS_DRAWS, MAX_ANALYSIS_TOKENS, MAX_ANALYSIS_WORK, MAX_SWEEP_POINTS, MAX_TRAINING_SWEEP_WORK, rereadTooLarge } from '../limits';
import { csvNumber, formatLarge, formatTable, largeOverLimit, outputTooLarge, reportedRows, tableNumber, tableValues, trajectoryBytes } from '../output';
import { runNetworkSweep } from '../network';

export const sweepCommand: Command = {
  name: 'sweep',
  summary: 'one run per value of the file\'s "sweep" (exact for a linear network, gradient descent otherwise; a network experiment trains once per value)',
  help: `A sweep has at most 1,000 values (the schema), draws at most ${formatCount(MAX_ANALYSIS_DRAWS)} numbers in all
(width × input dimension per run), re-validates the file at most ${formatLarge(MAX_ANALYSIS_TOKENS)} JSON tokens in all
(its tokens per value), does at most ${formatLarge(MAX_ANALYSIS_WORK)} multiply-adds of gradient descent over its runs
(steps × samples × weights; a network's sweep ${formatLarge(MAX_TRAINING_SWEEP_WORK)}), reports at most
${formatCount(MAX_SWEEP_POINTS)} points over all its runs, and prints at most the output limit (docs/limits.md). A
network experiment's sweep prints {key, path, values, runs} with one \`flab train --json\` object per
value; --csv puts the swept value first on every row (a network's, its status last, as --table says
it). A value whose training fails (its data cannot be had, its set-up is refused) is null in "runs"
and listed in "failed" (a row of empty fields and status failed in --csv, status failed in --table),
its error located at its sweep entry: the other values train and are printed,
and the command exits 1. Ctrl+C during a network's sweep stops the value training at its next step and
prints the values finished and that one (status stopped; the rest not started; exit 130).`,
  operands: ['FILE'],
  options: [
    { flag: '--json', group: 'format', help: '{key, path, widthPower, values, runs}: one trajectory per value, as flab solve --json prints it (the default); widthPower {exponent, width} when the key is a power of the width in the file (its values are the bases b), else null' },
    { flag: '--csv', group: 'format', help: 'one row per value and time: the swept value, then the trajectory\'s columns; the swept column is headed KEY.base (model.outputScale.base) when its values are the bases b of a power of the width' },
    { flag: '--summary', group: 'format', help: '{key, path, widthPower, values, summaries}: the summary of each run' },
    { flag: '--table', group: 'format', help: 'one line per value, for reading: its status, label and the numbers behind it (a network: best test accuracy, train loss at the last record (the mean since the record before), distance, kernel change, final ζ per pair; the linear model: ζ from and to, final loss, kernel change, distance)' },
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
      // Each value's file is checked again to plan its steps, then to run it, as a gradient-descent sweep's
      // is: bounded alike (a network of much inline data swept over 1,000 values ran for hours unrefused).
      if (parsed.experiment.sweep) checkRevalidation(loaded, parsed.experiment.sweep, 2);
      return runNetworkSweep(parsed.experiment, loaded, format, context, backend);
    }
    const experiment = parsed.experiment;
    const spec = experiment.sweep;
    if (!spec) throw new ExperimentError('the experiment has no "sweep" (for example "sweep": { "outputScale": { "from": 0.01, "to": 100, "count": 5 } })', 'sweep');
    checkSweepSize(experiment, spec, format);
    const descent = experiment.model.activation !== 'linear';
    checkRevalidation(loaded, spec, descent ? 2 : 1, experiment.data.kind === 'samples' && experiment.data.samples.length > 1);
    if (descent) checkDescentWork(experiment, spec, loaded);
    const runs: Trajectory[] = [];
    for (const [i, v] of spec.values.entries()) {
      context.progress.update(i, spec.values.length, 'runs');
      runs.push(atSweepEntry(spec, i, loaded, () => runOne(withValue(experiment, spec.path, v))));
    }
    const notes = runs
      .map((t, i) => {
        const run = `sweep value ${i}, ${spec.path} = ${formatNumber(spec.values[i])}`;
        return deadNote(t.summary, run) + stationaryNote(withValue(experiment, spec.path, spec.values[i]), t.summary, run) + (descent ? zeroKernelRunNote(withValue(experiment, spec.path, spec.values[i]), t.summary, run) : '');
      })
      .join('');
    return { ...printed(sweepOutput({ key: spec.key, path: spec.path, values: spec.values.slice(), runs }, format, axisWidthPower(experiment, spec.path))), stderr: notes };
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
    throw new ExperimentError(`the sweep draws width × input dimension initial weights (and reads the data) for ${eachOf(spec.values.length, 'value')}, ${formatCount(draws)} numbers in all, over the limit of ${formatCount(MAX_ANALYSIS_DRAWS)} for one analysis (docs/limits.md): use fewer values${e.init.kind === 'random' ? ' or a smaller width' : ' (its explicit init.u and init.W fix the width)'}`, 'sweep');
  }
  const tooLarge = outputTooLarge(bytes, `the sweep's ${countOf(spec.values.length, 'run')}`, 'use fewer values or fewer time.points, or --summary');
  if (tooLarge) throw new ExperimentError(tooLarge, 'sweep');
  if (points > MAX_SWEEP_POINTS) {
    throw new ExperimentError(`the sweep's ${countOf(spec.values.length, 'run')} report ${formatCount(points)} points in all, over the limit of ${formatCount(MAX_SWEEP_POINTS)} for one sweep (docs/limits.md): use fewer values or fewer time.points`, 'sweep');
  }
}

/**
 * Refuses, at the file's "sweep", a sweep that would re-validate more than MAX_ANALYSIS_TOKENS JSON
 * tokens: each value is written into the file's value and the file checked again, `passes` times
 * per value (docs/limits.md, "flab sweep").
 */
export function checkRevalidation(loaded: LoadedExperiment, spec: SweepSpec, passes: number, hasSamples = true): void {
  const tokens = countJsonTokens(loaded.source.text);
  const total = tokens * spec.values.length * passes;
  if (total > MAX_ANALYSIS_TOKENS) {
    const said = largeOverLimit(total, MAX_ANALYSIS_TOKENS);
    throw new ExperimentError(`the sweep checks the file again for ${eachOf(spec.values.length, 'value')}${passes > 1 ? ` (${passes} times: to plan its steps, then to run)` : ''}: ${formatLarge(tokens)} JSON tokens each, ${said.value} in all, over the limit of ${said.limit} for one analysis (docs/limits.md): use fewer values${hasSamples ? ', or fewer samples in the file' : ''}`, 'sweep');
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
    const said = largeOverLimit(work, MAX_ANALYSIS_WORK);
    throw new ExperimentError(`the sweep's ${countOf(spec.values.length, 'gradient-descent run')} (model.activation "${e.model.activation}" runs the plain loop) do ${said.value} multiply-adds in all (steps × samples × width × input dimension, summed over the runs; the largest, value ${largest.i}, ${formatLarge(largest.work)}), over the limit of ${said.limit} for one sweep (docs/limits.md): use fewer values${e.init.kind === 'random' ? ', fewer steps (time.end) or a smaller width' : ' or fewer steps (time.end; its explicit init.u and init.W fix the width)'}`, 'sweep');
  }
}

/**
 * The sweep as printed. `widthPower` (`axisWidthPower`, as `flab phase --json` gives an axis): when the
 * swept key is a power of the width in the file (a parameterisation, or `{widthExponent, base}`), the
 * values are its bases b and each run computes with b·d^exponent, d the file's width — `--json` and
 * `--summary` carry it as `widthPower` {exponent, width} (null otherwise), `--table` says it in the
 * header (`model.outputScale base b (γ = b·d^(−1/2))`) and a note under it, `--csv` heads the column
 * `model.outputScale.base` (csvValueColumn). Until 2026-12-03 no output said the values were bases, and
 * the CSV did not until later that day.
 */
function sweepOutput(r: SweepResult, format: string, widthPower: AxisWidthPower | null = null): string {
  const formula = widthPower ? widthPowerFormula(axisShort(r.path), widthPower.exponent) : '';
  if (format === 'table') {
    const values = tableValues(r.values);
    // Runs scored over different times say so on each row: their kernel change and distance differ in
    // meaning — by convention (docs/mechanisms.md, "Two conventions": t → ∞ without weight decay, up to
    // the run's end with it), or by their ends (with weight decay and no time.end, each run's own default
    // horizon: until 2026-12-03 rows scored up to 15,959 and 1,592 showed no column).
    const spans = r.runs.map((t) => (t.summary.scoredOver === 'infinity' ? 't → ∞' : t.summary.scoredOver === 'end' ? `t ≤ ${tableNumber(t.t[t.t.length - 1])}` : ''));
    const mixed = new Set(spans).size > 1;
    const rows = r.runs.map((t, i) => {
      const s = t.summary;
      const row = [values[i], s.diverged ? 'diverged' : s.dead ? deadFromStep(s.dead.step) : 'finished', s.label ?? '', tableNumber(s.zetaInitial), tableNumber(s.zetaFinal), tableNumber(s.lossFinal), tableNumber(s.scores?.kernelChange), tableNumber(s.scores?.distance)];
      return mixed ? [...row, spans[i]] : row;
    });
    const header = [widthPower ? `${r.path} base b (${formula})` : r.path, 'status', 'label', 'ζ initial', 'ζ final', 'final loss', 'kernel change', 'distance'];
    const based = widthPower ? `${r.path}: each value is the base b; the runs compute with ${formula}, d = ${formatCount(widthPower.width)} (the file's width)\n` : '';
    const note = mixed ? 'scored over: the runs\' scores (label, kernel change, distance) are taken over different times — t → ∞ for the flow without weight decay, up to the run\'s end with it, which a run without time.end takes at its own default horizon (docs/mechanisms.md, "Two conventions")\n' : '';
    return formatTable(mixed ? [...header, 'scored over'] : header, rows) + based + note;
  }
  if (format === 'summary') return JSON.stringify({ key: r.key, path: r.path, widthPower, values: r.values, summaries: r.runs.map((t) => t.summary) }, null, 2) + '\n';
  if (format === 'csv') {
    const columns = SERIES_COLUMNS.filter((c) => r.runs.every((t) => t[c] !== undefined));
    // Bases of a width power are headed as such (`model.outputScale.base`), as `flab phase --csv` heads its axes.
    const lines = [[csvValueColumn(r.path, widthPower), ...columns].join(',')];
    r.runs.forEach((t, i) => {
      for (let k = 0; k < t.t.length; k++) lines.push([r.values[i], ...columns.map((c) => csvNumber(t[c]![k]))].join(','));
    });
    return lines.join('\n') + '\n';
  }
  return JSON.stringify({ key: r.key, path: r.path, widthPower, values: r.values, runs: r.runs }) + '\n';
}
