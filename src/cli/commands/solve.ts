/** `flab solve FILE`: the exact gradient-flow trajectory (docs/model.md §3–§5). */
import { solve } from '../../core/runs/solve';
import { Command, printed } from '../command';
import { stationaryNote } from './simulate';
import { formatTrajectory, TRAJECTORY_FORMATS } from '../output';

export const solveCommand: Command = {
  name: 'solve',
  summary: 'the exact gradient-flow trajectory (linear activation)',
  operands: ['FILE'],
  options: TRAJECTORY_FORMATS,
  run(args, context) {
    const experiment = context.load(args.operands[0]);
    const run = solve(experiment);
    return { ...printed(formatTrajectory(run, args.choice('format', 'json'))), stderr: stationaryNote(experiment, run.summary) };
  },
};
