/**
 * The mechanism classifier (docs/mechanisms.md): continuous scores computed from the curves of a
 * run, and a label — `kernel`, `alignment`, `disalignment`, `rescaling` or `mixed: a+b` — decided
 * by thresholds that the experiment file may change (`"classify": {...}`).
 *
 * Exact runs are scored over the whole flow, t ∈ [0, ∞), in O(1): z = e^{2S} moves monotonically
 * from 1 to its limit, the kernel K ∝ P/z + Qz is convex in ln z with its minimum λ²√(PQ) where
 * the output f ∝ P/z − Qz crosses zero. So the kernel's extremes over the path are at its two
 * ends, or at the crossing when f changes sign; the ζ scores are net changes from end to end.
 * Gradient-descent runs take the kernel's and the tangent features' extremes over every step, the rest at their last step.
 */
import type { Experiment } from '../experiment/experiment';

/** Every score of a run; null where a quantity is undefined (a layer exactly zero). */
export interface MechanismScores {
  /**
   * max over the run of |K(t)/K(0) − 1|: 0 for a constant tangent kernel. Null where K(0) = 0 (a ReLU
   * run whose every unit is inactive at the effective input ā·n): the relative change is undefined, and
   * the label's kernel test is the distance from θ₀ instead (docs/mechanisms.md, "The label").
   */
  kernelChange: number | null;
  /** |ζ(end)| − |ζ(0)| ∈ [−1, 1]: positive when the layers line up, negative when they turn apart. */
  zetaChange: number | null;
  /** max(0, zetaChange): how far the layers lined up over the run (docs/mechanisms.md, "The label": |ζ| grows). */
  alignment: number | null;
  /** max(0, −zetaChange): how far the layers turned apart over the run (|ζ| shrinks). */
  disalignment: number | null;
  /** ln(|u|(end) / |u|(0)). */
  normChangeU: number | null;
  /** ln(‖W‖_F(end) / ‖W‖_F(0)). */
  normChangeW: number | null;
  /** |normChangeU − normChangeW|: how much one layer was rescaled against the other. */
  balanceChange: number | null;
  /** ‖θ(end) − θ₀‖ / ‖θ₀‖ over θ = (u, W) (absolute when θ₀ = 0). */
  distance: number;
  /**
   * max over the run of ‖∇f(t) − ∇f(0)‖ / ‖∇f(0)‖ in the metric of the layer rates (whose square
   * norm is K): how far the tangent features moved. Null where a run has none (the exact flow with weight decay).
   */
  tangentChange: number | null;
}

/** The names of the scores, in the order the CLI prints them. */
export const SCORE_NAMES = ['kernelChange', 'tangentChange', 'zetaChange', 'alignment', 'disalignment', 'normChangeU', 'normChangeW', 'balanceChange', 'distance'] as const;
export type ScoreName = (typeof SCORE_NAMES)[number];

/** The thresholds of the label; `"classify"` in an experiment file overrides any of them. */
export interface ClassifyThresholds {
  /** Kernel regime when kernelChange is below this (and tangentChange below its own). */
  kernelChange: number;
  tangentChange: number;
  /** Alignment (disalignment) when that score reaches this. */
  zetaChange: number;
  /** Rescaling alongside a change of ζ when balanceChange reaches this. */
  balanceChange: number;
}

export const DEFAULT_THRESHOLDS: ClassifyThresholds = { kernelChange: 0.1, tangentChange: 0.1, zetaChange: 0.1, balanceChange: 1 };

/** The three mechanisms, in the order a mixed label names them. */
export const MECHANISMS = ['alignment', 'disalignment', 'rescaling'] as const;
export type Mechanism = (typeof MECHANISMS)[number];

/**
 * A label as a small integer: 0 is `kernel`; otherwise bit 0 alignment, bit 1 disalignment,
 * bit 2 rescaling. Used by the phase diagram's typed arrays.
 */
export type LabelCode = number;
export const KERNEL_CODE = 0;

/** The label's text: `kernel`, one mechanism, or `mixed: alignment+rescaling` and the like. */
export function labelName(code: LabelCode): string {
  if (code === KERNEL_CODE) return 'kernel';
  const parts = MECHANISMS.filter((_, i) => (code & (1 << i)) !== 0);
  return parts.length === 1 ? parts[0] : `mixed: ${parts.join('+')}`;
}

