/**
 * The label of a network given by its layers — trained by the built-in trainer or read from the
 * checkpoints of an outside trainer (docs/networks.md, "Labels") — in the linear model's vocabulary
 * and by the linear model's rule (`classifyCode`, docs/mechanisms.md "The label"): one rule for the
 * three kinds of experiment. Only the scores differ, as a network has several pairs of layers:
 * - the kernel test is the tangent kernel and the tangent features on the probe batch (the trainer);
 *   checkpoints carry no data, so for them it is the largest relative distance from the first
 *   checkpoint (for the linear model at equal rates that distance is the tangent-feature change), and
 *   so it is for a run whose kernel measurement came out not finite;
 * - ζ is scored per pair of consecutive layers: alignment is the largest rise, disalignment the largest
 *   fall (a deep network can have both, in different pairs);
 * - the balance is the spread of the layers' log norm changes.
 * Scores are net changes from the first record (or checkpoint) to the last.
 */
import { lastMeasured } from './series';
import { classifyCode, ClassifyThresholds, DEFAULT_THRESHOLDS, labelName, MechanismScores } from './classify';
import { formatAgainst, formatExact, formatScore } from './explain';

/** One hidden layer's dead units. */
export interface DeadLayer {
  /** 1-based index of the hidden layer (h_l), the output of W_l. */
  layer: number;
  /** Units whose pre-activation is ≤ 0 (relu′ = 0: mechanisms/reluAtZero.ts) on every sample scanned. */
  dead: number;
  /** The layer's width n_l. */
  units: number;
}

/** The dead units of a ReLU network at θ₀ on its training set (network/deadUnits.ts, `deadUnitsAt`). */
export interface DeadUnits {
  /** Per hidden layer, input side first. */
  layers: DeadLayer[];
  /** The training samples scanned: all of them, or as many as fit the scan's bound, spread over the set at a fixed stride (network/deadUnits.ts, `scannedSample`); fewer than `of` only when the bound cut the scan (or every layer was seen alive early). */
  samples: number;
  /** The training samples there are. */
  of: number;
  /** The first hidden layer (1-based) whose every unit is dead on every sample scanned; null when none is. */
  deadLayer: number | null;
}

/**
 * A ReLU network that died during training (LayerColumns, `deadAtEnd`): the dead units at its last
 * record on the training set, scanned as at θ₀ with the biases (deadUnits.ts), and when it was seen so.
 */
export interface DeadAtEnd extends DeadUnits {
  /** The step of the last record scanned (the last record of a finished run). */
  step: number;
  /** The first record (its step) at which a hidden layer was seen wholly dead; the records are scanned while the network lives (network/train.ts). */
  firstSeen: number;
}

/**
 * A network whose outputs no longer depend on its input (LayerColumns, `constantAtEnd`): at its last
 * record a hidden layer reads the same values on every probe sample, while at θ₀ none did
 * (network/deadUnits.ts, `constantHiddenLayer`) — tanh units saturated at ±1, sigmoid ones at 0 or 1,
 * ReLU ones dead: the network computes a constant.
 */
export interface ConstantAtEnd {
  /** The first hidden layer (1-based) that reads the same on every probe sample. */
  layer: number;
  /** The step of the record read (the last record of a finished run). */
  step: number;
  /** The probe samples read (the kernel's probe batch: up to 32, evenly spaced over the training set). */
  samples: number;
  /** The hidden activation (`model.activation`). */
  activation: string;
}

/**
 * A network constant from the start (LayerColumns, `constantAtStart`): at θ₀ a hidden layer reads the
 * same values on every probe sample (network/deadUnits.ts, `constantHiddenLayer`) — tanh units
 * saturated at ±1, sigmoid ones at 0 or 1, where φ′ ≈ 0 — and still does where the run ended (or, in a
 * run still going, θ₀'s reading stands until its end is read): the network computes a constant from θ₀
 * on, the gradient reaching the layers below it is ≈ 0, and the weights hardly move.
 */
export interface ConstantAtStart {
  /** The first hidden layer (1-based) that reads the same on every probe sample at θ₀. */
  layer: number;
  /** The step where the run ended and the layer was read the same again; null while a run goes on (not read yet). */
  step: number | null;
  /** The probe samples read (the kernel's probe batch: up to 32, evenly spaced over the training set). */
  samples: number;
  /** The hidden activation (`model.activation`). */
  activation: string;
}

/**
 * A metrics file that says its run diverged (LayerScores, `lossNotFinite`; docs/checkpoints.md,
 * "Summary and label"): its losses have no number from `step` on, to its last line that writes one,
 * after finite ones.
 */
export interface DivergedLog {
  /** The first step of the closing stretch of losses with no number: where the run stopped being finite for good. */
  step: number;
  /** The last checkpoint's step: at or after `step`, the checkpoints hold blown-up weights; before it, they lead up to the blow-up. */
  lastCheckpoint: number;
}

