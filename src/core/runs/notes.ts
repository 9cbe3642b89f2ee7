/**
 * What a network run's notes advise, in the file's own keys (docs/networks.md, "Runs and output"): a
 * note names a key the file writes, or says which key to add and where — never a key the file does not
 * have (`init.scale` to a file of explicit `init.weights`), nor one of the linear model's.
 */
import { isWidthPower } from '../experiment/hyperparameters';
import type { DeadUnits } from '../network/deadUnits';
import type { NetworkExperiment } from '../network/networkExperiment';

/** The value at `path` (object keys) of the file's JSON as written; undefined where it has none. */
function written(source: unknown, path: readonly string[]): unknown {
  let node = source;
  for (const key of path) {
    if (node === null || typeof node !== 'object' || Array.isArray(node) || !(key in node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** Whether the file gives `path`: writes it, or sweeps it (each value's file writes it). */
function gives(e: NetworkExperiment, path: readonly string[]): boolean {
  return written(e.source, path) !== undefined || e.sweep?.path === path.join('.');
}

/** How to make a positive scale key smaller: the key (its `base` when a width power), or how to add it below its default. */
function smaller(e: NetworkExperiment, block: string, key: string, byDefault: number): string {
  const v = written(e.source, [block, key]);
  if (!gives(e, [block, key])) return `${block}.${key} below ${byDefault} (add "${key}" to ${block}: the default is ${byDefault})`;
  return isWidthPower(v) ? `a smaller ${block}.${key}.base` : `a smaller ${block}.${key}`;
}

/** The initialisation's scale, as this file gives it: explicit weights, or σ of the random scheme. */
function initScale(e: NetworkExperiment): string {
  return e.spec.init.kind === 'explicit' ? 'smaller init.weights' : smaller(e, 'init', 'scale', 1);
}

/**
 * The note of a run whose loss at θ₀ is not finite in float32 (`notTrained`): nothing was trained,
 * and which keys of this file make the first outputs finite.
 */
export function notTrainedNote(e: NetworkExperiment, regression: boolean): string {
  const normalize = gives(e, ['data', 'normalize']) ? written(e.source, ['data', 'normalize']) ?? 'swept' : undefined;
  const data = normalize === undefined ? 'inputs normalised (add "normalize": "standardize" or "scale01" to data)' : normalize === 'none' ? 'inputs normalised (data.normalize "standardize" or "scale01", not "none")' : 'smaller inputs';
  return `the loss at the initial weights θ₀ is not finite in float32, the trainer's arithmetic: the first outputs, or their loss, overflow, so nothing was trained (no record, no label) — give ${initScale(e)}, ${smaller(e, 'model', 'outputScale', 1)}, or ${data}${regression ? ', or smaller targets' : ''}`;
}

/**
 * What trains a dead ReLU network (LayerScores, `deadAtStart`), in this file's keys: initial weights
 * that some sample activates, inputs of both signs, or an activation that passes a gradient below 0.
 */
export function deadRemedy(e: NetworkExperiment, d: DeadUnits): string {
  const l = d.deadLayer ?? 1;
  const init =
    e.spec.init.kind === 'explicit'
      ? `change init.weights so that some row of W_${l} has a positive pre-activation on some sample`
      : `draw other initial weights (${gives(e, ['init', 'seed']) ? 'another init.seed' : 'add a "seed" to init'}) or widen hidden layer ${l} (model.hidden[${l - 1}])`;
  const normalize = written(e.source, ['data', 'normalize']);
  const data = normalize === 'standardize' ? null : `centre the inputs (${normalize === undefined ? 'add "normalize": "standardize" to data' : `data.normalize "standardize", not "${String(normalize)}"`}${l === 1 ? ': a unit of hidden layer 1 is then active on some sample unless its pre-activation is 0 on all' : ''})`;
  const activation = !gives(e, ['model', 'activation']) ? 'add "activation": "leaky_relu" to model (relu is the default)' : 'set model.activation to "leaky_relu"';
  return `to train it, ${init}${data ? `, ${data}` : ''}, or ${activation}, whose units always pass a gradient`;
}

/**
 * The keys behind "a smaller learning rate or initialisation" in this file (a collapse, a blow-up):
 * the rate as written or to add, and the initialisation's scale.
 */
export function smallerRateOrInit(e: NetworkExperiment): string {
  const rate = written(e.source, ['training', 'learningRate']);
  const r = !gives(e, ['training', 'learningRate']) ? 'training.learningRate below 0.01 (add "learningRate" to training: the default is 0.01)' : Array.isArray(rate) ? 'smaller training.learningRate entries' : isWidthPower(rate) ? 'a smaller training.learningRate.base' : 'a smaller training.learningRate';
  return `${r}, or ${initScale(e)}`;
}
