/**
 * What every symbol and score of the panel means, in the words of the paper and of docs/model.md,
 * docs/mechanisms.md and docs/finite-rates.md — shown on hover (and to screen readers) wherever the
 * panel names one (docs/panel.md, "Definitions").
 */
import type { CriterionName } from '../../src/core/mechanisms/explain';

export const DEFINITIONS = {
  label:
    'The mechanism by which the network learns (Xu & Ziyin, ICLR 2025): kernel — the tangent kernel and the tangent features stay put, training is linear in the parameters; otherwise feature learning, by alignment (|ζ| grows: the layers line up), disalignment (|ζ| falls: they turn apart) or rescaling (only the layers\' lengths change). docs/mechanisms.md, "The label".',
  zeta: 'ζ = cos∠(u, W n): the alignment between the output weights u and the hidden layer\'s image W n of the input direction n. |ζ| → 1: the layers line up; |ζ| → 0: they are orthogonal. Undefined where a layer is exactly zero. docs/model.md §4.',
  loss: 'L = ½E[(f − y)²], the squared error of the output f on the data (including the part no network can fit, for a data set). docs/model.md §4.',
  lambda: 'λ = γ ā √(η_u η_W): the one rate the exact solution depends on, from the output scale γ, the input size ā = |x| and the two layer rates. docs/model.md §2.',
  omega: 'ω = λ√(4y² + λ²PQ): the rate at which the exact solution approaches its fixed point; late in training the residual decays like e^(−ωt). docs/model.md §3.',
  plateau:
    'From a small initialisation the network first barely moves, then escapes: reported when the tangent kernel grows at least tenfold, as the time at which the residual has halved (|r − r(∞)| = ½|r₀ − r(∞)|). "none" when the kernel does not grow tenfold. docs/model.md §5.',
  horizon:
    'The last time drawn: time.end, or — when the file leaves it out — the time at which the residual has come within 10⁻³ of its initial distance from its limit, so that the plateau, the transition and the convergence all show. Scores of exact runs cover t ∈ [0, ∞), whatever the horizon. docs/model.md §5.',
  ntk: 'The tangent kernel K = γ²ā²(η_u|W n|² + η_W|u|²), with the layer rates: under gradient flow the output moves as df/dt = −K r. A constant K is the kernel regime. docs/model.md §4.',
  ntkRatio: 'K(T)/K(0): the tangent kernel at the horizon over its initial value.',
  width: 'd: the number of hidden units.',
  solver: 'Exact: the closed-form gradient flow of the linear network (docs/model.md §3). Gradient descent: the discrete steps at the experiment\'s learning rates, t counting steps (docs/finite-rates.md).',
  limitZeta: 'ζ at the gradient flow\'s fixed point, t → ∞.',
  kernelChange: 'max over the run of |K(t)/K(0) − 1|: how far the tangent kernel moved; 0 in the kernel regime. Exact runs: over t ∈ [0, ∞); gradient descent: over every step run, whatever steps are drawn. docs/mechanisms.md, "Scores".',
  tangentChange:
    'max over the run of ‖∇f(t) − ∇f(0)‖/‖∇f(0)‖, ∇f in the metric of the layer rates (‖∇f‖² = K): how far the tangent features moved. In disalignment the kernel changes only at second order while the features move at first order, so the kernel regime needs both below their thresholds. Gradient descent: over every step run. Not computed for the exact flow with weight decay. docs/mechanisms.md, "The label".',
  zetaChange: '|ζ(end)| − |ζ(0)|: positive when the layers lined up (alignment), negative when they turned apart (disalignment); a net change, not the largest swing. docs/mechanisms.md, "Scores".',
  balanceChange: '|ln(|u|_end/|u|_0) − ln(‖W‖_end/‖W‖_0)|: how much one layer was rescaled against the other. Rescaling alongside a change of ζ needs it; balanced growth belongs to alignment. docs/mechanisms.md, "The label".',
  normChangeU: 'ln(|u|(end)/|u|(0)): the output layer\'s log rescaling.',
  normChangeW: 'ln(‖W‖_F(end)/‖W‖_F(0)): the hidden layer\'s log rescaling (‖W‖_F includes the part of W orthogonal to the input, which never moves).',
  distance: '‖θ(t) − θ₀‖/‖θ₀‖ over θ = (u, W): the relative distance from initialisation.',
  maxStableRateScale:
    'The largest factor by which both learning rates can be multiplied and gradient descent still converges to the flow\'s limit with the kernel below 2 per step (bisection on the exact O(1) recursion, to 10⁻³). Below 1: these rates are past the stable limit — descent oscillates, catapults or diverges. docs/finite-rates.md §4.',
  catapult: 'A window in which the loss of gradient descent rose above its starting value and later fell below it: the kernel was above 2 per step, the run was thrown out and came back with a smaller kernel. docs/finite-rates.md §3.',
  diverged: 'The step at which the loss of gradient descent passed 10¹⁰⁰ or stopped being finite. docs/finite-rates.md §2.',
  dead: 'The step from which every ReLU unit is inactive on every sample (w_i·x < 0 for every unit and sample) to the end of the run: the outputs and the gradient are 0, so gradient descent is stuck there for good. Such a run has no label and no scores: a mechanism would be read from a dead network. docs/phase-diagram.md, "Gradient descent".',
  weightDecay: 'ρ: the objective adds ½ρ(|u|² + ‖W‖_F²). docs/finite-rates.md §5.',
  deviation: 'Gradient descent against the exact flow at the same steps (t = step): ζ, the distance and K/K(0) as absolute differences, |u| and ‖W‖_F relative to the flow\'s largest value, the loss in decades (|log₁₀ L_GD/L_flow|). docs/panel.md, "Descent against flow".',
} as const;

export type DefinedTerm = keyof typeof DEFINITIONS;

/** The criteria of the label: their names in the panel and their definitions. */
export const CRITERION_TEXT: Record<CriterionName, { name: string; symbol: string; definition: string }> = {
  kernelChange: { name: 'Kernel change', symbol: 'max|K/K₀ − 1|', definition: DEFINITIONS.kernelChange },
  tangentChange: { name: 'Tangent-feature change', symbol: 'max‖∇f − ∇f₀‖/‖∇f₀‖', definition: DEFINITIONS.tangentChange },
  zetaChange: { name: '|ζ| change', symbol: '|ζ(end)| − |ζ(0)|', definition: DEFINITIONS.zetaChange },
  balanceChange: { name: 'Balance change', symbol: '|Δln|u| − Δln‖W‖|', definition: DEFINITIONS.balanceChange },
};