/** The columns the scores are read from: one entry per record (or checkpoint), the first the reference. */
export interface LayerColumns {
  /** ‖K_t − K_0‖_F/‖K_0‖_F where measured (null elsewhere); absent for checkpoints. */
  kernelChange?: readonly (number | null)[];
  /** ‖J_t − J_0‖_F/‖J_0‖_F where measured; absent for checkpoints. */
  tangentChange?: readonly (number | null)[];
  /** Why a trained network's tangent kernel was never measured (too many outputs), when it was not. */
  kernelOmitted?: string | null;
  /** The columns are a training run's with some learning rate above 0 (absent for checkpoints). */
  trained?: boolean;
  /** The last kernel measurement found every tangent feature 0, the first's not (KernelMeasure.featuresVanished); absent for checkpoints. */
  collapsed?: boolean;
  /**
   * A loss measured alike at every record, whose ends `lossBlewUp` compares (a training run's; absent
   * for checkpoints): the test set's, whole at each record, or without one the training set's for a
   * full-batch run — never a minibatch's, whose first record is one batch (one sample at batch 1: a
   * loss of 0.018 at θ₀ against 2.3 later read as a blow-up while nothing had moved).
   */
  comparableLoss?: { of: 'test' | 'training'; values: readonly (number | null)[] };
  /**
   * A ReLU network's dead units at θ₀ on the training set (deadUnits.ts, `deadUnitsAt`), when some
   * hidden layer has every unit dead (`deadLayer` set); null when none has, or the activation is not
   * relu; absent for checkpoints (which carry no data).
   */
  deadAtStart?: DeadUnits | null;
  /**
   * A ReLU network alive at θ₀ whose last record has a hidden layer with every unit dead on the
   * training set (`deadUnitsAt` with the biases): it died during training; null when it did not, or
   * the activation is not relu; absent for checkpoints.
   */
  deadAtEnd?: DeadAtEnd | null;
  /**
   * A network whose last record has a hidden layer reading the same values on every probe sample, where
   * θ₀'s did not (`ConstantAtEnd`); null when it has none; absent for checkpoints.
   */
  constantAtEnd?: ConstantAtEnd | null;
  /**
   * A network whose θ₀ has a hidden layer reading the same values on every probe sample, still so where
   * the run ended (`ConstantAtStart`); null when it has none, or ended otherwise; absent for checkpoints.
   */
  constantAtStart?: ConstantAtStart | null;
  /**
   * Checkpoints whose metrics file's last loss is written with no number (null, NaN, ±Infinity or
   * beyond float64) after a finite one, at any step, the last checkpoint's or after it: the run diverged
   * (LayerScores, `lossNotFinite`); null when it did not; absent for a training run (its own `status`
   * says diverged).
   */
  lossNotFinite?: DivergedLog | null;
  /** ‖θ − θ₀‖/‖θ₀‖. */
  distance: readonly number[];
  /** ‖W_l‖_F per layer. */
  layers: readonly { norm: readonly number[] }[];
  /** ζ per pair of consecutive layers (null where not measured or undefined). */
  alignment: readonly { zeta: readonly (number | null)[] }[];
}

