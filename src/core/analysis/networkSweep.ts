/**
 * The errors of a network sweep's runs, located at the sweep value that caused them (docs/mechanisms.md,
 * "Sweeps"). Apart from sweep.ts, the linear model's sweeps, because it reads the data: the linear
 * command line does not load the network's code.
 */
import { ExperimentError, VariantError } from '../experiment/errors';
import { DataError } from '../network/data/dataError';
import { loadDataset } from '../network/data/loadDataset';
import { Dataset } from '../network/dataset';
import { isDataKey, NetworkExperiment, networkVariant, specForData } from '../network/networkExperiment';
import { planLimitProblems } from '../network/train';
import { checkpointCountProblem, checkpointLimitProblem, CheckpointPlan } from '../checkpoints/checkpointFolder';
import { TrainingSetupError } from '../network/trainErrors';
import { sweepValueError, variantIndex } from './sweep';

/**
 * A failure of the run of a network sweep's value `i`, reported at that value's sweep entry
 * (`sweepValueError`: `sweep value 1, data.label = 2: …`) when the value caused it — a setup problem
 * (not one of the data's alone in a sweep over another key), an error at the swept key or the
 * variant's own refusal (`with P = v: …`), and in a sweep over a data key any data error when the
 * file's own data loads (the value chose what the data file is read as).
 * A variant's refusal is located at the value it was built with (`VariantError`), which need not be
 * value `i`: the CLI plans every value's work during the first run. Anything else (an error of the
 * sweep itself, a data file or checkpoint folder the file names whatever the value) is returned as it
 * is: the file's. `written(j)`: value j as the file writes it. The CLI and the training worker both
 * report a sweep's failures so.
 */
export async function sweepRunError(e: NetworkExperiment, i: number, err: unknown, options: { baseDir: string; mnistDir?: string; written?: (j: number) => string | undefined }): Promise<unknown> {
  const spec = e.sweep;
  if (!spec) return err;
  const caused = async (): Promise<boolean> => {
    // Set-up problems of the data alone (inputs all 0, NaN in them, a test set of another shape) are the
    // file's when no value chooses the data: every value would meet them (a CIFAR-10 set of zeros
    // was read and refused once per value, 24 s for four identical errors).
    if (err instanceof TrainingSetupError) return isDataKey(spec.path) || !err.problems.every((p) => isDataKey(p.path));
    if (!(err instanceof ExperimentError || err instanceof DataError)) return false;
    if (err instanceof VariantError && err.key === spec.path) return true;
    if (err instanceof ExperimentError && err.message.startsWith(`with ${spec.path} = `)) return true;
    if (err.path.startsWith('sweep')) return false;
    if (err.path === spec.path) return true;
    return err instanceof DataError && spec.path.startsWith('data.') && (await loads(e.data, options));
  };
  if (!(await caused())) return err;
  const message = err instanceof TrainingSetupError ? err.problems.map((p) => p.message).join('; ') : (err as Error).message;
  const j = variantIndex(spec, i, err);
  return sweepValueError(spec, j, message, options.written?.(j));
}

/** Whether the data loads (its errors aside). */
async function loads(data: NetworkExperiment['data'], options: { baseDir: string; mnistDir?: string }): Promise<boolean> {
  try {
    await loadDataset(data, { baseDir: options.baseDir, mnistDir: options.mnistDir });
    return true;
  } catch {
    return false;
  }
}

/**
 * Why a sweep is refused before the data is read because one of its values writes more checkpoints
 * than a checkpoint experiment reads (`checkpointCountProblem`), for every value whose run's length
 * is in steps (known without the data), located at that value's sweep entry (`sweep value 1,
 * training.steps = 5000: training.checkpoints.every 2 writes 2,501 checkpoints …`); null otherwise. A
 * value the file's checks refuse is left to its run, which reports it. `written(j)`: value j as the
 * file writes it.
 */