/** Every label the classifier can give, by code (index = code). */
export const LABEL_NAMES: readonly string[] = Array.from({ length: 8 }, (_, code) => labelName(code));

/**
 * The label of a set of scores (docs/mechanisms.md, "The label"): kernel when the tangent kernel
 * and the tangent features change by less than their thresholds; otherwise alignment and/or
 * disalignment when those scores reach the ζ threshold, and rescaling when there is no such change
 * of ζ (only the norms moved), or alongside one when the layers' balance changed by its threshold.
 */
export function classifyCode(s: MechanismScores, th: ClassifyThresholds = DEFAULT_THRESHOLDS): LabelCode {
  // Turning apart changes K only at second order in ζ₀ but the tangent features at first order
  // (docs/mechanisms.md): the kernel regime needs both to stay small.
  if (s.kernelChange === null) {
    // K(0) = 0: no relative change of the kernel or the features exists; the distance from θ₀ stands
    // for them, against the tangent features' threshold, as for networks whose kernel is not measured.
    if (s.distance < th.tangentChange) return KERNEL_CODE;
  } else if (s.kernelChange < th.kernelChange && (s.tangentChange === null || s.tangentChange < th.tangentChange)) return KERNEL_CODE;
  let code = 0;
  if (s.alignment !== null && s.alignment >= th.zetaChange) code |= 1;
  if (s.disalignment !== null && s.disalignment >= th.zetaChange) code |= 2;
  // A layer that starts or ends at exactly zero has an infinite norm change: count it as rescaled.
  const rebalanced = s.balanceChange === null || s.balanceChange >= th.balanceChange;
  if (code === 0 || rebalanced) code |= 4;
  return code;
}

/** The label of a set of scores, as text. */
export function classify(s: MechanismScores, th: ClassifyThresholds = DEFAULT_THRESHOLDS): string {
  return labelName(classifyCode(s, th));
}

/**
 * The scores from the changes of a run: kernelChange, the net change of |ζ|, the log rescaling of each
 * layer (null where a layer is zero at either end), the relative distance and the tangent change.
 * The values are taken as given: callers refuse a run whose score is not a finite number (ranges.ts).
 */
export function scoresFromChanges(kernelChange: number | null, zetaChange: number | null, normChangeU: number | null, normChangeW: number | null, distance: number, tangentChange: number | null): MechanismScores {
  return {
    kernelChange,
    zetaChange,
    // Net change, as docs/mechanisms.md defines the mechanisms. When the output changes sign on the way,
    // ζ passes through 0 (ũ·ṽ ∝ f), but that dip is the crossing, not a turning apart.
    alignment: zetaChange === null ? null : Math.max(0, zetaChange),
    disalignment: zetaChange === null ? null : Math.max(0, -zetaChange),
    normChangeU,
    normChangeW,
    balanceChange: normChangeU !== null && normChangeW !== null ? Math.abs(normChangeU - normChangeW) : null,
    distance,
    tangentChange,
  };
}

/** ln(a/b) for positive a, b; null when either is zero (an infinite change). */
export function logRatio(a: number, b: number): number | null {
  if (!(a > 0) || !(b > 0)) return null;
  return Math.log(a) - Math.log(b);
}

/** The label's thresholds of an experiment: its `"classify"` values over the defaults. */
export function thresholdsOf(e: Experiment): ClassifyThresholds {
  const c = e.classify ?? {};
  const th = { ...DEFAULT_THRESHOLDS };
  for (const name of Object.keys(DEFAULT_THRESHOLDS) as (keyof ClassifyThresholds)[]) {
    const v = c[name];
    if (typeof v === 'number') th[name] = v;
  }
  return th;
}

/**
 * Where an experiment's exact flow is scored (docs/mechanisms.md, "Two conventions"): `infinity`
 * (the default) over the whole flow, t ∈ [0, ∞); `end` over the reported run, t ∈ [0, T] with T its
 * last reported time (`time.end`, the last of `time.at`, or the default horizon): a finite budget.
 */
export type ScoredOver = 'infinity' | 'end';

/** The convention of an experiment's `"classify": { "at" }` (default `infinity`). */
export function scoredOver(e: Experiment): ScoredOver {
  return e.classify?.at === 'end' ? 'end' : 'infinity';
}
