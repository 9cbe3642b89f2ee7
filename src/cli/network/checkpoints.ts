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
import { BadFileError, CliOutput, CommandContext, LoadedExperiment, LoadedFile, ParsedArgs, printed } from '../command';
import { reportDiagnostics } from '../experimentFile';
import { explainLayerLabel, noPairNote } from '../../core/mechanisms/layerLabel';
import { checkpointWriters, folderWriterNote } from '../../core/checkpoints/checkpointFolder';

/** `flab checkpoints FILE`'s work (its options and help: src/cli/commands/checkpoints.ts). */
export async function runCheckpoints(args: ParsedArgs, context: CommandContext): Promise<CliOutput> {
  const format = args.choice('format', 'json');
  const loaded = context.loadAny(args.operands[0]);
  const e = checkpointsOf(loaded);
  const result = await readCheckpointExperiment(e, { baseDir: loaded.baseDir });
  const file = loaded.source;
  if (result.step.length === 0) {
    // The reasons are the errors; a warning that never stops reading (the metrics file's) stays a warning.
    const problems = result.problems.some((p) => !p.warning) ? result.problems : [{ file: null, message: 'no checkpoint could be read', key: 'checkpoints.path' as const }, ...result.problems];
    throw new BadFileError(reportDiagnostics(file, problems.map((p) => diagnostic(file, p, p.warning ? 'warning' : 'error'))));
  }
  const out = printed(format === 'summary' ? JSON.stringify(result.summary, null, 2) + '\n' : format === 'csv' ? columnsCsv(checkpointColumns(result)) : JSON.stringify(result) + '\n');
  return { ...out, stderr: warnings(file, result) + pairsNote(file, result) + labelNote(file, result) + writingNote(file, e, loaded.baseDir, result) };
}

/**
 * A note for each run or sweep of another process writing into the folder read (the glob's folder, or
 * a folder of a checkpoint read, or the folder above one that a sweep holds; `checkpointWriters`), else ''.
 * The reading is the same; the note says that the series may end with a checkpoint being written.
 */
function writingNote(file: LoadedFile, e: CheckpointExperiment, baseDir: string, r: CheckpointRunResult): string {
  return checkpointWriters(e.checkpoints.path, baseDir, r.files).map((w) => `${file.file}: note: ${folderWriterNote(w)}\n`).join('');
}

function checkpointsOf(loaded: LoadedExperiment): CheckpointExperiment {
  const p = loaded.parsed;
  if (p.kind === 'checkpoints') return p.experiment;
  const what = p.kind === 'network' ? 'a network experiment: `flab train` trains it' : 'the two-layer linear model: `flab solve` or `flab simulate` runs it';
  throw new ExperimentError(`\`flab checkpoints\` takes a checkpoint experiment (a top-level "checkpoints"); this file is ${what}`, p.kind === 'network' ? 'model.hidden' : 'model');
}

function diagnostic(file: LoadedFile, p: CheckpointProblem, severity: 'error' | 'warning') {
  return { message: p.message, path: p.key, ...locatePath(file.tree, p.key), severity };
}

/**
 * What only `--json` said of the label: why there is none for a run that diverged (LayerScores,
 * `lossNotFinite`: the metrics file's last loss, at the last checkpoint's step or after it, has no
 * number), as `flab train` says of its own diverged run; or that it rests on no pair (`noPairNote`:
 * their shapes do not chain); else ''.
 */
function labelNote(file: LoadedFile, r: CheckpointRunResult): string {
  const s = r.summary.scores;
  if (!s) return '';
  if (s.lossNotFinite) return `${file.file}: note: ${explainLayerLabel(s, r.step.length).regime}\n`;
  const pairs = noPairNote(s, r.summary.label);
  return pairs ? `${file.file}: note: ${pairs}\n` : '';
}

/**
 * A note for each pair of consecutive layers left out of the alignment (`pairsLeftOut`: their shapes do
 * not chain), as the panel says it; only `--json` listed them, and a series of which no pair chains
 * read as labelled.
 */
function pairsNote(file: LoadedFile, r: CheckpointRunResult): string {
  return r.pairsLeftOut.map((p) => `${file.file}: note: left out of the alignment: ${p.layers.join(' → ')} — ${p.reason}\n`).join('');
}

/** The problems of a series that was read: one located warning per line (the first 10, then a count). */
function warnings(file: LoadedFile, r: CheckpointRunResult): string {
  const lines = r.problems.slice(0, 10).map((p) => formatDiagnostic(file.file, file.text, diagnostic(file, p, 'warning')));
  if (r.problems.length > 10) lines.push(`${file.file}: note: ${r.problems.length - 10} more warning${r.problems.length === 11 ? '' : 's'} not shown`);
  return lines.length ? lines.join('\n') + '\n' : '';
}
