/**
 * The label of a network given by its layers — trained by the built-in trainer or read from the
 * checkpoints of an outside trainer (docs/networks.md, "Labels") — in the linear model's vocabulary
 * and by the linear model's rule (`classifyCode`, docs/mechanisms.md "The label"): one rule for the
 * three kinds of experiment. Only the scores differ, as a network has several pairs of layers:
 * - the kernel test is the tangent kernel and the tangent features on the probe batch (the trainer);
 *   checkpoints carry no data, so for them it is the largest relative distance from the first
 *   checkpoint (for the linear model at equal rates that distance is the tangent-feature change);
 * - ζ is scored per pair of consecutive layers: alignment is the largest rise, disalignment the largest
 *   fall (a deep network can have both, in different pairs);
 * - the balance is the spread of the layers' log norm changes.
 * Scores are net changes from the first record (or checkpoint) to the last.
 */
import { classifyCode, ClassifyThresholds, DEFAULT_THRESHOLDS, labelName, MechanismScores } from './classify';

/** The columns the scores are read from: one entry per record (or checkpoint), the first the reference. */
export interface LayerColumns {
  /** ‖K_t − K_0‖_F/‖K_0‖_F where measured (null elsewhere); absent for checkpoints. */
  kernelChange?: readonly (number | null)[];
  /** ‖J_t − J_0‖_F/‖J_0‖_F where measured; absent for checkpoints. */
  tangentChange?: readonly (number | null)[];
  /** ‖θ − θ₀‖/‖θ₀‖. */
  distance: readonly number[];
  /** ‖W_l‖_F per layer. */
  layers: readonly { norm: readonly number[] }[];
  /** ζ per pair of consecutive layers (null where not measured or undefined). */
  alignment: readonly { zeta: readonly (number | null)[] }[];
}

/** The scores behind a network's label; null where undefined. */
export interface LayerScores {
  /** max over the measured records after the first of ‖K_t − K_0‖_F/‖K_0‖_F; null when not measured (checkpoints, or one record). */
  kernelChange: number | null;
  /** max over the measured records of ‖J_t − J_0‖_F/‖J_0‖_F; null likewise. */
  tangentChange: number | null;
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
  /** ‖θ − θ₀‖/‖θ₀‖ at the last record. */
  distance: number;
  /** max over the records of ‖θ − θ₀‖/‖θ₀‖: the kernel test of checkpoints. */
  maxDistance: number;
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
  // A kernel column counts once something after the first record was measured.
  const measuredLater = (xs: readonly (number | null)[] | undefined) => (xs && xs.slice(1).some((x) => x !== null) ? maxOf(xs) : null);
  const zetaChange = c.alignment.map((p) => {
    const a = p.zeta[0];
    const b = p.zeta[last];
    return last > 0 && a !== null && b !== null ? b - a : null;
  });
  const known = zetaChange.filter((z): z is number => z !== null);
  const normChange = c.layers.map((l) => (last > 0 && l.norm[0] > 0 && l.norm[last] > 0 ? Math.log(l.norm[last] / l.norm[0]) : null));
  const norms = normChange.filter((z): z is number => z !== null);
  return {
    kernelChange: measuredLater(c.kernelChange),
    tangentChange: measuredLater(c.tangentChange),
    zetaChange,
    alignment: known.length ? Math.max(0, ...known) : null,
    disalignment: known.length ? Math.max(0, ...known.map((z) => -z)) : null,
    normChange,
    balanceChange: last > 0 && norms.length === normChange.length ? (norms.length ? Math.max(...norms) - Math.min(...norms) : 0) : null,
    distance: c.distance[last],
    maxDistance: c.distance.reduce((m, d) => Math.max(m, d), 0),
  };
}

/**
 * The label of a series of `records` records (or checkpoints) with these scores: `kernel`,
 * `alignment`, `disalignment`, `rescaling` or `mixed: a+b`, by `classifyCode` — the linear model's
 * rule — with the kernel test the tangent kernel and features when measured, else the largest
 * distance from the start. Null with fewer than two records (nothing has changed yet).
 */
export function layerLabel(s: LayerScores, records: number, th: LayerThresholds = DEFAULT_LAYER_THRESHOLDS): string | null {
  if (records < 2) return null;
  const byKernel = s.kernelChange !== null;
  const scores: MechanismScores = {
    kernelChange: byKernel ? s.kernelChange! : s.maxDistance,
    tangentChange: byKernel ? s.tangentChange : null,
    zetaChange: null,
    alignment: s.alignment,
    disalignment: s.disalignment,
    normChangeU: null,
    normChangeW: null,
    balanceChange: s.balanceChange,
    distance: s.distance,
  };
  const thresholds: ClassifyThresholds = { ...th, kernelChange: byKernel ? th.kernelChange : th.distance };
  return labelName(classifyCode(scores, thresholds));
}
