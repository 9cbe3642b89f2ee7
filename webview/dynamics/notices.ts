/**
 * What the panel says about gradient descent at the experiment's rates (docs/panel.md, "Honest about
 * gradient descent"): whenever the largest stable rate scale is below 1 — the edge of stability,
 * oscillation, a catapult, divergence — and, in the flow view where no descent is computed,
 * whenever the flow's own tangent kernel passes 2 per step, past which no step is stable
 * (docs/finite-rates.md §3–4). Pure: from the update to sentences.
 */
import type { Trajectory } from '../../src/core/trajectory/trajectory';
import type { DynamicsView } from '../../src/protocol/dynamics';
import { formatAgainst } from '../../src/core/mechanisms/explain';
import { formatReadout } from '../shared/numberFormat';

export type NoticeKind = 'diverged' | 'unstable' | 'catapult' | 'flow-unstable';

export interface Notice {
  kind: NoticeKind;
  text: string;
}

/** A descent is drawn up to the first step whose loss passes this multiple of its initial loss. */
export const BLOW_UP_FACTOR = 1e3;

/** Three significant digits — more where a limit the sentence states needs them (`formatAgainst`). */
function n3(x: number, ...limits: number[]): string {
  return Number.isFinite(x) ? formatAgainst(x, limits) : String(x);
}

/** The stable rate scale below which a descent is called unstable rather than at the edge of stability. */
const EDGE = 0.5;

/** The largest tangent kernel along a flow (per unit time = per step at these rates): its reported values and its limit. */
export function flowKernelMax(flow: Trajectory): number | null {
  let max = flow.summary.limit?.ntk ?? -Infinity;
  for (const k of flow.ntk ?? []) if (k > max) max = k;
  return Number.isFinite(max) && max > 0 ? max : null;
}

/**
 * The notices for what the panel shows: `flow` is the exact flow (null for a nonlinear network),
 * `descent` the gradient descent drawn (null when none is).
 */
export function descentNotices(flow: Trajectory | null, descent: Trajectory | null, view: DynamicsView): Notice[] {
  const out: Notice[] = [];
  if (descent) {
    const s = descent.summary;
    const who = flow ? 'Gradient descent at the experiment\'s learning rates' : 'Gradient descent';
    const scale = s.maxStableRateScale;
    const stable = typeof scale === 'number' && Number.isFinite(scale) ? ` It converges for learning rates up to ×${n3(scale, 1, EDGE)} of these (docs/finite-rates.md §4).` : '';
    if (s.diverged) {
      out.push({ kind: 'diverged', text: `${who} diverged at step ${formatReadout(s.diverged.step)}. Its curves are drawn only until the loss passes ${formatReadout(BLOW_UP_FACTOR)}× its initial value.${stable}` });
      return out;
    }
    const below = typeof scale === 'number' && scale < 1;
    // The final losses, when they differ by a decade or more above a converged floor (10⁻¹² of the start).
    const floor = 1e-12 * Math.max(s.lossInitial, Number.MIN_VALUE);
    const apart = flow ? Math.abs(Math.log10(Math.max(s.lossFinal, floor) / Math.max(flow.summary.lossFinal, floor))) : 0;
    const compared = flow && view === 'both' && apart >= 1 ? ` It ends at loss ${formatReadout(s.lossFinal, 3)} against the flow's ${formatReadout(flow.summary.lossFinal, 3)}.` : '';
    if (s.catapult) {
      const c = s.catapult;
      out.push({
        kind: below ? 'unstable' : 'catapult',
        text: `${who} catapults: its loss rose above its start at step ${formatReadout(c.fromStep)} (peak ${formatReadout(c.peakLoss, 3)}) and fell back below it at step ${formatReadout(c.toStep)} (shaded) — the tangent kernel was above 2 per step.${below ? ` These rates are past the stable limit: it converges to the flow's minimum only for learning rates up to ×${n3(scale, 1, EDGE)} of these.` : stable}${compared}`,
      });
    } else if (below) {
      const edge = scale >= EDGE;
      out.push({
        kind: 'unstable',
        text: `${edge ? 'Edge of stability' : 'Unstable'}: ${who.charAt(0).toLowerCase()}${who.slice(1)} converges to the flow's minimum only for learning rates up to ×${n3(scale, 1, EDGE)} of these, so at these rates it oscillates instead of settling.${compared} Lower both rates below ×${n3(scale, 1, EDGE)} for descent that follows the flow.`,
      });
    }
  }
  if (flow && !descent && view === 'flow') {
    const k = flowKernelMax(flow);
    if (k !== null && k >= 2) {
      out.push({
        kind: 'flow-unstable',
        text: `Gradient descent at these learning rates would not follow this flow: its tangent kernel reaches K = ${n3(k, 2)} per step, and a step is stable only while K < 2 (docs/finite-rates.md §3). Descent or Both shows what it does; rates below ×${n3(2 / k, 1)} of these follow the flow.`,
      });
    }
  }
  return out;
}
