/**
 * What a network run's notes advise, in the file's own keys (docs/networks.md, "Runs and output"): a
 * note names a key the file writes, or says which key to add and where — never a key the file does not
 * have (`init.scale` to a file of explicit `init.weights`), nor one of the linear model's.
 */
import { formatSignificant } from '../mechanisms/explain';
import { isWidthPower } from '../experiment/hyperparameters';
import type { DeadUnits } from '../network/deadUnits';
import type { NetworkExperiment } from '../network/networkExperiment';
import type { TargetOverflow } from './train';

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

/** A target that alone overflows the squared loss (`TargetOverflow`): which, its value, and why the loss is ∞. */
function overflowingTargetSaid(overflow: TargetOverflow): string {
  const output = overflow.outputs > 1 ? `, output ${overflow.output} of ${overflow.outputs}` : '';
  return `the target of training sample ${overflow.sample} (counted from 0${output}) is ${formatSignificant(overflow.value, 7)} (as float32 holds it), and y² alone passes float32's largest number, 3.4·10³⁸ (|y| above 1.8·10¹⁹), so the squared loss ½(f − y)² is ∞ unless the network's output f comes within 1.8·10¹⁹ of it`;
}

/** What a target that overflows the squared loss needs: no key of the network can help. */
const SCALE_TARGETS = 'the targets must be scaled: divide them all by one factor (their largest magnitude, say), which no init.scale, model.outputScale or normalisation of the inputs can stand for';

/**
 * Why a minibatch run diverged at `step` when that step's batch holds a target that alone overflows the
 * squared loss (`overflow`: runs/train.ts, `overflowingTarget`): the batch, the target, and that the
 * targets must be scaled — the run meets it at the first batch that holds the sample, whatever its
 * rate, initialisation or inputs. As `notTrainedNote` says it of a run that meets it at θ₀.
 */
export function divergedTargetNote(step: number, overflow: TargetOverflow): string {
  return `the cause is in the batch of step ${step}, in float32, the trainer's arithmetic: ${overflowingTargetSaid(overflow)}, in any batch that holds that sample — ${SCALE_TARGETS}`;
}

/**
 * The note of a run whose loss at θ₀ is not finite in float32 (`notTrained`): nothing was trained,
 * and which keys of this file make the first outputs finite — or, when a regression target alone
 * overflows the squared loss (`overflow`: runs/train.ts, `overflowingTarget`), that target, and that
 * the targets must be scaled: no key of the network can help then.
 */
export function notTrainedNote(e: NetworkExperiment, regression: boolean, overflow?: TargetOverflow | null): string {
  if (overflow) return `the loss at the initial weights θ₀ is not finite in float32, the trainer's arithmetic: ${overflowingTargetSaid(overflow)}: nothing was trained (no record, no label) — ${SCALE_TARGETS}`;
  const normalize = gives(e, ['data', 'normalize']) ? written(e.source, ['data', 'normalize']) ?? 'swept' : undefined;
  const data = normalize === undefined ? 'inputs normalised (add "normalize": "standardize" or "scale01" to data)' : normalize === 'none' ? 'inputs normalised (data.normalize "standardize" or "scale01", not "none")' : 'smaller inputs';
  return `the loss at the initial weights θ₀ is not finite in float32, the trainer's arithmetic: the first outputs, or their loss, overflow, so nothing was trained (no record, no label) — give ${initScale(e)}, ${smaller(e, 'model', 'outputScale', 1)}, or ${data}${regression ? ', or smaller targets' : ''}`;
}

/**
 * What trains a network whose every weight starts at exactly 0 (LayerScores, `startsAtZero`, when
 * `deadAtStart` or `frozen`): weights that do not start at 0 — neither a seed, a width, centred inputs
 * nor an activation helps, as every layer's gradient is 0 there.
 */
export function zeroInitRemedy(e: NetworkExperiment): string {
  if (e.spec.init.kind === 'explicit') return 'to train it, give init.weights nonzero entries (every one is 0)';
  const scale = written(e.source, ['init', 'scale']);
  const key = isWidthPower(scale) ? 'init.scale.base' : 'init.scale';
  return `to train it, set ${key} above 0 (it is 0: every weight is drawn as 0 · a random number)`;
}

