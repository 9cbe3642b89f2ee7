/**
 * Sweeps (docs/mechanisms.md, "Sweeps"): one run per value of one hyperparameter. Each value is
 * written into the experiment's file value and validated again, so width powers, parameterisations
 * and every check of the format apply to it as if the user had typed it.
 */
import { parseExperiment } from '../experiment/parse';
import { formatNumber } from '../experiment/diagnostic';
import { ExperimentError, VariantError } from '../experiment/errors';
import { Experiment, SweepSpec } from '../experiment/experiment';
import { withNumber } from '../experiment/hyperparameters';
import { simulate } from '../runs/simulate';
import { solve } from '../runs/solve';
import { Trajectory } from '../trajectory/trajectory';

export interface SweepResult {
  key: string;
  path: string;
  values: number[];
  /** One trajectory per value (exact for a linear network, gradient descent otherwise). */
  runs: Trajectory[];
}

/** The experiment with the number at `path` replaced (a width power keeps its exponent), validated again. */
export function withValue(e: Experiment, path: string, value: number): Experiment {
  const source = withNumber(e.source ?? {}, path, value);
  const { experiment, diagnostics } = parseExperiment(JSON.stringify(source));
  if (!experiment) {
    const d = diagnostics[0];
    throw new VariantError(`with ${path} = ${value}: ${d?.message ?? 'invalid experiment'}`, d?.path ?? path, path, value);
  }
  // The variant is not itself a sweep.
  experiment.sweep = undefined;
  return experiment;
}

/**
 * Runs the experiment's sweep (or `spec`): one trajectory per value, between which an abort
 * signal is honoured (the promise rejects with an AbortError).
 */
export async function solveSweep(e: Experiment, options: { spec?: SweepSpec; signal?: AbortSignal; method?: 'solve' | 'simulate' } = {}): Promise<SweepResult> {
  const spec = options.spec ?? e.sweep;
  if (!spec) throw new ExperimentError('the experiment has no "sweep"', 'sweep');
  const runs: Trajectory[] = [];
  for (let i = 0; i < spec.values.length; i++) {
    if (options.signal?.aborted) {
      const err = new Error('the sweep was cancelled');
      err.name = 'AbortError';
      throw err;
    }
    runs.push(runValue(e, spec, i, options.method));
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return { key: spec.key, path: spec.path, values: spec.values.slice(), runs };
}

/** The sweep in one synchronous call (the dynamics worker): a refused value is located at its sweep entry. */
export function solveSweepSync(e: Experiment, method?: 'solve' | 'simulate'): SweepResult {
  const spec = e.sweep;
  if (!spec) throw new ExperimentError('the experiment has no "sweep"', 'sweep');
  return { key: spec.key, path: spec.path, values: spec.values.slice(), runs: spec.values.map((v, i) => runValue(e, spec, i, method)) };
}

/** The run of sweep value `i`, its refusal located at the sweep's entry (`sweepValueError`). */
function runValue(e: Experiment, spec: SweepSpec, i: number, method?: 'solve' | 'simulate'): Trajectory {
  try {
    return runOne(withValue(e, spec.path, spec.values[i]), method);
  } catch (err) {
    if (!(err instanceof ExperimentError) || err.path.startsWith('sweep')) throw err;
    throw sweepValueError(spec, i, err.message);
  }
}

/**
 * A refusal of the run of sweep value `i`, located at its entry of the sweep — `sweep.KEY[i]` (for a
 * range, the editor finds `sweep.KEY`) — and saying which value it was: the value comes from the sweep,
 * so that is where to look, whichever key the message names (the file itself was validated).
 * `written` is the value as the file writes it (default: the number formatted).
 */
export function sweepValueError(spec: SweepSpec, i: number, message: string, written = formatNumber(spec.values[i])): ExperimentError {
  const own = message.replace(/^with [^=]+ = [^:]+: /, '');
  // A message that begins with the swept key and its value (`model.outputScale = 7e153: …`, `data.y
  // (its size |y|) = -1e308: …`) has them said once, here, with the value as the sweep writes it; so
  // does one that begins with its base (`training.learningRate.base = 1e36; the value used, … is
  // 1e39: …`: a sweep over a width power sets its base), whose value used stays said.
  const keyed = own.replace(new RegExp(`^${spec.path.replace(/[.[\]]/g, '\\$&')}(?:\\.base)?(?: \\([^)]*\\))? = [^:;]+[:;] `), '');
  // And one that begins with the key alone (`data.test: 2 test samples asked for, …`) has it said once.
  const rest = keyed.startsWith(`${spec.path}: `) ? keyed.slice(spec.path.length + 2) : keyed;
  return new ExperimentError(`sweep value ${i}, ${spec.path} = ${written}: ${rest}`, `sweep.${spec.key}[${i}]`);
}

function runOne(e: Experiment, method?: 'solve' | 'simulate'): Trajectory {
  const m = method ?? (e.model.activation === 'linear' ? 'solve' : 'simulate');
  return m === 'solve' ? solve(e) : simulate(e);
}

/**
 * The index of the sweep value an error is about: the value a variant was built with
 * (`VariantError`, its first entry in the sweep), else `i`, the run under way.
 */
export function variantIndex(spec: SweepSpec, i: number, err: unknown): number {
  if (!(err instanceof VariantError) || err.key !== spec.path || Object.is(spec.values[i], err.value)) return i;
  const j = spec.values.findIndex((v) => Object.is(v, err.value));
  return j >= 0 ? j : i;
}
