/**
 * The mechanism scores of the exact gradient flow over t ∈ [0, ∞), in O(1) (docs/mechanisms.md, "Scores").
 * The end of the run is the series' own limit (ExactFlow.limitLog evaluates the series' formulas at
 * t = ∞), and every change is computed without subtracting nearly equal numbers, so a score agrees
 * with the last points of its own series however little or much the layers move.
 */
import { logAddExp, logSubExp } from '../math/logDomain';
import { MechanismScores, scoresFromChanges } from '../mechanisms/classify';
import { ExactFlow } from './exactFlow';
import { LogPoint } from './plane';

/** The scores that can exceed 64 bits, as logarithms (for the range checks of ranges.ts). */
export interface ScoreLogs {
  lnKernelChange: number;
  lnTangentChange: number;
  lnDistance: number;
}

/**
 * Scores of the exact flow over t ∈ [0, T] and the logarithms of the unbounded ones; `lnTheta0` =
 * ln‖θ₀‖, `lnT` = ln T (default ∞: the whole flow, its end the series' limit). O(1) for any T: z moves
 * monotonically, K ∝ P/z + Qz is convex in ln z with its minimum where f crosses zero, so the kernel's
 * extremes over [0, T] are at 0, at T, or at that crossing when it comes before T; the tangent
 * features' change is monotone in |S| (docs/mechanisms.md, "Scores").
 */
export function exactScoreLogs(flow: ExactFlow, lnTheta0: number, lnT = Infinity): { scores: MechanismScores; logs: ScoreLogs } {
  const start = flow.logPointAt(-Infinity);
  if (flow.still || lnT === -Infinity) {
    const logs = { lnKernelChange: -Infinity, lnTangentChange: -Infinity, lnDistance: -Infinity };
    return { scores: scoresOf(start, start, logs), logs };
  }
  const end = lnT === Infinity ? flow.limitLog() : flow.logPointAt(lnT);
  const { plane } = flow.input;
  const { P, Q, uv } = plane;
  const lnZ = flow.lnZAt(lnT);
  const S = lnZ / 2;
  const n2 = (P + Q) / 2;
  let lnKernel: number;
  let lnTangent: number;
  if (!Number.isFinite(S)) {
    // (T = ∞ only) The moving parts of both layers vanish: K(∞) = 0 and ∇f(∞) = 0.
    lnKernel = 0;
    lnTangent = 0;
  } else {
    // K(T)/K(0) − 1 = Δn₂/n₂ with Δn₂ = (P + Q) sinh²S − 2 ũ₀·ṽ₀ sinh 2S (each term exact; no 1 + ε − 1).
    if (Math.abs(S) < 350) {
      const sh = Math.sinh(S);
      lnKernel = Math.log(Math.abs((P + Q) * sh * sh - 2 * uv * Math.sinh(2 * S))) - Math.log(n2);
    } else {
      const lnRatio = end.lnNtk - start.lnNtk;
      lnKernel = lnRatio > 0 ? logSubExp(lnRatio, 0) : logSubExp(0, lnRatio);
    }
    // ‖∇f(T) − ∇f(0)‖/‖∇f(0)‖ = √((|ũ − ũ₀|² + |ṽ − ṽ₀|²)/(|ũ₀|² + |ṽ₀|²)), monotone in |S|: its maximum over [0, T].
    const moved = flow.moved(S);
    lnTangent = 0.5 * (logAddExp(moved.lnDU, moved.lnDV) - Math.log(n2));
  }
  // f changes sign by T (or reaches zero) exactly when the path passes the kernel's minimum:
  // K_min/K₀ = 2√(PQ)/(P + Q), so 1 − K_min/K₀ = (√P − √Q)²/(P + Q).
  const crosses = start.output !== end.output && (start.output === 0 || end.output === 0 || Math.sign(start.output) !== Math.sign(end.output));
  if (crosses) lnKernel = Math.max(lnKernel, 2 * Math.log(Math.abs(Math.sqrt(P) - Math.sqrt(Q))) - Math.log(P + Q));
  const lnDistance = lnTheta0 > -Infinity ? end.lnDistance - lnTheta0 : end.lnDistance;
  const logs = { lnKernelChange: lnKernel, lnTangentChange: lnTangent, lnDistance };
  return { scores: scoresOf(start, end, logs), logs };
}

/** Scores of the exact flow over t ∈ [0, T] (default T = ∞); `lnTheta0` = ln‖θ₀‖, `lnT` = ln T. O(1). */
export function exactScores(flow: ExactFlow, lnTheta0: number, lnT = Infinity): MechanismScores {
  return exactScoreLogs(flow, lnTheta0, lnT).scores;
}

function scoresOf(start: LogPoint, end: LogPoint, logs: ScoreLogs): MechanismScores {
  const zetaChange = start.zeta !== null && end.zeta !== null ? Math.abs(end.zeta) - Math.abs(start.zeta) : null;
  const normChangeU = Number.isFinite(start.lnNormU) && Number.isFinite(end.lnNormU) ? end.lnNormU - start.lnNormU : null;
  const normChangeW = Number.isFinite(start.lnNormW) && Number.isFinite(end.lnNormW) ? end.lnNormW - start.lnNormW : null;
  return scoresFromChanges(Math.exp(logs.lnKernelChange), zetaChange, normChangeU, normChangeW, Math.exp(logs.lnDistance), Math.exp(logs.lnTangentChange));
}