/**
 * What trains a network saturated from θ₀ (LayerScores, `constantAtStart`): a smaller initialisation
 * scale, as this file gives it (`init.scale`, its width power's base, or explicit `init.weights`), so
 * that its tanh or sigmoid units start where φ′ is not ≈ 0.
 */
export function smallerInit(e: NetworkExperiment): string {
  return initScale(e);
}

/**
 * What trains a network saturated from θ₀, as the panel's notice says it (`smallerInit`, or for a zero
 * initialisation `zeroInitRemedy`).
 */
export function saturatedStartRemedy(e: NetworkExperiment, startsAtZero = false): string {
  if (startsAtZero) return zeroInitRemedy(e);
  return `to train it, give ${initScale(e)}, so that its units start off their saturation (a pre-activation of a few units at most on the training samples, where φ′ is not ≈ 0)`;
}

/** "Centre the inputs", as this file says it; null when it standardizes already or the dead layer is not the first (centring acts on the inputs of hidden layer 1 only). */
function centreInputs(e: NetworkExperiment, layer: number): string | null {
  const normalize = written(e.source, ['data', 'normalize']);
  if (normalize === 'standardize' || layer !== 1) return null;
  return `centre the inputs (${normalize === undefined ? 'add "normalize": "standardize" to data' : `data.normalize "standardize", not "${String(normalize)}"`}: a unit of hidden layer 1 is then active on some sample unless its pre-activation is 0 on all)`;
}

/** leaky_relu, as this file says it. */
function leaky(e: NetworkExperiment): string {
  return !gives(e, ['model', 'activation']) ? 'add "activation": "leaky_relu" to model (relu is the default)' : 'set model.activation to "leaky_relu"';
}

/**
 * What trains a dead ReLU network (LayerScores, `deadAtStart`), in this file's keys: initial weights
 * that some sample activates, inputs of both signs (hidden layer 1 only: a deeper layer's inputs are
 * ReLU outputs, ≥ 0 whatever the data), or an activation that passes a gradient below 0. A zero
 * initialisation (`startsAtZero`): `zeroInitRemedy`.
 */
export function deadRemedy(e: NetworkExperiment, d: DeadUnits, startsAtZero = false): string {
  if (startsAtZero) return zeroInitRemedy(e);
  const l = d.deadLayer ?? 1;
  const init =
    e.spec.init.kind === 'explicit'
      ? `change init.weights so that some row of W_${l} has a positive pre-activation on some sample`
      : `draw other initial weights (${gives(e, ['init', 'seed']) ? 'another init.seed' : 'add a "seed" to init'}) or widen hidden layer ${l} (model.hidden[${l - 1}])`;
  const data = centreInputs(e, l);
  return `to train it, ${init}${data ? `, ${data}` : ''}, or ${leaky(e)}, whose units always pass a gradient`;
}

/**
 * What keeps alive a ReLU network that died during training (LayerScores, `deadAtEnd`): smaller steps
 * (a large one pushes every unit's pre-activation below 0), centred inputs for hidden layer 1, or an
 * activation that passes a gradient below 0.
 */
export function deadEndRemedy(e: NetworkExperiment, d: DeadUnits): string {
  const l = d.deadLayer ?? 1;
  const rate = written(e.source, ['training', 'learningRate']);
  const r = !gives(e, ['training', 'learningRate']) ? 'training.learningRate below 0.01 (add "learningRate" to training: the default is 0.01)' : Array.isArray(rate) ? 'smaller training.learningRate entries' : isWidthPower(rate) ? 'a smaller training.learningRate.base' : 'a smaller training.learningRate';
  const data = centreInputs(e, l);
  return `to keep it alive, give ${r} (a large step can push every unit's pre-activation below 0 on every sample, from where no gradient brings it back)${data ? `, ${data}` : ''}, or ${leaky(e)}, whose units always pass a gradient`;
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
