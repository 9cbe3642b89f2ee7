/**
 * The shared evaluator of every quantity of docs/model.md §4 from the state of the plane that the
 * rescaled layers ũ = u/√η_u, ṽ = Wn/√η_W never leave. The exact flow, the gradient-descent
 * recursion and the weight-decay solver all describe their state by the Gram data of the pair
 * p = ũ + ṽ, q = ũ − ṽ, and all hand it to `planePoint`, so the stable formulas live in one place.
 */

/** Gram data of a pair (p, q): |p|², |q|², p·q and the wedge |p∧q|² = |p|²|q|² − (p·q)² ≥ 0. */
export interface PairGram {
  pp: number;
  qq: number;
  pq: number;
  wedge: number;
}

/**
 * |x|² and |y|² for x = (p + q)/2, y = (p − q)/2, without cancellation: the larger as
 * (|p|² + |q|² + 2|p·q|)/4, the smaller through the product |x|²|y|² = (x·y)² + |p∧q|²/4.
 * `xy` is x·y = (|p|² − |q|²)/4, passed in because callers often know it more accurately.
 */
export function splitPair(sum: number, pq: number, xy: number, wedge: number): { xx: number; yy: number } {
  const big = (sum + 2 * Math.abs(pq)) / 4;
  const small = big > 0 ? (xy * xy + wedge / 4) / big : 0;
  return pq >= 0 ? { xx: big, yy: small } : { xx: small, yy: big };
}

/** Where the plane is at one time: the pair now, its displacement from t = 0, and the output. */
export interface PlaneState {
  /** (p, q) now. */
  now: PairGram;
  /** (p − p₀, q − q₀). */
  moved: PairGram;
  /** f at the effective input, and r = f − y_eff (the caller's most accurate forms). */
  output: number;
  residual: number;
  /** W_⊥(t) = s·W_⊥(0): s = 1 without weight decay. */
  perpScale: number;
}

/** Every drawn quantity from the plane's state; O(1). `distance` is absolute (‖θ − θ₀‖). */
export function planePoint(input: FlowInput, s: PlaneState): FlowPoint {
  const { lambda, plane } = input;
  const { now, moved } = s;
  const m = lambda > 0 ? s.output / lambda : plane.uv; // ũ·ṽ
  const { xx: uu, yy: vv } = splitPair(now.pp + now.qq, now.pq, m, now.wedge);
  const d = splitPair(moved.pp + moved.qq, moved.pq, (moved.pp - moved.qq) / 4, moved.wedge);
  return layerPoint(input, { uu, vv, uv: m, cross: Math.sqrt(m * m + now.wedge / 4), n2: (now.pp + now.qq) / 2, du2: d.xx, dv2: d.yy, output: s.output, residual: s.residual, perpScale: s.perpScale });
}

/** The rescaled layers themselves at one time: the form in which gradient descent keeps them. */
export interface LayerState {
  /** |ũ|², |ṽ|², ũ·ṽ and |ũ||ṽ|. */
  uu: number;
  vv: number;
  uv: number;
  cross: number;
  /** |ũ|² + |ṽ|² in the caller's most accurate form. */
  n2: number;
  /** |ũ − ũ₀|², |ṽ − ṽ₀|². */
  du2: number;
  dv2: number;
  output: number;
  residual: number;
  /** W_⊥(t) = s·W_⊥(0). */
  perpScale: number;
}

/** Every drawn quantity from the rescaled layers; O(1). `distance` is absolute (‖θ − θ₀‖). */
export function layerPoint(input: FlowInput, s: LayerState): FlowPoint {
  const { lambda, etaU, etaW, irreducibleLoss, normWPerp2 } = input;
  const perp2 = s.perpScale === 1 ? normWPerp2 : normWPerp2 * s.perpScale * s.perpScale;
  const perpMoved2 = s.perpScale === 1 ? 0 : normWPerp2 * (1 - s.perpScale) ** 2;
  return {
    output: s.output,
    residual: s.residual,
    loss: 0.5 * s.residual * s.residual + irreducibleLoss,
    zeta: s.cross > 0 ? s.uv / s.cross : null,
    normU: Math.sqrt(etaU * s.uu),
    normW: Math.sqrt(perp2 + etaW * s.vv),
    ntk: lambda * lambda * s.n2,
    distance: Math.sqrt(etaU * s.du2 + etaW * s.dv2 + perpMoved2),
  };
}