/** The scores behind a network's label; null where undefined. */
export interface LayerScores {
  /**
   * max over the measured records after the first of ‖K_t − K_0‖_F/‖K_0‖_F; null when not measured
   * (checkpoints, or one record) or when a measurement was not finite (`kernelNotFinite`).
   */
  kernelChange: number | null;
  /** max over the measured records of ‖J_t − J_0‖_F/‖J_0‖_F; null likewise. */
  tangentChange: number | null;
  /**
   * A kernel or tangent-feature measurement came out not finite, or its reference K₀ out of float32's
   * range: overflow in the kernel's products (activations of about 10⁸ and beyond), or underflow to 0
   * (weights of about 10⁻²⁵, init.scale 10⁻³⁰). The kernel test is then the largest distance from θ₀,
   * as for checkpoints, never the measurements that remain (docs/networks.md, "Labels").
   */
  kernelNotFinite: boolean;
  /**
   * Why a trained network's kernel was never measured (its outputs would make too large a kernel:
   * tangentKernel.ts, `kernelOmission`); null otherwise. The distance from θ₀ then stands for it.
   */
  kernelOmitted: string | null;
  /**
   * A training run whose tangent kernel has been measured at its first record only so far (its
   * cadence spaces the measurements by their cost: docs/networks.md, "Cadence"): until the next, the
   * distance from θ₀ stands for it, as for checkpoints, and the explanation says why. False for
   * checkpoints, a run that has measured it again, and one whose kernel is omitted or not finite.
   */
  kernelPending: boolean;
  /**
   * A layer's norm, or the distance, is not finite at the first or the last record (a checkpoint
   * holding NaN or ±∞): every score built on it is meaningless, and there is no label.
   */
  weightsNotFinite: boolean;
  /**
   * A training run with a learning rate above 0 whose weights never moved (the distance exactly 0 at
   * every record): every update was 0 in float32 — gradients that underflow at a tiny init.scale or
   * outputScale — or the loss was at a stationary point. No label: "kernel" would be read from
   * rounding, not from training.
   */
  frozen: boolean;
  /**
   * Why a frozen run's weights never moved, told apart at θ₀ by the trainer (src/core/network/frozenCause.ts):
   * a gradient exactly 0, one that underflows float32, or updates below half a float32 step of their
   * weights (w + Δw rounds back to w); null when none accounts for it; absent when not frozen, at a
   * zero initialisation, or from checkpoints (no data, no gradient).
   */
  frozenCause?: FrozenCause | null;
  /**
   * The network collapsed: at the last kernel measurement every tangent feature on the probe is 0
   * while the first's were not — the outputs no longer depend on any weight (every ReLU inactive after
   * a blow-up, say), so the kernel's and the features' changes are 1 by that alone, and ζ and the norms
   * are a dead network's. No label, as for `frozen`: a mechanism would be read from a collapse.
   */
  collapsed: boolean;
  /**
   * The loss blew up while staying finite: at the last record the comparable loss (LayerColumns,
   * `comparableLoss`: the test set's, or a full-batch run's training loss) is more than LOSS_BLOWUP times
   * the first record's (2.3 → 1.4·10⁶ on the test set for a tanh network at η = 10⁶, its units saturated
   * at ±1 so that its tangent features never vanish, as a collapse's do). Such a run did not learn; ζ,
   * the norms and the kernel moved with a blow-up, and a mechanism read from them was "alignment" or
   * "rescaling". No label, as for `collapsed`. Null when it did not, or without a comparable loss (a
   * minibatch run without a test set, checkpoints); else which loss and its two values.
   */
  lossBlewUp: { of: 'test' | 'training'; first: number; last: number } | null;
  /**
   * A dead ReLU network (LayerColumns, `deadAtStart`): at θ₀ every unit of a hidden layer is inactive
   * on every training sample, so its outputs do not depend on the input and no weight up to that layer
   * ever gets a gradient — nothing the label could name was learnt. No label, as for `frozen` (which
   * such a network without biases also is), and the explanation names the layer and its units. Absent
   * for checkpoints; null when no hidden layer is dead.
   */
  deadAtStart?: DeadUnits | null;
  /**
   * A ReLU network that died during training (LayerColumns, `deadAtEnd`): alive at θ₀, but at the last
   * record every unit of a hidden layer is inactive on every training sample — its outputs no longer
   * depend on the input, and whatever ζ and the norms did on the way was undone. No label, as for
   * `deadAtStart`; the output bias may keep a tangent feature alive, so `collapsed` need not see it.
   * Absent for checkpoints; null when no hidden layer is dead at the end.
   */
  deadAtEnd?: DeadAtEnd | null;
  /**
   * A network whose outputs no longer depend on its input (LayerColumns, `constantAtEnd`): at the last
   * record a hidden layer is the same on every probe sample — saturated tanh or sigmoid units, whose
   * φ′ ≈ 0 keeps the tangent features of the layers below near 0 but not exactly (so `collapsed` does not
   * see it), while the loss fell to the best constant's (so `lossBlewUp` does not). ζ and the norms moved
   * with the step that saturated it. No label, as for `deadAtEnd`. Absent for checkpoints; null otherwise.
   */
  constantAtEnd?: ConstantAtEnd | null;
  /**
   * A network constant from θ₀ (LayerColumns, `constantAtStart`): its tanh or sigmoid units saturated by
   * a large initialisation (init.scale 1000: every unit at ±1 on every sample), so its outputs do not
   * depend on its input from the start, the layers below the saturated one get a gradient ≈ 0, and the
   * weights hardly move — the kernel test passed by that alone and it was labelled "kernel". No label,
   * as for `deadAtStart`. Absent for checkpoints; null otherwise.
   */
  constantAtStart?: ConstantAtStart | null;
  /**
   * Checkpoints of a run that diverged (LayerColumns, `lossNotFinite`): the metrics file's last line
   * that writes the loss writes it with no number (the built-in trainer's null for a loss that stopped
   * being finite, Python's NaN or Infinity) while an earlier line has a finite one — at the last
   * checkpoint's step, or after it (a loss grown 10³⁶-fold over the checkpoints, NaN at a step none was
   * saved at). Its weights may still be finite (norms of 10¹⁷) and were labelled; the trainer labels no
   * diverged run. No label. Absent for a training run; null otherwise.
   */
  lossNotFinite?: DivergedLog | null;
  /** ζ(last) − ζ(first) per pair; null where ζ is undefined at either end. */
  zetaChange: (number | null)[];
  /** The largest rise of ζ over the pairs, max(0, ·); null without a pair. */
  alignment: number | null;
  /** The largest fall of ζ over the pairs, max(0, ·); null without a pair. */
  disalignment: number | null;
  /** ln(‖W_l‖_F(last)/‖W_l‖_F(first)) per layer; null where a norm is 0. */
  normChange: (number | null)[];
  /** max − min of normChange over the layers (0 for one layer); null when a layer starts or ends at 0. */
  balanceChange: number | null;
  /** ‖θ − θ₀‖/‖θ₀‖ at the last record (‖θ − θ₀‖ when θ₀ = 0: `startsAtZero`). */
  distance: number;
  /**
   * max over the records of ‖θ − θ₀‖/‖θ₀‖ where it is finite: the kernel test of checkpoints (absolute
   * when θ₀ = 0); NaN when no record's is (θ₀ holds NaN or ±∞).
   */
  maxDistance: number;
  /**
   * θ₀ = 0: every layer is exactly zero at the first record (or checkpoint; biases start at 0). The
   * distances are then absolute, ‖θ − θ₀‖, and no relative test can be taken of them: a network that
   * moved from zero fails the distance's kernel test whatever the weights' units (docs/networks.md, "Labels").
   */
  startsAtZero: boolean;
}

/**
 * The label's thresholds: the linear model's four (`classify` of a linear or network file) and, for
 * checkpoints, `distance`: the largest relative distance still called the kernel regime.
 */
export interface LayerThresholds extends ClassifyThresholds {
  distance: number;
}

