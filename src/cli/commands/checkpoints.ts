/**
 * `flab checkpoints FILE`: reads the checkpoints of a checkpoint experiment (a file with a top-level
 * `checkpoints`) and prints the same curves as `flab train` (docs/checkpoints.md, "Runs and output").
 * Its options and help; the work is in src/cli/network/checkpoints.ts, which dist/cli.js loads only
 * when it runs (src/cli/network/index.ts).
 */
import { Command } from '../command';
import { runCheckpoints } from '../network';

export const checkpointsCommand: Command = {
  name: 'checkpoints',
  summary: 'read a checkpoint experiment (a folder of .safetensors files) and print per checkpoint the layer norms and distances, ζ and ζ_top per pair of layers, the metrics file\'s loss and accuracy, and the label',
  help: `--json prints one object: step, files, distance (one entry per checkpoint, by step), layers[] (name,
shape, rows, cols, norm, distance), alignment[] (layers, zeta, zetaTop, zetaError when estimated),
pairsLeftOut, loss and accuracy and metrics (with a metrics file), summary and problems. --csv flattens
the columns (layers[0].norm, alignment[0].zeta, …). A series with no checkpoint read exits 1 with its
problems located in the file; files skipped beside read ones are printed as warnings (exit 0).`,
  operands: ['FILE'],
  options: [
    { flag: '--json', group: 'format', help: 'the series as one JSON object (the default)' },
    { flag: '--csv', group: 'format', help: 'one row per checkpoint, one column per curve (named by its JSON path)' },
    { flag: '--summary', group: 'format', help: 'only the summary object (label, scores, thresholds, layers, final values), as JSON' },
  ],
  run: runCheckpoints,
};
