/** `flab simulate FILE`: full-batch gradient descent, time counting steps (docs/model.md §6, docs/finite-rates.md). */
import { deadRunNote, stationaryRunNote, zeroKernelNote } from '../../core/descent/deadUnits';
import type { Experiment } from '../../core/experiment/experiment';
import { simulate } from '../../core/runs/simulate';
import type { Summary } from '../../core/trajectory/trajectory';
import { Command, printed } from '../command';
import { formatTrajectory, TRAJECTORY_FORMATS } from '../output';

export const simulateCommand: Command = {
  name: 'simulate',
  summary: 'full-batch gradient descent; time counts steps (linear network: the exact O(1)-per-step recursion of docs/finite-rates.md)',
  operands: ['FILE'],
  options: [
    { flag: '--reference', help: 'run the plain O(d·D)-per-step loop over (u, W) instead of the recursion (same output)' },
    ...TRAJECTORY_FORMATS,
  ],
  run(args, context) {
    const experiment = context.load(args.operands[0]);
    const run = simulate(experiment, { reference: args.has('--reference') });
    return { ...printed(formatTrajectory(run, args.choice('format', 'json'))), stderr: deadNote(run.summary) + stationaryNote(experiment, run.summary) + zeroKernelRunNote(experiment, run.summary) };
  },
};

/**
 * A note on standard error, whatever the format, for a gradient-descent run whose ReLU network is dead
 * at its end (`summary.dead`): why its label and scores are null — "flab: note: every ReLU unit is
 * inactive on every sample from step 2 on: no gradient reaches the weights; no mechanism is read (label null)";
 * `run` names a sweep's value. '' for any other run.
 */
export function deadNote(s: Summary, run?: string): string {
  return s.dead ? `flab: note: ${run ? `${run}: ` : ''}${deadRunNote(s.dead.step)} (label and scores null; docs/phase-diagram.md, "Gradient descent")\n` : '';
}

/**
 * A note on standard error for a gradient-descent run whose tangent kernel at the effective input is 0
 * at θ₀ (K₀ = 0: kernelChange and tangentChange null, the label's kernel test on the distance): which
 * units give it nothing and why (`zeroKernelNote`). `run` names a sweep's value. '' for any other run.
 */
export function zeroKernelRunNote(e: Experiment, s: Summary, run?: string): string {
  const note = zeroKernelNote(e, s);
  return note === null ? '' : `flab: note: ${run ? `${run}: ` : ''}${note}\n`;
}

/**
 * A note on standard error, whatever the format, for a gradient-descent run whose weights never moved
 * (`summary.stationary`: a stationary point at θ₀, u = W = 0 with σ(0) = 0): why its label
 * and scores are null, and what in the file moves it. `run` names a sweep's value. '' for any other run.
 */
export function stationaryNote(e: Experiment, s: Summary, run?: string): string {
  return s.stationary ? `flab: note: ${run ? `${run}: ` : ''}${stationaryRunNote(e)} (docs/mechanisms.md, "Scores")\n` : '';
}