/** The linear model's defaults, and 0.1 for the distance (the default of `tangentChange`, which it stands for). */
export const DEFAULT_LAYER_THRESHOLDS: LayerThresholds = { ...DEFAULT_THRESHOLDS, distance: DEFAULT_THRESHOLDS.tangentChange };

/**
 * How many times its first record's training loss a run's last may be and still be labelled
 * (`lossBlewUp`): a run that learned ends below where it started, a catapult included (its loss spikes
 * early and comes down), and one that barely moved ends within noise of it; tenfold is neither.
 */
export const LOSS_BLOWUP = 10;

const maxOf = (xs: readonly (number | null)[]): number | null => {
  let m: number | null = null;
  for (const x of xs) if (x !== null && (m === null || x > m)) m = x;
  return m;
};

/** The scores of a series; null without records. */
export function layerScores(c: LayerColumns): LayerScores | null {
  const n = c.distance.length;
  if (n === 0) return null;
  const last = n - 1;
  // A kernel column counts once something after the first record was measured, and only when every
  // measurement of both is finite.
  const measuredLater = (xs: readonly (number | null)[] | undefined) => (xs && xs.slice(1).some((x) => x !== null) ? maxOf(xs) : null);
  const finite = (xs: readonly (number | null)[] | undefined) => !xs || xs.every((x) => x === null || Number.isFinite(x));
  const kernelFinite = finite(c.kernelChange) && finite(c.tangentChange);
  const kernelChange = kernelFinite ? measuredLater(c.kernelChange) : null;
  // ζ at the last record that measured it after the first (every finished run measures it at its last
  // record; one in progress, or stopped, may have skipped the latest by its cadence).
  const zetaChange = c.alignment.map((p) => {
    const a = p.zeta[0];
    const b = last > 0 ? lastMeasured(p.zeta.slice(1)) : null;
    return a !== null && b !== null ? b - a : null;
  });
  const known = zetaChange.filter((z): z is number => z !== null);
  const normChange = c.layers.map((l) => (last > 0 && l.norm[0] > 0 && l.norm[last] > 0 ? Math.log(l.norm[last] / l.norm[0]) : null));
  const norms = normChange.filter((z): z is number => z !== null);
  const ends = (xs: readonly number[]) => Number.isFinite(xs[0]) && Number.isFinite(xs[last]);
  return {
    kernelChange,
    tangentChange: kernelFinite ? measuredLater(c.tangentChange) : null,
    kernelNotFinite: !kernelFinite,
    kernelOmitted: c.kernelOmitted ?? null,
    kernelPending: kernelFinite && !c.kernelOmitted && c.kernelChange !== undefined && kernelChange === null,
    weightsNotFinite: !ends(c.distance) || c.layers.some((l) => !ends(l.norm)),
    frozen: c.trained === true && n > 1 && c.distance.every((d) => d === 0),
    collapsed: c.collapsed === true,
    lossBlewUp: lossBlewUp(c.comparableLoss, last),
    ...(c.deadAtStart !== undefined ? { deadAtStart: c.deadAtStart } : {}),
    ...(c.deadAtEnd !== undefined ? { deadAtEnd: c.deadAtEnd } : {}),
    ...(c.constantAtEnd !== undefined ? { constantAtEnd: c.constantAtEnd } : {}),
    ...(c.constantAtStart !== undefined ? { constantAtStart: c.constantAtStart } : {}),
    ...(c.lossNotFinite !== undefined ? { lossNotFinite: c.lossNotFinite } : {}),
    zetaChange,
    alignment: known.length ? Math.max(0, ...known) : null,
    disalignment: known.length ? Math.max(0, ...known.map((z) => -z)) : null,
    normChange,
    balanceChange: last > 0 && norms.length === normChange.length ? (norms.length ? Math.max(...norms) - Math.min(...norms) : 0) : null,
    distance: c.distance[last],
    // Over the records whose distance is finite: a middle checkpoint left out for NaN or ±∞ weights (its
    // warning says so) made it NaN or ∞, printed null beside a label whose kernel test it had decided.
    // The ends are weightsNotFinite's: no label then. None finite (a first checkpoint of NaN or ±∞,
    // the reference of every distance): NaN, printed null as the distances are — it was 0.
    maxDistance: c.distance.reduce((m, d) => (Number.isFinite(d) ? (Number.isNaN(m) ? d : Math.max(m, d)) : m), NaN),
    startsAtZero: c.layers.length > 0 && c.layers.every((l) => l.norm[0] === 0),
  };
}

/** `LayerScores.lossBlewUp` of a run's comparable loss (the last of `last + 1` records against the first). */
function lossBlewUp(loss: LayerColumns['comparableLoss'], last: number): LayerScores['lossBlewUp'] {
  if (!loss || last < 1 || loss.values.length <= last) return null;
  const [a, b] = [loss.values[0], loss.values[last]];
  return a !== null && b !== null && Number.isFinite(a) && Number.isFinite(b) && a > 0 && b > LOSS_BLOWUP * a ? { of: loss.of, first: a, last: b } : null;
}

/** The network moved from θ₀ = 0: infinitely far relative to θ₀, which the distance's kernel test must see (not its absolute value). */
const movedFromZero = (s: LayerScores): boolean => s.startsAtZero && s.maxDistance > 0;

