/**
 * `flab train FILE`: trains a network experiment (a file whose `model` has `hidden`) and prints its
 * records (docs/networks.md, "Runs and output"). The data's limits are checked before it is read, the
 * network's before anything is allocated, and the output's before the first step (docs/limits.md).
 */
import { countOf, formatCount, visibleName } from '../../core/experiment/diagnostic';
import { ExperimentError } from '../../core/experiment/errors';
import { columnsCsv, trainColumns } from '../../core/runs/layerCsv';
import { checkpointFolderRefusal, NetworkRun, trainExperiment, TrainResult } from '../../core/runs/train';
import type { NetworkExperiment } from '../../core/network/networkExperiment';
import { explainLayerLabel } from '../../core/mechanisms/layerLabel';
import { BackendError, INITIAL_LOSS_NOT_FINITE, TrainingOptions } from '../../core/network/train';
import { EXACT_ZETA_LIMIT } from '../../core/network/layerMetrics';
import { deadEndRemedy, deadRemedy, divergedTargetNote, notTrainedNote, smallerInit, smallerRateOrInit, zeroInitRemedy } from '../../core/runs/notes';
import { cadenceAdvice, leastRecordEvery, maxRecordsKept } from '../../core/network/spec';
import { interruptedCode, InterruptSignal, withInterrupts } from '../interrupts';
import { CliOutput, CommandContext, LoadedExperiment, ParsedArgs, printed, UsageError } from '../command';
import { MAX_OUTPUT_BYTES, NUMBER_BYTES, SUMMARY_BYTES } from '../limits';
import { outputTooLarge, perRunOnly } from '../output';
import { plannedTrainingMs } from '../../core/network/workModel';
import { formatDuration } from '../../core/runs/pace';

/**
 * `flab train FILE`'s work (its options and help: src/cli/commands/train.ts). Ctrl+C or SIGTERM while
 * it trains stops the run at its next step and prints its records, exit 130 or 143 (src/cli/interrupts.ts).
 */
export async function runTrain(args: ParsedArgs, context: CommandContext): Promise<CliOutput> {
  const format = args.choice('format', 'json');
  const backend = backendOf(args.value('--backend'));
  const loaded = context.loadAny(args.operands[0]);
  const e = networkOf(loaded, 'train');
  checkWritableCheckpoints(e, loaded);
  return withInterrupts(context.interrupts, async (interrupts) => {
    const result = await interrupts
      .cancellable(
        trainExperiment(e, {
          baseDir: loaded.baseDir,
          fileName: loaded.fileName,
          backend,
          ...interrupts.options,
          recordsAtMost: (layers) => printableRecords(layers, format, 1),
          beforeRun: (run) => {
            checkOutput(run, format);
            // Step 0 of the run, counted from the start: the first update came after the first step.
            context.progress.update(0, run.training.totalSteps, 'steps');
            const long = longWorkNote('train', `the run's ${countOf(run.training.totalSteps, 'step')} of ${run.training.sizes.join('-')} at batch ${formatCount(batchOf(run))}`, plannedTrainingMs(run.training.totalSteps, batchOf(run), run.training.sizes));
            if (long) context.progress.note(long);
            interrupts.training();
          },
          onProgress: (p) => context.progress.update(p.step, p.totalSteps, 'steps', { done: p.step, total: p.totalSteps }),
        }),
      )
      .catch((err: unknown) => {
        throw err instanceof BackendError ? new UsageError(`--backend ${backend}: ${err.message}`) : err;
      });
    const signal = interrupts.received;
    if (!result) return { code: interruptedCode(signal!), stdout: '', stderr: '' };
    if (signal && result.step.length === 0) return { code: interruptedCode(signal), stdout: '', stderr: `${loaded.source.file}: note: ${signal} before the first record: nothing to print\n` };
    const stopped = signal ? interruptedNote(loaded.source.file, result, signal) : '';
    return { ...printed(formatTrainResult(result, format)), ...(signal ? { code: interruptedCode(signal) } : {}), stderr: sweepNote(loaded.source.file, e) + noHiddenLayerNote(loaded.source.file, e) + divergedNote(loaded.source.file, result, undefined, e) + stopped + checkpointsNote(loaded.source.file, result, format) };
  });
}

/** Samples per step of a run set up with its data. */
export function batchOf(run: NetworkRun): number {
  const t = run.spec.training;
  return t.batchSize === 'full' ? run.data.train.count : Math.min(t.batchSize, run.data.train.count);
}

/** Planned work (modeled, `plannedTrainingMs`) past which `flab train` and `flab sweep` say up front, on a terminal, how long it will take: a minute. */
export const LONG_WORK_MS = 60_000;