/**
 * Coordinates of ũ₀ and ṽ₀ in an orthonormal frame of their plane, the first axis along the longer:
 * [ũ₁, ũ₂, ṽ₁, ṽ₂]. Built from |ũ₀|², |ṽ₀|², ũ₀·ṽ₀ and G = 4|ũ₀∧ṽ₀|² (each accumulated directly), so
 * the frame loses nothing to cancellation however unbalanced or (anti-)aligned the layers are.
 */
export function planeFrame(plane: PlaneInvariants): [number, number, number, number] {
  const { uu, vv, uv, G } = plane;
  if (uu >= vv) {
    const n = Math.sqrt(uu);
    return n > 0 ? [n, 0, uv / n, Math.sqrt(G) / (2 * n)] : [0, 0, 0, 0];
  }
  const n = Math.sqrt(vv);
  return [uv / n, Math.sqrt(G) / (2 * n), n, 0];
}

/** The Gram data of (a₁p₀ + a₂q₀, b₁p₀ + b₂q₀) from the invariants P = |p₀|², Q = |q₀|², c = p₀·q₀, G = PQ − c². */
export function gramOf(P: number, Q: number, c: number, G: number, a1: number, a2: number, b1: number, b2: number): PairGram {
  const det = a1 * b2 - a2 * b1;
  return {
    pp: a1 * a1 * P + 2 * a1 * a2 * c + a2 * a2 * Q,
    qq: b1 * b1 * P + 2 * b1 * b2 * c + b2 * b2 * Q,
    pq: a1 * b1 * P + (a1 * b2 + a2 * b1) * c + a2 * b2 * Q,
    wedge: det * det * G,
  };
}

/** Everything the panel and the CLI draw at one time (docs/model.md §4). */
export interface FlowPoint {
  output: number;
  /** r = f − y_eff. */
  residual: number;
  loss: number;
  zeta: number | null;
  normU: number;
  normW: number;
  ntk: number;
  /** ‖θ(t) − θ₀‖, absolute. */
  distance: number;
}

export interface FlowInput {
  plane: PlaneInvariants;
  etaU: number;
  etaW: number;
  /** λ = γ ā √(η_u η_W). */
  lambda: number;
  /** The effective target y_eff. */
  y: number;
  irreducibleLoss: number;
  /** ‖W_⊥‖_F², the part of W off the data direction (never moves). */
  normWPerp2: number;
}

/**
 * The invariants of the rescaled layers ũ = u/√η_u, ṽ = v/√η_W (docs/model.md §3), computed directly
 * from the weights so that nearly aligned or anti-aligned layers lose no precision.
 */
export interface PlaneInvariants {
  /** P = |ũ + ṽ|², Q = |ũ − ṽ|². */
  P: number;
  Q: number;
  /** c = |ũ|² − |ṽ|² = p₀·q₀ (conserved by the flow). */
  c: number;
  /** ũ·ṽ at t = 0. */
  uv: number;
  /** G = PQ − c² = 4(|ũ|²|ṽ|² − (ũ·ṽ)²) ≥ 0, from a two-pass projection (no cancellation). */
  G: number;
  /** |ũ|², |ṽ|² at t = 0. */
  uu: number;
  vv: number;
}

/** The plane invariants of (u, v) under the layer rates (η_u, η_W). */
export function planeInvariants(u: Float64Array, v: Float64Array, etaU: number, etaW: number): PlaneInvariants {
  const su = 1 / Math.sqrt(etaU);
  const sv = 1 / Math.sqrt(etaW);
  let P = 0;
  let Q = 0;
  let uu = 0;
  let vv = 0;
  let uv = 0;
  let c = 0;
  for (let i = 0; i < u.length; i++) {
    const a = u[i] * su;
    const b = v[i] * sv;
    // c as Σ(ũ_i + ṽ_i)(ũ_i − ṽ_i) keeps its precision when |ũ| ≈ |ṽ|.
    c += (a + b) * (a - b);
    P += (a + b) * (a + b);
    Q += (a - b) * (a - b);
    uu += a * a;
    vv += b * b;
    uv += a * b;
  }
  // |ũ ∧ ṽ|² as |longer|²·|shorter − projection|², the projection taken on the longer vector.
  let wedge = 0;
  if (uu > 0 && vv > 0) {
    const alongU = uu >= vv;
    const alpha = alongU ? uv / uu : uv / vv;
    let rest = 0;
    for (let i = 0; i < u.length; i++) {
      const a = u[i] * su;
      const b = v[i] * sv;
      const off = alongU ? b - alpha * a : a - alpha * b;
      rest += off * off;
    }
    wedge = (alongU ? uu : vv) * rest;
  }
  return { P, Q, c, uv, G: 4 * wedge, uu, vv };
}
