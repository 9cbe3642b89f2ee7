/** `flab simulate FILE`: full-batch gradient descent, time counting steps (docs/model.md §6, docs/finite-rates.md). */
import { simulate } from '../../core/runs/simulate';
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
    return printed(formatTrajectory(simulate(experiment, { reference: args.has('--reference') }), args.choice('format', 'json')));
  },
};
