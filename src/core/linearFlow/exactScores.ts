/**
 * The mechanism scores of the exact gradient flow over t ∈ [0, ∞), in O(1) (docs/mechanisms.md, "Scores").
 */
import { MechanismScores, scoresFromChanges } from '../mechanisms/classify';
import { ExactFlow } from './exactFlow';
import { FlowPoint, PlaneInvariants } from './plane';

/** Scores of the exact flow over t ∈ [0, ∞); `theta0` = ‖θ₀‖. O(1). */
export function exactScores(flow: ExactFlow, plane: PlaneInvariants, theta0: number): MechanismScores {
  const start = flow.at(0);
  const end = flow.still ? start : flow.limit();
  return scoresFromEnds(start, end, plane, theta0, flow.still ? 0 : limitTangentChange(plane, flow.lambda, start.output - start.residual));
}

/**
 * ‖∇f(∞) − ∇f(0)‖/‖∇f(0)‖ = √((P A² + Q B²)/(P + Q)) with A = e^{−S∞} − 1, B = e^{S∞} − 1
 * (∇f in the rate metric is λ(ṽ, ũ), and |ũ − ũ₀|² + |ṽ − ṽ₀|² = (P A² + Q B²)/2). It grows
 * monotonically with |S|, so its value at t → ∞ is its maximum. `y` is the effective target.
 */
export function limitTangentChange(plane: PlaneInvariants, lambda: number, y: number): number {
  const { P, Q } = plane;
  if (!(P + Q > 0) || lambda === 0) return 0;
  const b = (2 * y) / lambda;
  let lnZ: number | null = null; // ln z(∞) = 2 S(∞)
  if (P > 0 && Q > 0) {
    const root = Math.hypot(b, Math.sqrt(P) * Math.sqrt(Q)); // √(b² + PQ)
    lnZ = b >= 0 ? Math.log(P) - Math.log(b + root) : Math.log(-b + root) - Math.log(Q);
  } else if (Q === 0 && y > 0) {
    lnZ = Math.log(lambda) + Math.log(P) - Math.log(4 * y); // f = (λ/4) P/z = y
  } else if (P === 0 && y < 0) {
    lnZ = Math.log(-4 * y) - Math.log(lambda) - Math.log(Q); // f = −(λ/4) Q z = y
  }
  // Otherwise the moving parts of both layers shrink to zero: ∇f(∞) = 0.
  if (lnZ === null) return 1;
  const S = lnZ / 2;
  const A = Math.expm1(-S);
  const B = Math.expm1(S);
  const value = Math.sqrt((P * A * A + Q * B * B) / (P + Q));
  return Number.isFinite(value) ? value : Number.MAX_VALUE;
}

/**
 * Scores from the start and the end of an exact flow and its invariants (the phase diagram calls
 * this per cell, with points it already has).
 */
export function scoresFromEnds(start: FlowPoint, end: FlowPoint, plane: PlaneInvariants, theta0: number, tangentChange: number): MechanismScores {
  // f changes sign on the way (or reaches zero) exactly when the path passes the kernel's minimum.
  const crosses = start.output !== end.output && (start.output === 0 || end.output === 0 || Math.sign(start.output) !== Math.sign(end.output));
  let kernelChange = start.ntk > 0 ? Math.abs(end.ntk / start.ntk - 1) : end.ntk > 0 ? Number.MAX_VALUE : 0;
  if (crosses && start.ntk > 0) {
    // K_min / K₀ = 2√(PQ)/(P + Q), with P + Q = 2(|ũ|² + |ṽ|²).
    const ratio = (Math.sqrt(plane.P) * Math.sqrt(plane.Q)) / (plane.uu + plane.vv);
    kernelChange = Math.max(kernelChange, 1 - ratio);
  }
  return scoresFromChanges(kernelChange, start.zeta, end.zeta, start.normU, end.normU, start.normW, end.normW, theta0 > 0 ? end.distance / theta0 : end.distance, tangentChange);
}
