/**
 * The summary of a series of checkpoints (docs/checkpoints.md, "Summary and label"): scores from the
 * first and the last checkpoint and a label in the linear model's vocabulary (docs/mechanisms.md) —
 * kernel, alignment, disalignment, rescaling or `mixed: a+b` — with its default thresholds. Checkpoints
 * carry no data, so the tangent kernel cannot be measured: the kernel test uses the relative distance
 * from the first checkpoint, which is what `tangentChange` equals for the linear model at equal rates.
 */
import { DEFAULT_THRESHOLDS, KERNEL_CODE, labelName } from '../mechanisms/classify';

/** The scores behind the label; null where undefined (fewer than two checkpoints, a layer at zero). */
export interface CheckpointScores {
  /** max over checkpoints of ‖θ − θ₀‖/‖θ₀‖: the kernel regime when below the threshold. */
  distance: number;
  /** ζ(last) − ζ(first) per chaining pair, in `alignment` order. */
  zetaChange: (number | null)[];
  /** max over pairs of max(0, zetaChange): how far some pair lined up. */
  alignment: number | null;
  /** max over pairs of max(0, −zetaChange): how far some pair turned apart. */
  disalignment: number | null;
  /** ln(‖W_l‖(last)/‖W_l‖(first)) per layer. */
  normChange: (number | null)[];
  /** max − min of normChange over layers: how much the layers were rescaled against each other. */
  balanceChange: number | null;
}

/** Thresholds of the label (the linear model's defaults, docs/mechanisms.md "The label"). */
export interface CheckpointThresholds {
  distance: number;
  zetaChange: number;
  balanceChange: number;
}

/** The linear model's defaults: 0.1 for the distance (its `tangentChange`) and for ζ, 1 for the balance. */
export const CHECKPOINT_THRESHOLDS: CheckpointThresholds = {
  distance: DEFAULT_THRESHOLDS.tangentChange,
  zetaChange: DEFAULT_THRESHOLDS.zetaChange,
  balanceChange: DEFAULT_THRESHOLDS.balanceChange,
};

/** The scores of the series (columns indexed by checkpoint, first = reference). */
export function checkpointScores(distance: readonly number[], zeta: readonly (readonly (number | null)[])[], norms: readonly (readonly number[])[]): CheckpointScores {
  const last = distance.length - 1;
  const zetaChange = zeta.map((z) => (last > 0 && z[0] !== null && z[last] !== null ? z[last]! - z[0]! : null));
  const known = zetaChange.filter((d): d is number => d !== null);
  const normChange = norms.map((n) => (last > 0 && n[0] > 0 && n[last] > 0 ? Math.log(n[last] / n[0]) : null));
  const rescaled = normChange.every((c): c is number => c !== null) ? normChange : null;
  return {
    distance: distance.reduce((m, d) => Math.max(m, d), 0),
    zetaChange,
    alignment: known.length ? Math.max(0, ...known) : null,
    disalignment: known.length ? Math.max(0, ...known.map((d) => -d)) : null,
    normChange,
    balanceChange: last <= 0 ? null : rescaled && rescaled.length ? Math.max(...rescaled) - Math.min(...rescaled) : null,
  };
}

/**
 * The label: kernel when the network moved less than the distance threshold; otherwise alignment and/or
 * disalignment where some pair's ζ changed by the ζ threshold, and rescaling when ζ did not change (only
 * the norms moved) or alongside, when the layers' log norms drifted apart by the balance threshold (or a
 * layer started or ended at zero). Null with fewer than two checkpoints.
 */
export function checkpointLabel(s: CheckpointScores, checkpoints: number, th: CheckpointThresholds = CHECKPOINT_THRESHOLDS): string | null {
  if (checkpoints < 2) return null;
  if (s.distance < th.distance) return labelName(KERNEL_CODE);
  let code = 0;
  if (s.alignment !== null && s.alignment >= th.zetaChange) code |= 1;
  if (s.disalignment !== null && s.disalignment >= th.zetaChange) code |= 2;
  if (code === 0 || s.balanceChange === null || s.balanceChange >= th.balanceChange) code |= 4;
  return labelName(code);
}