/** The linear model's scores and thresholds that `classifyCode` decides a network's label from. */
function asMechanism(s: LayerScores, th: LayerThresholds): { scores: MechanismScores; thresholds: ClassifyThresholds; byKernel: boolean } {
  const byKernel = s.kernelChange !== null;
  const scores: MechanismScores = {
    kernelChange: byKernel ? s.kernelChange! : movedFromZero(s) ? Infinity : s.maxDistance,
    tangentChange: byKernel ? s.tangentChange : null,
    zetaChange: null,
    alignment: s.alignment,
    disalignment: s.disalignment,
    normChangeU: null,
    normChangeW: null,
    balanceChange: s.balanceChange,
    distance: s.distance,
  };
  return { scores, thresholds: { ...th, kernelChange: byKernel ? th.kernelChange : th.distance }, byKernel };
}

/**
 * The label of a series of `records` records (or checkpoints) with these scores: `kernel`,
 * `alignment`, `disalignment`, `rescaling` or `mixed: a+b`, by `classifyCode` — the linear model's
 * rule — with the kernel test the tangent kernel and features when measured, else the largest
 * distance from the start. Null with fewer than two records (nothing has changed yet), and when the
 * weights are not finite at either end (`weightsNotFinite`).
 */
export function layerLabel(s: LayerScores, records: number, th: LayerThresholds = DEFAULT_LAYER_THRESHOLDS): string | null {
  if (records < 2 || s.weightsNotFinite || s.deadAtStart || s.deadAtEnd || s.frozen || s.collapsed || s.lossBlewUp || s.constantAtEnd || s.constantAtStart || s.lossNotFinite) return null;
  const { scores, thresholds } = asMechanism(s, th);
  return labelName(classifyCode(scores, thresholds));
}

/**
 * The training samples a dead layer is dead on, as the notes say it: "the one training sample", "every
 * one of the M training samples", or — the scan's bound cut it (network/deadUnits.ts, DEAD_SCAN_WORK) —
 * "each of the N training samples scanned of M (spread over the set at a fixed stride; the rest were
 * not scanned)".
 */
export function scannedSamples(d: DeadUnits): string {
  if (d.samples < d.of) return `each of the ${d.samples} training samples scanned of ${d.of} (spread over the set at a fixed stride; the rest were not scanned)`;
  return d.of === 1 ? 'the one training sample' : `every one of the ${d.of} training samples`;
}

/**
 * Why a dead ReLU network has no label (LayerScores, `deadAtStart`): which hidden layer is dead, how
 * many of its units, on how many training samples, and what follows — in the scores' terms only; the
 * keys to change depend on the file and are said by its run (src/core/runs/notes.ts, `deadRemedy`).
 */
/**
 * Why a frozen run's weights never moved, told apart at θ₀ (src/core/network/frozenCause.ts): its
 * gradient exactly 0; not 0 but below float32's smallest number (`largestGradient`, its largest
 * |∂L/∂W|); or every update below half a float32 step of its weight (`largestUpdate`: the largest
 * update's share of that half step, < 1).
 */
export type FrozenCause =
  | { kind: 'zeroGradient' }
  | { kind: 'underflow'; largestGradient: number }
  | { kind: 'rounding'; largestGradient: number; largestUpdate: number };

/** The "never moved" reason of a frozen run that does not start at 0, by its cause at θ₀ when the trainer told it (`frozenCause`). */
export function frozenRegime(cause: FrozenCause | null | undefined): string {
  const head = 'no label: the weights never moved — every update was exactly 0 in float32';
  if (!cause) return `${head} (gradients that underflow at a tiny initialisation or output scale, dead ReLU units, a loss already at a stationary point, or updates below half a float32 step of their weights)`;
  if (cause.kind === 'zeroGradient') return `${head}: the gradient at θ₀ is exactly 0 (dead ReLU units, or a loss already at a stationary point)`;
  if (cause.kind === 'underflow') return `${head}: the gradient at θ₀ is at most ${formatScore(cause.largestGradient)}, below float32's smallest number (1.4e-45), so it underflows to 0 — a larger initialisation (init.scale) or output scale (model.outputScale) trains it`;
  return `${head}: the gradient at θ₀ is up to ${formatScore(cause.largestGradient)}, well within float32's range, but every update η·g is below half a float32 step of its weight (|Δw| < 2⁻²⁴·|w|; the largest is ${formatScore(cause.largestUpdate)} of it), so w + Δw rounds back to w — a larger learning rate (training.learningRate), a shallower or wider network (model.hidden), or a larger initialisation (init.scale) trains it`;
}

export function deadRegime(d: DeadUnits, startsAtZero = false): string {
  const l = d.layers[d.deadLayer! - 1];
  // Every weight 0 (init.scale 0): no unit, however many, and no seed or centring helps — the cause is the zero init.
  if (startsAtZero) return `no label: every weight is exactly 0 at θ₀ (a zero initialisation), so every ReLU unit's pre-activation is 0 — inactive, φ′(0) = 0 — on every training sample and every weight's gradient is 0: the weights never learn a feature, and a mechanism read from them would be read from a dead network`;
  const others = d.layers.filter((x) => x.layer !== l.layer && x.dead > 0).map((x) => `${x.dead} of ${x.units} in hidden layer ${x.layer}`);
  const samples = scannedSamples(d);
  return `no label: the network is dead from the start — at θ₀ all ${l.units} ReLU unit${l.units === 1 ? '' : 's'} of hidden layer ${l.layer} (the output of fc${l.layer}.weight) ${l.units === 1 ? 'is' : 'are'} inactive (pre-activation ≤ 0) on ${samples}${others.length ? ` (dead as well: ${others.join(', ')})` : ''}, so no gradient ever reaches ${l.layer === 1 ? 'fc1.weight or fc2.weight' : `fc1.weight … fc${l.layer + 1}.weight`} and the outputs do not depend on the input: the weights learnt no feature, and a mechanism read from them would be read from a dead network`;
}