/**
 * The line a terminal is told up front when `what` (the run's steps, the sweep's trainings) is modeled
 * to take `ms` (`plannedTrainingMs`) past LONG_WORK_MS; null when shorter. An order of magnitude from
 * the work model of the record cadence (docs/networks.md, "Speed"), said as "about", never a promise.
 */
export function longWorkNote(command: string, what: string, ms: number): string | null {
  if (!(ms > LONG_WORK_MS)) return null;
  return `flab ${command}: ${what} will take about ${formatDuration(ms)} on ONNX Runtime by the work model (docs/networks.md, "Speed"; the measurements and the data's loading add to it) — Ctrl+C stops it and prints what it recorded`;
}

/**
 * Where the run's checkpoints went, for `--summary` and `--csv`, which do not carry them (`--json`
 * does, in `checkpoints`): the run replaced the folder's earlier checkpoints without a word there.
 */
export function checkpointsNote(file: string, r: TrainResult, format: string): string {
  const c = r.checkpoints;
  if (!c || format === 'json') return '';
  const steps = c.files.length > 1 ? ` (${c.files[0]} to ${c.files[c.files.length - 1]})` : c.files.length === 1 ? ` (${c.files[0]})` : '';
  return `${file}: note: ${countOf(c.files.length, 'checkpoint')} written into ${visibleName(c.folder)}${steps}, with its metrics.jsonl (--json lists them)\n`;
}

/**
 * The note of a run that `signal` stopped (`summary.status` "stopped"): where, and what is written to
 * standard output (which a pipeline's reader, stopped by the same Ctrl+C, may not read: the notice says so).
 * `run` names a sweep's run. Empty for a run that ended otherwise (it finished or diverged first).
 */
export function interruptedNote(file: string, r: TrainResult, signal: InterruptSignal, run?: string): string {
  if (r.summary.status !== 'stopped') return '';
  const last = r.step.at(-1) ?? 0;
  return `${file}: note: ${run ? `${run}: ` : ''}${signal} stopped the training before its last step (${formatCount(r.summary.totalSteps)}): the records up to step ${formatCount(last)} are written to standard output, summary.status "stopped"${r.summary.label !== null ? ', the label read from them' : ''}\n`;
}

/**
 * A note for a network without a hidden layer (`model.hidden` []): f = γ·W x is linear in its weights, so
 * its tangent kernel never changes and the label is kernel whatever the run learns, and ζ has no pair of
 * layers (a tester's finding, 2026-12-03: such a file trained without a word; docs/networks.md, "The
 * experiment file").
 */
export function noHiddenLayerNote(file: string, e: NetworkExperiment): string {
  if (e.spec.model.hidden.length > 0) return '';
  return `${file}: note: the network has no hidden layer (model.hidden is []): f = γ·W x is linear in its weights, so its tangent kernel never changes and its label can only be kernel, and ζ needs a pair of consecutive layers — give model.hidden a width to see alignment, disalignment or rescaling\n`;
}

/** A note that `flab train` trained a file with a sweep as written, once (it said nothing: the sweep looked ignored). */
export function sweepNote(file: string, e: NetworkExperiment): string {
  if (!e.sweep) return '';
  const n = e.sweep.values.length;
  return `${file}: note: the file sweeps ${e.sweep.path} over ${countOf(n, 'value')}; flab train trained it once, as written without the sweep — \`flab sweep\` trains once per value\n`;
}

/**
 * A note on standard error for a run that diverged or whose weights never moved, whatever the format
 * (`--csv` has no room for it): where the loss stopped being finite and that the records up to there
 * are what is printed, or why there is no label — or, for a label whose kernel test is the distance
 * because float32 cannot hold the kernel, that reason. `run` names a sweep's run. Empty otherwise.
 */
