/**
 * Why a run got its label (docs/mechanisms.md, "The label" and "Reading a label"): each criterion of
 * the labelling rule with its score, its threshold and whether the score reaches it, which criteria
 * decided, and the reasons in words — so that a label explains itself in the panel exactly as
 * `classifyCode` decided it (the two are checked against each other over random scores in
 * test/unit/mechanisms/explain.test.ts).
 */
import { classifyCode, ClassifyThresholds, KERNEL_CODE, labelName, LabelCode, MechanismScores } from './classify';

/** The four criteria of the label, in the order the rule applies them. */
export const CRITERIA = ['kernelChange', 'tangentChange', 'zetaChange', 'balanceChange'] as const;
export type CriterionName = (typeof CRITERIA)[number];

/** One criterion of the rule, for one run. */
export interface CriterionCheck {
  name: CriterionName;
  /** The score as computed: max|K/K(0) − 1|, the tangent features' move, the net |ζ| change (signed), |Δ ln‖·‖| between the layers. */
  value: number | null;
  /** What is compared with the threshold: `value`, except |value| for the |ζ| change. */
  compared: number | null;
  threshold: number;
  /**
   * Whether the compared value reaches the threshold (≥); null when the score is undefined (the
   * tangent features of a run that has none, such as the exact flow with weight decay; ζ or a norm
   * ratio when a layer is exactly zero).
   */
  reached: boolean | null;
  /** What the criterion's outcome means for the label, in a few words ("the kernel moved", "no |ζ| change"). */
  outcome: string;
  /** Whether this criterion decided the label (see `LabelExplanation.reasons`). */
  decisive: boolean;
}

/** A label and why. */
export interface LabelExplanation {
  code: LabelCode;
  label: string;
  regime: 'kernel' | 'feature learning';
  /** kernelChange, tangentChange, zetaChange, balanceChange, in this order. */
  criteria: CriterionCheck[];
  /** The rule's steps as sentences: kernel or not, then the mechanisms. */
  reasons: string[];
  /** What a reader might expect the label to count, and why it does not (e.g. ζ moving in the kernel regime). */
  notes: string[];
}

/** The run's ends of ζ, when known: the notes quote them. */
export interface ExplainContext {
  zetaInitial?: number | null;
  zetaFinal?: number | null;
}

/**
 * The one number format of the panel's readouts, the verdict and its reasons (docs/panel.md,
 * "Numbers"): up to `digits` significant digits without trailing zeros, plain decimals for
 * 10⁻³ ≤ |x| < 10^digits (0.001, 0.0894, 12.3), else mantissa and exponent (1e-4, 4.74299e-7,
 * 1.23e5); ASCII minus, so a value copies into a file or a calculator as it reads. Non-finite
 * numbers as JavaScript writes them.
 */
export function formatSignificant(x: number, digits: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const d = Math.min(17, Math.max(1, Math.round(digits)));
  const rounded = Number(x.toPrecision(d));
  const a = Math.abs(rounded);
  if (a >= 1e-3 && a < 10 ** d) return String(rounded);
  const [mantissa, exponent] = x.toExponential(d - 1).split('e');
  return `${Number(mantissa)}e${Number(exponent)}`;
}

/**
 * The fewest significant digits, at least `digits`, with which `x` prints on the same side of every
 * limit as it is — below it, or at or above it, the split of the labelling rule's "<" and "≥": a
 * value next to a claim never contradicts it. A kernel change of 0.09996 below the threshold 0.1
 * prints 0.09996, not 0.1; a factor of 0.9996 below 1 prints ×0.9996, not ×1; a kernel of 2.0008
 * per step, at or above 2, may print 2.
 */
export function digitsAgainst(x: number, limits: readonly number[], digits = 3): number {
  if (!Number.isFinite(x)) return digits;
  for (let d = Math.max(1, digits); d < 17; d++) {
    const printed = Number(formatSignificant(x, d));
    if (limits.every((l) => !Number.isFinite(l) || printed < l === x < l)) return d;
  }
  return 17;
}

/** `x` in the one number format with `digits` (3) significant digits, or more where a limit needs them (`digitsAgainst`). */
export function formatAgainst(x: number, limits: readonly number[], digits = 3): string {
  return formatSignificant(x, digitsAgainst(x, limits, digits));
}

/** `x` with as many significant digits as it has (a threshold from the file prints as written: 0.12345). */
export function formatExact(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  let d = 1;
  while (d < 17 && Number(x.toPrecision(d)) !== x) d++;
  return formatSignificant(x, d);
}

/** Three significant digits, as the reasons print scores (`formatSignificant`). */
export function formatScore(x: number): string {
  return formatSignificant(x, 3);
}