/**
 * Why a ReLU network that died during training has no label (LayerScores, `deadAtEnd`): which hidden
 * layer is dead at the last record, since which record, and what follows; the keys that keep it alive
 * are said by its run (src/core/runs/notes.ts, `deadEndRemedy`).
 */
export function deadEndRegime(d: DeadAtEnd): string {
  const l = d.layers[d.deadLayer! - 1];
  const samples = scannedSamples(d);
  const since = d.firstSeen < d.step ? `, and dead since the record of step ${d.firstSeen}` : '';
  return `no label: the network died during training — at step ${d.step} (its last scanned record${since}) all ${l.units} ReLU unit${l.units === 1 ? '' : 's'} of hidden layer ${l.layer} (the output of fc${l.layer}.weight) ${l.units === 1 ? 'is' : 'are'} inactive (pre-activation ≤ 0) on ${samples}, so the outputs no longer depend on the input and no gradient reaches ${l.layer === 1 ? 'fc1.weight or fc2.weight' : `fc1.weight … fc${l.layer + 1}.weight`}: whatever features the layers learnt on the way are gone, and a mechanism read from them would be read from a dead network`;
}

/**
 * How far the layers' norms moved, beside a rescaling that is the rule's remainder (no ζ change): the
 * label does not test them, and "the norms did the learning" was said of norms that moved by 0.06%
 * while only the units' activation patterns changed (a breaker's finding, 2026-12-03).
 */
function normsMoved(normChange: readonly (number | null)[]): string {
  const known = normChange.filter((z): z is number => z !== null);
  if (known.length < normChange.length) return 'a layer starts or ends at exactly zero';
  if (known.length === 0) return 'no layer\'s norm was measured';
  const largest = Math.max(...known.map(Math.abs));
  // Below 1% either way the learning the kernel test saw is not in the layers' scales.
  return `each layer's norm changed by a factor of at most ${formatExact(Number(Math.exp(largest).toPrecision(4)))} either way${largest < Math.log(1.01) ? ': the change the kernel test saw is not in the layers\' scales' : ''}`;
}

/**
 * What a label past the kernel test rests on when no pair of consecutive layers has ζ at both ends
 * (`alignment` null): layers whose shapes do not chain (`pairsLeftOut`), no hidden layer, or a layer
 * zero at either end. The rule names such a run rescaling, its remainder, as it does a network of one
 * layer; `flab checkpoints` says so beside it (two tensors 8 × 4 and 3 × 7 read "rescaling" without a
 * word: a breaker's finding, 2026-12-03).
 */
export function noPairNote(s: LayerScores, label: string | null): string | null {
  if (label === null || label === 'kernel' || s.alignment !== null) return null;
  return `${label}: no pair of consecutive layers has ζ at both ends (their shapes do not chain, or a layer is zero there), so alignment and disalignment were not measured — past the kernel test, the rule names what is not one of them rescaling`;
}

/**
 * Why a network whose outputs no longer depend on its input has no label (LayerScores, `constantAtEnd`):
 * which hidden layer reads the same on every probe sample, at which step, and what follows.
 */
export function constantEndRegime(c: ConstantAtEnd): string {
  const why = c.activation === 'tanh' ? ' (its tanh units saturated at ±1, where φ′ ≈ 0)' : c.activation === 'sigmoid' ? ' (its sigmoid units saturated at 0 or 1, where φ′ ≈ 0)' : c.activation === 'relu' ? ' (its ReLU units inactive)' : '';
  return `no label: the network's outputs no longer depend on its input — at step ${c.step} (its last record) hidden layer ${c.layer} (the output of fc${c.layer}.weight) reads the same values on every one of the ${c.samples} probe samples${why}, so it computes a constant, and the kernel, ζ and the norms moved with the steps that saturated it, not with learning; a smaller learning rate or initialisation trains it`;
}

/**
 * Why a network constant from θ₀ has no label (LayerScores, `constantAtStart`): which hidden layer reads
 * the same on every probe sample at θ₀ (and where the run ended), and what follows. With every weight 0
 * at θ₀ (`startsAtZero`) the cause is the zero initialisation, not saturation.
 */
export function constantStartRegime(c: ConstantAtStart, startsAtZero = false): string {
  const still = c.step === null ? '' : `, and still does at step ${c.step}, where the run ended`;
  const layer = `hidden layer ${c.layer} (the output of fc${c.layer}.weight) reads the same values on every one of the ${c.samples} probe samples`;
  if (startsAtZero) return `no label: the network is constant from the start — every weight is exactly 0 at θ₀ (a zero initialisation), so ${layer}${still}: its outputs do not depend on its input, no gradient moves the weights below it, and a mechanism read from them would be read from a constant network`;
  const why = c.activation === 'tanh' ? ' (its tanh units saturated at ±1, where φ′ ≈ 0)' : c.activation === 'sigmoid' ? ' (its sigmoid units saturated at 0 or 1, where φ′ ≈ 0)' : '';
  return `no label: the network is saturated from the start — at θ₀ ${layer}${why}${still}, so its outputs do not depend on its input, the gradient reaching fc1.weight${c.layer > 1 ? ` … fc${c.layer}.weight` : ''} is ≈ 0 and the weights hardly move: the kernel test would pass by that alone, and a mechanism read from them would be read from a constant network; a smaller initialisation scale trains it`;
}