export function divergedNote(file: string, r: TrainResult, run?: string, e?: NetworkExperiment): string {
  const s = r.summary.scores;
  // A dead ReLU network (a hidden layer inactive on every sample at θ₀): the layer, its units, and what
  // in this file trains it — it was blamed on "a tiny init.scale", a key such a file may not have.
  // A zero initialisation (every weight 0) is named as the cause: no seed, width or centring helps it.
  if (s?.deadAtStart) return `${file}: note: ${run ? `${run}: ` : ''}${explainLayerLabel(s, r.step.length, r.summary.thresholds).regime}${e ? `; ${deadRemedy(e, s.deadAtStart, s.startsAtZero)}` : ''}\n`;
  // A ReLU network that died during training (a hidden layer inactive on every sample at the end): it
  // was labelled from the layers' way down, its output bias keeping a tangent feature alive.
  if (s?.deadAtEnd) return `${file}: note: ${run ? `${run}: ` : ''}${explainLayerLabel(s, r.step.length, r.summary.thresholds).regime}${e ? `; ${deadEndRemedy(e, s.deadAtEnd)}` : ''}\n`;
  // A run whose weights never moved has no label either: the reason, which only the panel showed.
  // Nor has one that collapsed (its tangent features all 0 at the end, every ReLU dead), saturated (a
  // hidden layer the same on every probe sample at the end: its outputs a constant), or whose
  // loss blew up while staying finite: why, and the keys of this file that train it.
  // (A run that diverged blew up too, and its own note says where.)
  if (s?.frozen) return `${file}: note: ${run ? `${run}: ` : ''}${explainLayerLabel(s, r.step.length, r.summary.thresholds).regime}${e && s.startsAtZero ? `; ${zeroInitRemedy(e)}` : ''}\n`;
  // A network saturated from θ₀ (a hidden layer the same on every probe sample at θ₀ and at the end):
  // its weights hardly moved, and it was labelled kernel; what in this file trains it is a smaller
  // initialisation (or, from all-zero weights, a nonzero one).
  if (s?.constantAtStart) return `${file}: note: ${run ? `${run}: ` : ''}${explainLayerLabel(s, r.step.length, r.summary.thresholds).regime}${e ? (s.startsAtZero ? `; ${zeroInitRemedy(e)}` : ` (${smallerInit(e)})`) : ''}\n`;
  if (s?.collapsed || s?.constantAtEnd || (s?.lossBlewUp && r.summary.status !== 'diverged')) return `${file}: note: ${run ? `${run}: ` : ''}${explainLayerLabel(s, r.step.length, r.summary.thresholds).regime}${e ? ` (${smallerRateOrInit(e)})` : ''}\n`;
  if (r.summary.status === 'notTrained') return `${file}: note: ${run ? `${run}: ` : ''}${e ? notTrainedNote(e, r.data.classes === null, r.summary.targetOverflow) : INITIAL_LOSS_NOT_FINITE}\n`;
  // Zero steps (training.epochs or steps 0) is a measurement of θ₀ alone: allowed, but said, as it has no label.
  if (r.summary.status === 'finished' && r.summary.totalSteps === 0) return `${file}: note: ${run ? `${run}: ` : ''}no label: the run has 0 steps (training.epochs or training.steps is 0), so its one record measures θ₀ alone\n`;
  // A kernel float32 cannot hold: the label's kernel test is the distance, which only --summary showed.
  if (r.summary.status !== 'diverged') return r.summary.scores?.kernelNotFinite && r.summary.label !== null ? `${file}: note: ${run ? `${run}: ` : ''}${explainLayerLabel(r.summary.scores, r.step.length, r.summary.thresholds).reasons[0]}\n` : '';
  const d = r.summary.divergedAt;
  const stepSaid = typeof d === 'number' ? formatCount(d) : String(d);
  // The step right after a record has no finite batch of its own before it: the record holds its loss.
  const loss = r.step.at(-2) === (d ?? 0) - 1 ? `its train loss step ${stepSaid}'s own, not finite (null)` : 'its train loss that of the finite batches before it';
  const atDivergence = r.step.at(-1) === d ? ` (the last made there: ${loss}, its weights those whose loss was not finite)` : '';
  const kept = r.step.length > 0 ? `the records up to step ${formatCount(r.step.at(-1)!)} are printed${atDivergence}` : 'no record was made';
  // A target that alone overflows the squared loss, met at a later batch than θ₀'s (minibatches): named
  // as a run not trained names it, not left as a divergence the rate or initialisation would be blamed for.
  const target = r.summary.targetOverflow && typeof d === 'number' ? `; ${divergedTargetNote(d, r.summary.targetOverflow)}` : '';
  return `${file}: note: ${run ? `${run}: ` : ''}the loss stopped being finite at step ${stepSaid}, and the training stopped there: ${kept}, without a label${target}\n`;
}

/** The value of `--backend` (default auto); a usage error for any other word. */
export function backendOf(value: string | undefined): TrainingOptions['backend'] {
  if (value === undefined || value === 'auto' || value === 'onnxruntime' || value === 'tfjs') return value ?? 'auto';
  throw new UsageError(`--backend takes auto, onnxruntime or tfjs, got \`${value}\``);
}

/** The network experiment of a loaded file, or an ExperimentError naming the command that takes the file. */
export function networkOf(loaded: LoadedExperiment, command: string) {
  const p = loaded.parsed;
  if (p.kind === 'network') return p.experiment;
  if (p.kind === 'linear') throw new ExperimentError(`\`flab ${command}\` takes a network experiment (a "model" with "hidden"); this file is the two-layer linear model: \`flab solve\` or \`flab simulate\` runs it`, 'model');
  throw new ExperimentError(`\`flab ${command}\` takes a network experiment (a "model" with "hidden"); this file is a checkpoint experiment: \`flab checkpoints\` reads it`, 'checkpoints');
}

