/** `flab solve FILE`: the exact gradient-flow trajectory (docs/model.md §3–§5). */
import { solve } from '../../core/runs/solve';
import { Command, printed } from '../command';
import { formatTrajectory, TRAJECTORY_FORMATS } from '../output';

export const solveCommand: Command = {
  name: 'solve',
  summary: 'the exact gradient-flow trajectory (linear activation)',
  operands: ['FILE'],
  options: TRAJECTORY_FORMATS,
  run(args, context) {
    const experiment = context.load(args.operands[0]);
    return printed(formatTrajectory(solve(experiment), args.choice('format', 'json')));
  },
};