export function sweepCheckpointCountRefusal(e: NetworkExperiment, written?: (j: number) => string | undefined): ExperimentError | null {
  const spec = e.sweep;
  if (!spec) return null;
  for (const [j, v] of spec.values.entries()) {
    let variant: NetworkExperiment;
    try {
      variant = networkVariant(e, spec.path, v);
    } catch {
      continue;
    }
    const t = variant.spec.training;
    if (!variant.checkpoints || t.length.unit !== 'steps') continue;
    const problem = checkpointCountProblem({ totalSteps: t.length.count, every: variant.checkpoints.every, recordEvery: variant.auto.record ? 1 : t.record.every });
    if (problem) return sweepValueError(spec, j, problem.message, written?.(j));
  }
  return null;
}

/**
 * Why a sweep is refused before its first step because one of its values' checkpoints pass a fixed
 * limit (`checkpointLimitProblem`: their count, a length in epochs included, and their bytes), each
 * value's `plans[j]` (null: it writes none, or is left to its run), at that value's sweep entry; null
 * otherwise. `written(j)`: value j as the file writes it.
 */
export function sweepCheckpointLimitRefusal(spec: NonNullable<NetworkExperiment['sweep']>, plans: readonly (CheckpointPlan | null)[], written?: (j: number) => string | undefined): ExperimentError | null {
  for (const [j, plan] of plans.entries()) {
    const problem = plan && checkpointLimitProblem(plan);
    if (problem) return sweepValueError(spec, j, problem.message, written?.(j));
  }
  return null;
}

/**
 * The training set value `j` of the file's sweep trains on, as far as its plan needs it (its sample
 * count, features and targets: `checkpointPlanOf`, `plannedSteps`), known from a set read for another
 * run without reading again: `read`, the training set as `readWith` (the file, or another value's
 * variant) read it. A sweep over `data.train`, the subset size, gives value v's set v samples: exactly
 * when v ≤ `read.count` (the kept samples are a prefix, or drawn with `data.subsetSeed`: their count is
 * v either way); above it, as asked when `readWith` kept a subset itself (were the data to hold fewer,
 * the value's run refuses it at data.train), null when `read` is the whole set (it holds fewer than v:
 * the run refuses it). Any other key: `read` (a data key whose value reads another set, a path or a
 * column, is planned with `read`; its run weighs its own). Value `j` is a sweep value, 0-based.
 */
export function sweepValueTrainSet(e: NetworkExperiment, j: number, read: Dataset, readWith: NetworkExperiment): Dataset | null {
  const spec = e.sweep;
  if (!spec || spec.path !== 'data.train') return read;
  const v = spec.values[j];
  if (v <= read.count) return { ...read, count: v };
  const keptWith = (readWith.data as { train?: unknown }).train;
  return typeof keptWith === 'number' ? { ...read, count: v } : null;
}

/**
 * Why a sweep is refused before its first value trains because a value's run would pass a limit at its
 * set-up (`planLimitProblems`: its layer sizes' parameters, its epochs' steps, its records kept), checked for every value with the training set
 * `read` as `readWith` read it — each value's own where `sweepValueTrainSet` knows it (a sweep over
 * `data.train`); a value under another data key may read another set, and is left to its run, as is a
 * value the file's checks refuse (`networkVariant`). Located at the value's sweep entry (`sweep value
 * 1, model.hidden[0] = 100000: layer sizes 784-100000-10 make 79,400,000 parameters, above the limit
 * …`); null when every value passes. `written(j)`: value j as the file writes it. docs/networks.md,
 * "Runs and output": until 2026-12-03 such a value was refused only after the values before it trained.
 */
export function sweepSetupRefusal(e: NetworkExperiment, read: Dataset, readWith: NetworkExperiment, written?: (j: number) => string | undefined): ExperimentError | null {
  const spec = e.sweep;
  if (!spec) return null;
  for (const [j, v] of spec.values.entries()) {
    if (isDataKey(spec.path) && spec.path !== 'data.train') continue;
    let variant: NetworkExperiment;
    try {
      variant = networkVariant(e, spec.path, v);
    } catch {
      continue;
    }
    const own = sweepValueTrainSet(e, j, read, readWith);
    if (!own) continue;
    const problems = planLimitProblems(specForData(variant, own), own);
    if (problems.length > 0) return sweepValueError(spec, j, problems.map((p) => p.message).join('; '), written?.(j));
  }
  return null;
}