const f = formatScore;
/** A score beside its threshold: enough digits to stay on its side of it. */
const fa = (x: number, threshold: number): string => formatAgainst(x, [threshold]);
/** A signed score whose magnitude is compared with the threshold. */
const fm = (x: number, threshold: number): string => formatSignificant(x, digitsAgainst(Math.abs(x), [threshold]));
/** A threshold, exactly as set. */
const ft = formatExact;

/**
 * The explanation of the label that `classifyCode(scores, thresholds)` gives (docs/mechanisms.md):
 * 1. kernel when kernelChange < its threshold and tangentChange < its threshold (a null
 *    tangentChange — a run without one — leaves the kernel criterion alone, and the explanation says
 *    that the features were not measured rather than that they stayed fixed);
 * 2. otherwise feature learning, by alignment (|ζ| rose by ≥ the ζ threshold) or disalignment
 *    (fell by ≥ it), and by rescaling when neither (only the norms moved) or alongside one when
 *    balanceChange ≥ its threshold (a null balance — a layer exactly zero at one end — counts as rescaled).
 */
export function explainLabel(s: MechanismScores, th: ClassifyThresholds, context: ExplainContext = {}): LabelExplanation {
  const code = classifyCode(s, th);
  // K(0) = 0 (every ReLU unit inactive at the effective input): no relative change of the kernel or of
  // the features exists, and the distance from θ₀ stands for both, against the features' threshold.
  const undefinedKernel = s.kernelChange === null;
  const kernelMoved = s.kernelChange === null ? s.distance >= th.tangentChange : s.kernelChange >= th.kernelChange;
  const tangentMoved = s.tangentChange === null ? null : s.tangentChange >= th.tangentChange;
  const kernel = code === KERNEL_CODE;
  const zeta = s.zetaChange;
  const zetaReached = zeta === null ? null : Math.abs(zeta) >= th.zetaChange;
  const balanceReached = s.balanceChange === null ? null : s.balanceChange >= th.balanceChange;
  const mechanism = code & 3;
  const rescaling = (code & 4) !== 0;

  const criteria: CriterionCheck[] = [
    {
      name: 'kernelChange',
      value: s.kernelChange,
      compared: s.kernelChange ?? s.distance,
      threshold: undefinedKernel ? th.tangentChange : th.kernelChange,
      reached: kernelMoved,
      outcome: undefinedKernel ? `undefined (K(0) = 0); the distance from θ₀ stands for it: ${kernelMoved ? 'the weights moved' : 'the weights nearly fixed'}` : kernelMoved ? 'the kernel moved' : 'kernel nearly constant',
      decisive: kernel || kernelMoved,
    },
    {
      name: 'tangentChange',
      value: s.tangentChange,
      compared: s.tangentChange,
      threshold: th.tangentChange,
      reached: tangentMoved,
      outcome: tangentMoved === null ? (undefinedKernel ? 'undefined (K(0) = 0: ∇f is 0 at θ₀)' : 'not computed for this run') : tangentMoved ? 'the features moved' : 'features nearly fixed',
      decisive: tangentMoved !== null && (kernel || tangentMoved),
    },
    {
      name: 'zetaChange',
      value: zeta,
      compared: zeta === null ? null : Math.abs(zeta),
      threshold: th.zetaChange,
      reached: zetaReached,
      outcome: zeta === null ? 'ζ undefined at one end' : zetaReached ? (zeta > 0 ? 'the layers lined up' : 'the layers turned apart') : 'no |ζ| change',
      // In feature learning the ζ change picks the mechanism, or its absence makes it rescaling.
      decisive: !kernel,
    },
    {
      name: 'balanceChange',
      value: s.balanceChange,
      compared: s.balanceChange,
      threshold: th.balanceChange,
      reached: balanceReached,
      outcome: s.balanceChange === null ? 'a layer is zero at one end' : balanceReached ? 'one layer rescaled against the other' : 'balanced',
      // It decides only when it adds rescaling to a change of ζ.
      decisive: !kernel && mechanism !== 0 && rescaling,
    },
  ];

  const reasons: string[] = [];
  const notes: string[] = [];
  const kc =
    s.kernelChange === null
      ? `an undefined amount — K(0) = 0 (no unit passes a gradient at the effective input: each inactive there, or at σ = 0 with u_i = 0), so no relative change exists and the distance from θ₀, ${fa(s.distance, th.tangentChange)} ${kernelMoved ? '≥' : '<'} ${ft(th.tangentChange)}, stands for it`
      : `${fa(s.kernelChange, th.kernelChange)} ${kernelMoved ? '≥' : '<'} ${ft(th.kernelChange)}`;
  // Without tangentChange: undefined beside an undefined kernel change (K(0) = 0: ∇f₀ = 0), else a run that has none.
  const noTangent = undefinedKernel ? 'the tangent features\' change is undefined too: ∇f is 0 at θ₀' : 'the tangent features are not computed for this run';
  const tc = s.tangentChange === null ? null : `${fa(s.tangentChange, th.tangentChange)} ${tangentMoved ? '≥' : '<'} ${ft(th.tangentChange)}`;
  if (kernel) {
    reasons.push(
      tc === null
        ? `The tangent kernel changed by at most ${kc} (${noTangent}, so the kernel criterion alone decides): the kernel regime.`
        : `The tangent kernel changed by at most ${kc} and the tangent features moved by ${tc}: the kernel regime — training is linear in the parameters.`,
    );
    const moved: string[] = [];
    if (zetaReached && zeta !== null) moved.push(`ζ went ${ends(context)}(|ζ| change ${fm(zeta, th.zetaChange)}, beyond the ${ft(th.zetaChange)} that would mean ${zeta > 0 ? 'alignment' : 'disalignment'})`);
    if (balanceReached && s.balanceChange !== null) moved.push(`one layer was rescaled against the other by a factor e^${f(s.balanceChange)} ≈ ${f(Math.exp(s.balanceChange))}`);
    if (moved.length > 0 && tc === null) {
      // Without the tangent features nothing shows that they stayed fixed: the random-features case is not claimed.
      notes.push(
        `${capitalise(moved.join(', and '))}, though the tangent kernel stayed within its threshold. The tangent features, which would tell whether the layers moved along fixed features, were not computed for this run, so the label rests on the kernel alone: read it with care.`,
      );
    } else if (moved.length > 0) {
      notes.push(
        `${capitalise(moved.join(', and '))} — yet neither the kernel nor the tangent features moved: the layer that changed is small beside the other in the metric of the learning rates, so it grows along features that stay fixed. That is a linear fit with fixed features (the random-features case of docs/mechanisms.md), and the kernel criteria are applied first.`,
      );
    }
    return { code, label: labelName(code), regime: 'kernel', criteria, reasons, notes };
  }

  if (kernelMoved && tangentMoved) reasons.push(`The tangent kernel changed by up to ${kc} and the tangent features moved by ${tc}: feature learning.`);
  else if (kernelMoved) reasons.push(`The tangent kernel changed by up to ${kc}${tc === null ? ` (${noTangent})` : `, though the tangent features moved by only ${tc}`}: feature learning.`);
  else reasons.push(`The tangent kernel changed by only ${kc}, but the tangent features moved by ${tc}: feature learning — the kernel regime needs both below their thresholds.`);

  if (zeta === null) reasons.push('ζ is undefined at one end of the run (a layer is exactly zero there), so no change of |ζ| counts: only the norms moved — rescaling.');
  else if (mechanism === 1) reasons.push(`|ζ| rose by ${fa(zeta, th.zetaChange)} ≥ ${ft(th.zetaChange)}: the layers lined up — alignment.`);
  else if (mechanism === 2) reasons.push(`|ζ| fell by ${fa(-zeta, th.zetaChange)} ≥ ${ft(th.zetaChange)}: the layers turned apart — disalignment.`);
  else reasons.push(`|ζ| changed by only ${fm(zeta, th.zetaChange)} (|·| < ${ft(th.zetaChange)}): the layers neither lined up nor turned apart, so the norms did the learning — rescaling.`);

  if (mechanism !== 0) {
    if (s.balanceChange === null) reasons.push('A layer starts or ends at exactly zero, an infinite change of its norm: rescaling alongside.');
    else if (balanceReached) reasons.push(`The balance between the layers changed by ${fa(s.balanceChange, th.balanceChange)} ≥ ${ft(th.balanceChange)} (|Δ ln|u| − Δ ln‖W‖_F|): one layer was rescaled against the other — rescaling alongside.`);
    else reasons.push(`The balance between the layers changed by only ${fa(s.balanceChange, th.balanceChange)} < ${ft(th.balanceChange)}: the norms grew together, which is part of ${mechanism === 1 ? 'alignment' : 'disalignment'}, not rescaling.`);
  }
  return { code, label: labelName(code), regime: 'feature learning', criteria, reasons, notes };
}

function ends({ zetaInitial, zetaFinal }: ExplainContext): string {
  return typeof zetaInitial === 'number' && typeof zetaFinal === 'number' ? `from ${f(zetaInitial)} to ${f(zetaFinal)} ` : '';
}

/** The first letter in upper case, when it is a Latin one (ζ stays ζ: Ζ is another symbol). */
function capitalise(s: string): string {
  return /^[a-z]/.test(s) ? s.charAt(0).toUpperCase() + s.slice(1) : s;
}
