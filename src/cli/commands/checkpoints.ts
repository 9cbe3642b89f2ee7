/**
 * `flab checkpoints FILE`: reads the checkpoints of a checkpoint experiment (a file with a top-level
 * `checkpoints`) and prints the same curves as `flab train` (docs/checkpoints.md, "Runs and output").
 * A series that cannot be read at all (no file matches, a layer is missing) is a located error; files
 * skipped while others were read are located warnings beside the output.
 */
import { formatDiagnostic } from '../../core/experiment/diagnostic';
import { ExperimentError } from '../../core/experiment/errors';
import { locatePath } from '../../core/experiment/parse';
import { CheckpointExperiment } from '../../core/checkpoints/checkpointExperiment';
import { CheckpointProblem } from '../../core/checkpoints/checkpointReader';
import { checkpointColumns, columnsCsv } from '../../core/runs/layerCsv';
import { CheckpointRunResult, readCheckpointExperiment } from '../../core/runs/checkpoints';
import { BadFileError, Command, LoadedExperiment, LoadedFile, printed } from '../command';
import { reportDiagnostics } from '../experimentFile';

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
  async run(args, context) {
    const format = args.choice('format', 'json');
    const loaded = context.loadAny(args.operands[0]);
    const e = checkpointsOf(loaded);
    const result = await readCheckpointExperiment(e, { baseDir: loaded.baseDir });
    const file = loaded.source;
    if (result.step.length === 0) {
      const problems = result.problems.length ? result.problems : [{ file: null, message: 'no checkpoint could be read', key: 'checkpoints.path' as const }];
      throw new BadFileError(reportDiagnostics(file, problems.map((p) => diagnostic(file, p, 'error'))));
    }
    const out = printed(format === 'summary' ? JSON.stringify(result.summary, null, 2) + '\n' : format === 'csv' ? columnsCsv(checkpointColumns(result)) : JSON.stringify(result) + '\n');
    return { ...out, stderr: warnings(file, result) };
  },
};

function checkpointsOf(loaded: LoadedExperiment): CheckpointExperiment {
  const p = loaded.parsed;
  if (p.kind === 'checkpoints') return p.experiment;
  const what = p.kind === 'network' ? 'a network experiment: `flab train` trains it' : 'the two-layer linear model: `flab solve` or `flab simulate` runs it';
  throw new ExperimentError(`\`flab checkpoints\` takes a checkpoint experiment (a top-level "checkpoints"); this file is ${what}`, p.kind === 'network' ? 'model.hidden' : 'model');
}

function diagnostic(file: LoadedFile, p: CheckpointProblem, severity: 'error' | 'warning') {
  return { message: p.message, path: p.key, ...locatePath(file.tree, p.key), severity };
}

/** The problems of a series that was read: one located warning per line (the first 10, then a count). */
function warnings(file: LoadedFile, r: CheckpointRunResult): string {
  const lines = r.problems.slice(0, 10).map((p) => formatDiagnostic(file.file, file.text, diagnostic(file, p, 'warning')));
  if (r.problems.length > 10) lines.push(`${file.file}: note: ${r.problems.length - 10} more warning${r.problems.length === 11 ? '' : 's'} not shown`);
  return lines.length ? lines.join('\n') + '\n' : '';
}