/**
 * Why checkpoints of a run whose metrics file says it diverged have no label (LayerScores,
 * `lossNotFinite`): from which step the loss has no number, and where the checkpoints stand.
 */
export function divergedLogRegime(d: DivergedLog): string {
  const where =
    d.step <= d.lastCheckpoint
      ? d.step === d.lastCheckpoint
        ? ', the last checkpoint\'s,'
        : ` and on (the last checkpoint's, step ${d.lastCheckpoint}, among them)`
      : ` and on, after the last checkpoint (step ${d.lastCheckpoint}),`;
  const weights = d.step <= d.lastCheckpoint ? 'the weights, their distance, ζ and the norms are a blow-up\'s' : 'the checkpoints are of a run on its way to a blow-up, their distance, ζ and norms moving with it';
  return `no label: the run diverged — the metrics file writes the loss at step ${d.step}${where} with no number (null, NaN or Infinity: a loss that stopped being finite) after finite ones, so ${weights}, not a trained network's, as the built-in trainer labels no diverged run; a smaller learning rate or initialisation trains it`;
}

/** Why a training run's kernel test is the distance until its second kernel measurement (`kernelPending`). */
const PENDING = 'The tangent kernel has been measured at θ₀ only so far (the measurements are spaced by their cost), so until the next one the distance stands for it';

/** One criterion of a network's label, as the panel shows it. */
export interface LayerCriterion {
  name: 'kernelChange' | 'tangentChange' | 'distance' | 'alignment' | 'disalignment' | 'balanceChange';
  /** In words, with its symbol. */
  text: string;
  value: number | null;
  threshold: number;
  reached: boolean;
  /** Whether it decided the label (the rule's step that settled the regime or added a mechanism). */
  decisive: boolean;
}

/** A network's label and why, in the order the rule (`classifyCode`) applies its criteria. */
export interface LayerExplanation {
  label: string | null;
  regime: string;
  criteria: LayerCriterion[];
  reasons: string[];
}

/** A score beside its threshold: three significant digits, or more to stay on its side of it (docs/panel.md, "Numbers"). */
const fa = (x: number, threshold: number): string => formatAgainst(x, [threshold]);
/** A threshold, exactly as set. */
const ft = formatExact;

/**
 * Why a network got its label (docs/networks.md, "Labels"): the kernel test (the tangent kernel and
 * features on the probe batch, or for checkpoints the largest distance from the first), the largest
 * rise and fall of ζ over the pairs of layers, the spread of the layers' log norm changes — each
 * against its threshold — and the rule's steps in words. Agrees with `layerLabel` by construction:
 * the label is `classifyCode` of the same scores.
 */