/**
 * Refuses, at `training.checkpoints`, a run whose checkpoint folder (`training.checkpoints.path`, or
 * `runs/<file name>` beside the file) cannot be created or written (`checkpointFolderProblem`: a NUL
 * byte, a dangling link, /sys, a file on the way), and with `sweep` each value's folder
 * `<folder>/<key>=<value>` — before the data is read and the first step taken, not when the first
 * checkpoint is due (`checkpointFolderRefusal`, which the training panel makes too).
 */
export function checkWritableCheckpoints(e: NetworkExperiment, loaded: LoadedExperiment, options: { sweep?: boolean } = {}): void {
  const refused = checkpointFolderRefusal(e, { baseDir: loaded.baseDir, fileName: loaded.fileName }, options);
  if (refused) throw refused;
}

/**
 * What `--summary` prints: the summary, and the data line (`data.source`: what was read and kept), so
 * that a label is never read without what it was trained on (a CSV's row index left out, its classes).
 */
export function summaryWithData(r: TrainResult): TrainResult['summary'] & { data: string } {
  return { ...r.summary, data: r.data.source };
}

/** A run's result in the chosen format. */
export function formatTrainResult(r: TrainResult, format: string): string {
  if (format === 'summary') return JSON.stringify(summaryWithData(r), null, 2) + '\n';
  if (format === 'csv') return columnsCsv(trainColumns(r));
  return JSON.stringify(r) + '\n';
}

/** Worst-case bytes of a run printed in `format`: `records` (default its planned ones) × its columns. */
export function trainOutputBytes(run: NetworkRun, format: string, records = run.plannedRecords): number {
  if (perRunOnly(format)) return SUMMARY_BYTES;
  const L = run.training.sizes.length - 1;
  return records * recordBytes(L, format, estimablePairs(run.training.sizes)) + SUMMARY_BYTES + 64 * L;
}

/**
 * Worst-case bytes of one record of a network of L weight matrices, in `format`: its scalars, each
 * layer's norm and distance, each pair's ζ and ζ_top, and the `zetaError` of the `estimated` pairs.
 */
function recordBytes(L: number, format: string, estimated = 0): number {
  return (9 + 2 * L + 2 * (L - 1) + estimated + (format === 'csv' ? 1 : 0)) * NUMBER_BYTES;
}

/** Pairs of a network of layer sizes n_0 … n_L whose ζ may be estimated (o·m·n above `EXACT_ZETA_LIMIT`), and so print `zetaError`. */
function estimablePairs(sizes: readonly number[]): number {
  let count = 0;
  for (let p = 0; p + 3 <= sizes.length; p++) if (sizes[p] * sizes[p + 1] * sizes[p + 2] > EXACT_ZETA_LIMIT) count++;
  return count;
}

/**
 * Records of a network of `layers` weight matrices that `runs` runs printed in `format` may hold in
 * all within the output limit (their summaries aside); unbounded for `--summary`.
 */
export function printableRecords(layers: number, format: string, runs: number, estimated = 0): number {
  if (perRunOnly(format)) return Infinity;
  return Math.floor((MAX_OUTPUT_BYTES - runs * (SUMMARY_BYTES + 64 * layers)) / recordBytes(layers, format, estimated));
}

/**
 * Refuses, at `training.record`, runs whose output would pass the limit, with the least cadence that
 * every check accepts: the output (`records` per run, default this one run's; `steps` their steps in
 * all), the records the run keeps in memory and the file's checkpoints, each written at a record
 * (`cadenceAdvice`). `run` gives the layers (the same number in every run of a sweep).
 */
export function checkOutput(run: NetworkRun, format: string, records: readonly number[] = [run.plannedRecords], steps = run.training.totalSteps): void {
  const L = run.training.sizes.length - 1;
  const runs = records.length;
  const bytes = records.reduce((sum, n) => sum + trainOutputBytes(run, format, n), 0);
  const fits = printableRecords(L, format, runs, estimablePairs(run.training.sizes));
  // One run: exactly the least cadence that fits (⌈T/every⌉ + 1 records); several: Σ(T_i/every + 2) ≤ fits.
  const least = runs === 1 ? leastRecordEvery(steps, fits) : Math.ceil(steps / (fits - 2 * runs));
  const within = Math.max(least, leastRecordEvery(run.training.totalSteps, maxRecordsKept(L)));
  const instead = fits > 2 * runs ? `${cadenceAdvice(within, run.experiment.checkpoints?.every)}, or print --summary` : 'print --summary';
  const total = records.reduce((a, b) => a + b, 0);
  const tooLarge = outputTooLarge(bytes, `${countOf(total, 'record')}${runs > 1 ? ` in ${formatCount(runs)} runs` : ''}`, instead);
  if (tooLarge) throw new ExperimentError(tooLarge, 'training.record');
}
