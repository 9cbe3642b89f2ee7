/**
 * The commands of `flab`, in the order `flab --help` lists them. A command is one file of this
 * folder exporting a Command (src/cli/command.ts); adding one is that file and its line here.
 */
import { Command } from '../command';
import { checkpointsCommand } from './checkpoints';
import { phaseCommand } from './phase';
import { scalingCommand } from './scaling';
import { simulateCommand } from './simulate';
import { solveCommand } from './solve';
import { sweepCommand } from './sweep';
import { trainCommand } from './train';

export const COMMANDS: readonly Command[] = [solveCommand, simulateCommand, sweepCommand, phaseCommand, scalingCommand, trainCommand, checkpointsCommand];