export function explainLayerLabel(s: LayerScores, records: number, th: LayerThresholds = DEFAULT_LAYER_THRESHOLDS): LayerExplanation {
  const label = layerLabel(s, records, th);
  if (label === null) {
    const regime =
      records < 2
        ? 'no label yet: one record, nothing has changed'
        : s.weightsNotFinite
          ? 'no label: the weights are not finite (NaN or ±∞) at the first or the last record'
        : s.lossNotFinite
          ? divergedLogRegime(s.lossNotFinite)
          : s.deadAtStart
            ? deadRegime(s.deadAtStart, s.startsAtZero)
          : s.deadAtEnd
            ? deadEndRegime(s.deadAtEnd)
          : s.frozen
            ? s.startsAtZero
              ? 'no label: the weights never moved — every weight is exactly 0 at θ₀ (a zero initialisation), a stationary point of the loss: each layer\'s gradient is a product through the other layers\' weights, all 0, so every update is 0 whatever the rates'
              : frozenRegime(s.frozenCause)
            : s.constantAtStart
              ? constantStartRegime(s.constantAtStart, s.startsAtZero)
            : s.collapsed
              ? 'no label: the network collapsed — at the end its outputs on the probe batch no longer depend on any weight (every tangent feature is 0: every ReLU inactive, say, after a blow-up), so the kernel changed by 1 and ζ moved with a dead network; a smaller learning rate or initialisation trains it'
              : s.lossBlewUp
                ? `no label: the ${s.lossBlewUp.of} loss blew up — from ${formatScore(s.lossBlewUp.first)} at the first record to ${formatScore(s.lossBlewUp.last)} at the last, more than ${LOSS_BLOWUP} times, though it stayed finite — so the kernel, ζ and the norms moved with a blow-up, not with learning; a smaller learning rate or initialisation trains it`
                : s.constantAtEnd
                  ? constantEndRegime(s.constantAtEnd)
                  : 'no label';
    return { label: null, regime, criteria: [], reasons: [] };
  }
  const { scores, thresholds, byKernel } = asMechanism(s, th);
  // Why the distance stands for the kernel when it is not measured (null: checkpoints, which carry no
  // data), and so where it is measured from.
  const stands = s.kernelNotFinite
    ? 'The tangent kernel could not be measured in float32 at these weights (its products overflow, or underflow to 0), so the distance stands for it'
    : s.kernelOmitted
      ? `The tangent kernel is not measured (${s.kernelOmitted}), so the distance stands for it`
      : s.kernelPending
        ? PENDING
        : null;
  const origin = stands ? 'θ₀' : 'the first checkpoint';
  const code = classifyCode(scores, thresholds);
  const kernel = code === 0;
  const reached = (v: number | null, t: number) => v !== null && v >= t;
  const kernelMoved = reached(scores.kernelChange, thresholds.kernelChange);
  const tangentMoved = reached(scores.tangentChange, thresholds.tangentChange);
  const criteria: LayerCriterion[] = [];
  if (byKernel) {
    criteria.push({ name: 'kernelChange', text: 'Largest tangent kernel change ‖K − K₀‖/‖K₀‖', value: s.kernelChange, threshold: th.kernelChange, reached: kernelMoved, decisive: kernel || kernelMoved });
    if (s.tangentChange !== null) criteria.push({ name: 'tangentChange', text: 'Largest tangent-feature change ‖J − J₀‖/‖J₀‖', value: s.tangentChange, threshold: th.tangentChange, reached: tangentMoved, decisive: kernel || tangentMoved });
  } else {
    // From θ₀ = 0 the distance is absolute and relative to θ₀ infinite: its value has no threshold to meet.
    if (movedFromZero(s)) criteria.push({ name: 'distance', text: `Largest distance from ${origin} ‖θ − θ₀‖ (θ₀ = 0: relative to it, infinite)`, value: null, threshold: th.distance, reached: true, decisive: true });
    else criteria.push({ name: 'distance', text: `Largest distance from ${origin} ‖θ − θ₀‖/‖θ₀‖`, value: s.maxDistance, threshold: th.distance, reached: kernelMoved, decisive: true });
  }
  const rise = reached(s.alignment, th.zetaChange);
  const fall = reached(s.disalignment, th.zetaChange);
  criteria.push({ name: 'alignment', text: 'Largest rise of ζ over the pairs', value: s.alignment, threshold: th.zetaChange, reached: rise, decisive: !kernel && rise });
  criteria.push({ name: 'disalignment', text: 'Largest fall of ζ over the pairs', value: s.disalignment, threshold: th.zetaChange, reached: fall, decisive: !kernel && fall });
  const rescaled = (code & 4) !== 0;
  criteria.push({ name: 'balanceChange', text: 'Balance change (spread of the layers\' ln‖W_l‖ changes)', value: s.balanceChange, threshold: th.balanceChange, reached: s.balanceChange === null || s.balanceChange >= th.balanceChange, decisive: !kernel && rescaled && (rise || fall) });

  const reasons: string[] = [];
  const moved = `moved at most ${fa(s.maxDistance, th.distance)} ${kernelMoved ? '≥' : '<'} ${ft(th.distance)}`;
  const fromZero = `every layer of ${origin} is exactly zero, and the network moved from it (by up to ${formatExact(s.maxDistance)} in the weights' own units): relative to θ₀ = 0 that is infinitely far whatever those units, so the test of the relative distance fails`;
  const test = byKernel
    ? `The tangent kernel changed by ${fa(scores.kernelChange!, th.kernelChange)} ${kernelMoved ? '≥' : '<'} ${ft(th.kernelChange)}${s.tangentChange !== null ? ` and the tangent features by ${fa(s.tangentChange, th.tangentChange)} ${tangentMoved ? '≥' : '<'} ${ft(th.tangentChange)}` : ''}`
    : movedFromZero(s)
      ? `${s.kernelNotFinite ? 'The tangent kernel could not be measured in float32 at these weights, so the distance stands for it; but ' : s.kernelOmitted ? `The tangent kernel is not measured (${s.kernelOmitted}), so the distance stands for it; but ` : s.kernelPending ? `${PENDING}; but ` : 'Checkpoints carry no data, so the distance stands for the tangent kernel; but '}${fromZero}`
    : stands
      ? `${stands}: the network ${moved} from θ₀`
      : `The network ${moved} from its first checkpoint (checkpoints carry no data, so no tangent kernel: the distance stands for it)`;
  if (kernel) {
    reasons.push(`${test}: the kernel regime — training is nearly linear in the parameters.`);
    return { label, regime: 'kernel regime', criteria, reasons };
  }
  reasons.push(`${test}: feature learning.`);
  if (rise) reasons.push(`ζ of a pair of layers rose by ${fa(s.alignment!, th.zetaChange)} ≥ ${ft(th.zetaChange)}: those layers lined up — alignment.`);
  if (fall) reasons.push(`ζ of a pair of layers fell by ${fa(s.disalignment!, th.zetaChange)} ≥ ${ft(th.zetaChange)}: those layers turned apart — disalignment.`);
  if (!rise && !fall) reasons.push(`No pair's ζ changed by ${ft(th.zetaChange)} or more: the layers neither lined up nor turned apart — rescaling, the rule's name for feature learning by neither; ${normsMoved(s.normChange)}.`);
  else if (rescaled) reasons.push(s.balanceChange === null ? 'A layer starts or ends at exactly zero: rescaling alongside.' : `The layers' norms changed by factors whose logarithms spread over ${fa(s.balanceChange, th.balanceChange)} ≥ ${ft(th.balanceChange)}: one layer was rescaled against another — rescaling alongside.`);
  return { label, regime: 'feature learning', criteria, reasons };
}
