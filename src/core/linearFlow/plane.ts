/**
 * The plane that the rescaled layers ũ = u/√η_u, ṽ = Wn/√η_W never leave, and the shared evaluator of
 * every drawn quantity (docs/model.md §4).
 *
 * Scale (docs/model.md §3.2): the invariants of the initial pair are kept in a unit
 * 4^k (2^k for lengths) chosen so that the longer layer has length about 1, and every physical quantity
 * is formed from them through logarithms. So the geometry of the pair (its angle, the ratio of its
 * lengths) is exact whatever the size of the weights, and a quantity is computed whenever it is
 * representable itself — its factors and intermediate products need not be.
 */
import { binaryExponent, ldexp, logAddExp } from '../math/logDomain';

/**
 * A positive number m·2^e kept as a double m and a whole exponent e, so that it can be far beyond the
 * range of 64-bit numbers and still scale a vector exactly (by `ldexp`) once the exponent is known.
 */
export interface Scale {
  m: number;
  e: number;
}

/** The scale of x·y/√z (all positive and finite): the plain double when it is a normal number, else from logarithms. */
export function scaleOf(x: number, y: number, z: number): Scale {
  const plain = (x * y) / Math.sqrt(z);
  if (plain >= 2 ** -1000 && plain <= 2 ** 1000) return { m: plain, e: 0 };
  const ln = Math.log(x) + Math.log(y) - 0.5 * Math.log(z);
  const e = Math.round(ln / Math.LN2);
  return { m: Math.exp(ln - e * Math.LN2), e };
}

/** ln of a scale. */
export function lnScale(s: Scale): number {
  return Math.log(s.m) + s.e * Math.LN2;
}

/** s·x for a factor x ≥ 0 that may be far from 1: the mantissa stays near the old one, the rest goes into the exponent. */
export function scaleTimes(s: Scale, x: number): Scale {
  const m = s.m * x;
  if (m === 0 || (m >= 2 ** -1000 && m <= 2 ** 1000)) return { m, e: s.e };
  const ln = Math.log(s.m) + Math.log(x);
  const k = Math.round(ln / Math.LN2);
  return { m: Math.exp(ln - k * Math.LN2), e: s.e + k };
}

/**
 * Sums over the neurons of the two initial layers, each layer in its own unit: ũ₀ = sU·g and
 * ṽ₀ = sV·h with the largest entry of g and of h in [½, 1). Every sum is then O(1)…O(width),
 * whatever the weights, the scales and the rates.
 */
export interface LayerSums {
  gg: number;
  hh: number;
  gh: number;
  /** |g∧h|² = |g|²|h|² − (g·h)², from a two-pass projection (no cancellation). */
  wedge: number;
  sU: Scale;
  sV: Scale;
}

/**
 * The invariants of the initial pair in the unit 4^k (docs/model.md §3–§4): P = |ũ + ṽ|², Q = |ũ − ṽ|²,
 * c = |ũ|² − |ṽ|² = p·q, ũ·ṽ, |ũ|², |ṽ|² in units of 4^k, G = PQ − c² = 4|ũ∧ṽ|² in units of 16^k.
 */
export interface PlaneInvariants {
  /** The unit exponent: physical |ũ₀|² = uu·4^k. The longer layer has length about 1 in this unit. */
  k: number;
  P: number;
  Q: number;
  c: number;
  uv: number;
  uu: number;
  vv: number;
  G: number;
  /** ln|ũ₀|², ln|ṽ₀|², ln G in the same units: exact even where the doubles above underflow. */
  lnUU: number;
  lnVV: number;
  lnG: number;
  /** ζ₀ = cos∠(ũ₀, ṽ₀) from the layers' own directions (null when a layer is zero). */
  zeta: number | null;
  /** ũ₀ and ṽ₀ in an orthonormal frame of their plane, the first axis along the longer: [ũ₁, ũ₂, ṽ₁, ṽ₂], in units of 2^k. */
  frame: readonly [number, number, number, number];
  /**
   * ũ₀ and ṽ₀ in the same frame, each in its own unit: ũ₀ = 2^e·(x₁, x₂) with |x| = O(1). Layers whose
   * lengths differ by more than the 64-bit range (|ũ₀|/|ṽ₀| = √(η_W/η_u)·|u|/|v| can be 1e300) are
   * still both exact here, where the shared unit of `frame` underflows the shorter.
   */
  startU: LayerVector;
  startV: LayerVector;
}

/** A vector of the plane in its own unit: 2^e·(x[0], x[1]). */
export interface LayerVector {
  x: readonly [number, number];
  e: number;
}

/** Largest |x_i| of an array; NaN if any entry is NaN (as Math.max). */
function maxAbs(x: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = maxAbsWith(m, x[i]);
  return m;
}

/** `maxAbs` one entry at a time: the larger of m and |x|, NaN from the first NaN on (as `maxAbs` of the entries so far). */
export function maxAbsWith(m: number, x: number): number {
  const a = Math.abs(x);
  return a <= m || m !== m ? m : a; // larger, or NaN
}

/** The power of two normaliseExponent takes out of an array whose largest |entry| is m (0 for 0). */
function exponentOfMax(m: number): number {
  return m === 0 ? 0 : binaryExponent(m);
}

/**
 * The factor x·2^(−e) as one product, where ldexp's own would be that single product (2^(−e)
 * normal); NaN where each entry needs ldexp. Called per entry, ldexp's power took 90 ms of a
 * 10⁶-wide simulate (`npm run bench`, "simulate at width 10⁶").
 */
function factorOf(e: number): number {
  return -e >= -1021 && -e <= 1000 ? 2 ** -e : NaN;
}

/** Scales x in place by a power of two so that its largest entry is in [½, 1); returns that power (0 for a zero array). */
export function normaliseExponent(x: Float64Array): number {
  const e = exponentOfMax(maxAbs(x));
  if (e === 0) return 0;
  const factor = factorOf(e);
  if (factor === factor) {
    for (let i = 0; i < x.length; i++) x[i] *= factor;
  } else {
    for (let i = 0; i < x.length; i++) x[i] = ldexp(x[i], -e);
  }
  return e;
}

/**
 * The layer sums of ũ = sU·g, ṽ = sV·h; g and h are normalised in place first. `maxima`, when the
 * caller has them (max |g_i| and max |h_i| as `maxAbs` finds them, collected while it drew the
 * arrays), saves reading the arrays for them; the scaling and the three sums are then one pass.
 */
export function layerSums(g: Float64Array, h: Float64Array, sU: Scale, sV: Scale, maxima?: { g: number; h: number }): LayerSums {
  const eg = exponentOfMax(maxima ? maxima.g : maxAbs(g));
  const eh = exponentOfMax(maxima ? maxima.h : maxAbs(h));
  // The factors normaliseExponent multiplies by (1, exact, for an array already in [½, 1)).
  let fg = eg === 0 ? 1 : factorOf(eg);
  let fh = eh === 0 ? 1 : factorOf(eh);
  if (fg !== fg) {
    for (let i = 0; i < g.length; i++) g[i] = ldexp(g[i], -eg);
    fg = 1;
  }
  if (fh !== fh) {
    for (let i = 0; i < h.length; i++) h[i] = ldexp(h[i], -eh);
    fh = 1;
  }
  let gg = 0;
  let hh = 0;
  let gh = 0;
  for (let i = 0; i < g.length; i++) {
    const a = g[i] * fg;
    const b = h[i] * fh;
    g[i] = a;
    h[i] = b;
    gg += a * a;
    hh += b * b;
    gh += a * b;
  }
  return { gg, hh, gh, wedge: wedgeOf(g, h, gg, hh, gh), sU: { m: sU.m, e: sU.e + eg }, sV: { m: sV.m, e: sV.e + eh } };
}

/** |g∧h|² as |longer|²·|shorter − projection on the longer|² (two passes, no cancellation). */
function wedgeOf(g: ArrayLike<number>, h: ArrayLike<number>, gg: number, hh: number, gh: number): number {
  if (!(gg > 0 && hh > 0)) return 0;
  const alongG = gg >= hh;
  const alpha = alongG ? gh / gg : gh / hh;
  let rest = 0;
  for (let i = 0; i < g.length; i++) {
    const off = alongG ? h[i] - alpha * g[i] : g[i] - alpha * h[i];
    rest += off * off;
  }
  return (alongG ? gg : hh) * rest;
}

/** The unit exponent k of a pair whose layers have log-lengths lnA and lnB: the longer has length in [½√2, √2)·2^k. */
export function unitExponent(lnA: number, lnB: number): number {
  const m = Math.max(lnA, lnB);
  return Number.isFinite(m) ? Math.round(m / Math.LN2) : 0;
}

/**
 * The invariants of the pair in its unit. `direct`, when given, supplies P, Q and c summed neuron by
 * neuron in the unit (most accurate for nearly aligned layers, where ũ_i − ṽ_i is exact); otherwise
 * they follow from the sums, with the nearly cancelling one of |g||h| ∓ g·h written through the wedge.
 */
export function planeFromSums(s: LayerSums, direct?: (fu: number, fv: number) => { P: number; Q: number; c: number }): PlaneInvariants {
  const normG = Math.sqrt(s.gg);
  const normH = Math.sqrt(s.hh);
  const lnA = s.gg > 0 ? lnScale(s.sU) + Math.log(normG) : -Infinity; // ln|ũ₀|
  const lnB = s.hh > 0 ? lnScale(s.sV) + Math.log(normH) : -Infinity; // ln|ṽ₀|
  const k = unitExponent(lnA, lnB);
  // The layers' scales in the unit 2^k: exact powers of two times the scales' mantissas.
  const fu = s.gg > 0 ? ldexp(s.sU.m, s.sU.e - k) : 0;
  const fv = s.hh > 0 ? ldexp(s.sV.m, s.sV.e - k) : 0;
  const A = fu * normG; // |ũ₀| in units of 2^k
  const B = fv * normH;
  const both = s.gg > 0 && s.hh > 0;
  const cos = both ? clampUnit(s.gh / normG / normH) : 0;
  // 1 ∓ cos through the wedge where it cancels: |g||h| ∓ g·h = |g∧h|²/(|g||h| ± g·h).
  const norms = normG * normH;
  const oneMinus = !both ? 1 : cos <= 0 ? 1 - cos : norms + s.gh > 0 ? s.wedge / (norms * (norms + s.gh)) : 0;
  const onePlus = !both ? 1 : cos >= 0 ? 1 + cos : norms - s.gh > 0 ? s.wedge / (norms * (norms - s.gh)) : 0;
  const sin2 = both ? Math.max(0, Math.min(1, s.wedge / s.gg / s.hh)) : 0; // 1 − cos²
  const lnSin2 = both && s.wedge > 0 ? Math.log(s.wedge) - Math.log(s.gg) - Math.log(s.hh) : -Infinity;
  const { P, Q, c } = direct ? direct(fu, fv) : { P: (A - B) * (A - B) + 2 * A * B * onePlus, Q: (A - B) * (A - B) + 2 * A * B * oneMinus, c: (A - B) * (A + B) };
  const lnUU = 2 * (lnA - k * Math.LN2);
  const lnVV = 2 * (lnB - k * Math.LN2);
  const lnG = both ? 2 * Math.LN2 + lnUU + lnVV + lnSin2 : -Infinity;
  // The frame: the longer layer along the first axis, the other at angle arccos ζ₀ from it.
  const sin = Math.sqrt(sin2);
  const alongU = lnA >= lnB;
  const frame: [number, number, number, number] = alongU ? [A, 0, B * cos, B * sin] : [A * cos, A * sin, B, 0];
  // Each layer in its own unit: |ũ₀| = sU.m·|g|·2^{sU.e} (no power of two shared with the other layer).
  const lengthU = s.sU.m * normG;
  const lengthV = s.sV.m * normH;
  const startU: LayerVector = { x: alongU ? [lengthU, 0] : [lengthU * cos, lengthU * sin], e: s.sU.e };
  const startV: LayerVector = { x: alongU ? [lengthV * cos, lengthV * sin] : [lengthV, 0], e: s.sV.e };
  return { k, P, Q, c, uv: fu * fv * s.gh, uu: A * A, vv: B * B, G: Math.exp(lnG), lnUU, lnVV, lnG, zeta: both ? cos : null, frame, startU, startV };
}

/**
 * The plane of explicit layers ũ_i = sums.sU·g_i, ṽ_i = sums.sV·h_i (g, h normalised as by `layerSums`,
 * whose sums these are): the invariants as `planeFromSums`, with P, Q and c summed neuron by neuron in
 * the pair's unit.
 */
export function planeOfLayers(g: Float64Array, h: Float64Array, sums: LayerSums): PlaneInvariants {
  return planeFromSums(sums, (fu, fv) => {
    let P = 0;
    let Q = 0;
    let c = 0;
    for (let i = 0; i < g.length; i++) {
      const a = g[i] * fu;
      const b = h[i] * fv;
      P += (a + b) * (a + b);
      Q += (a - b) * (a - b);
      // c as Σ(ũ_i + ṽ_i)(ũ_i − ṽ_i) keeps its precision when |ũ| ≈ |ṽ|.
      c += (a + b) * (a - b);
    }
    return { P, Q, c };
  });
}

/** The plane invariants of the pair with both learning rates multiplied by `scale` (ũ, ṽ → ũ/√s, ṽ/√s): a change of unit. */
export function planeScaledBy(plane: PlaneInvariants, lnScale: number): PlaneInvariants {
  // Physical |ũ|² = uu·4^k → uu·4^k/s: shift the unit by the nearest whole exponent, the rest into the values.
  const dk = Math.round(-lnScale / (2 * Math.LN2));
  const rest = -lnScale - 2 * dk * Math.LN2; // |rest| ≤ ln 2
  const f = Math.exp(rest);
  const r = Math.sqrt(f);
  const [u1, u2, v1, v2] = plane.frame;
  const scaled = (l: LayerVector): LayerVector => ({ x: [l.x[0] * r, l.x[1] * r], e: l.e + dk });
  return {
    k: plane.k + dk,
    P: plane.P * f,
    Q: plane.Q * f,
    c: plane.c * f,
    uv: plane.uv * f,
    uu: plane.uu * f,
    vv: plane.vv * f,
    G: plane.G * f * f,
    lnUU: plane.lnUU + rest,
    lnVV: plane.lnVV + rest,
    lnG: plane.lnG + 2 * rest,
    zeta: plane.zeta,
    frame: [u1 * r, u2 * r, v1 * r, v2 * r],
    startU: scaled(plane.startU),
    startV: scaled(plane.startV),
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

/** A point with its sizes as logarithms, so that scores and range checks never overflow. */
export interface LogPoint {
  output: number;
  residual: number;
  /** ln of the data loss ½r² + irreducible part. */
  lnLoss: number;
  zeta: number | null;
  lnNormU: number;
  lnNormW: number;
  lnNtk: number;
  /** ln‖θ(t) − θ₀‖. */
  lnDistance: number;
}

/** The doubles of a log point (sizes beyond 64 bits become ∞, below them 0). */
export function fromLogPoint(p: LogPoint, irreducibleLoss = 0): FlowPoint {
  return {
    output: p.output,
    residual: p.residual,
    loss: lossOf(p, irreducibleLoss),
    zeta: p.zeta,
    normU: Math.exp(p.lnNormU),
    normW: Math.exp(p.lnNormW),
    ntk: Math.exp(p.lnNtk),
    distance: Math.exp(p.lnDistance),
  };
}

/** What the plane's evaluator needs besides the plane: the rates, λ, the target and the parts of W that never move. */
export interface FlowInput {
  plane: PlaneInvariants;
  etaU: number;
  etaW: number;
  /** λ = γ ā √(η_u η_W) and its logarithm (λ itself may be beyond 64 bits; ln λ never is). */
  lambda: number;
  lnLambda: number;
  /** The effective target y_eff. */
  y: number;
  irreducibleLoss: number;
  /** ln‖W_⊥‖_F², the part of W off the data direction (−∞ when there is none). */
  lnNormWPerp2: number;
  /**
   * f(θ₀) = γ ā u₀·(W₀n) from the layers without the rates, where it is a normal number: the same
   * bits for every η (λ ũ₀·ṽ₀ rounds differently with each η). Absent: λ ũ₀·ṽ₀ is used.
   */
  output0?: number;
}

/**
 * The rescaled layers at one time, in units of 4^k (lengths in 2^k) — the form in which gradient
 * descent and the weight-decay flow keep them.
 */
export interface LayerState {
  k: number;
  /** |ũ|², |ṽ|², ũ·ṽ. */
  uu: number;
  vv: number;
  uv: number;
  /** |ũ|² + |ṽ|² in the caller's most accurate form. */
  n2: number;
  /** |ũ − ũ₀|², |ṽ − ṽ₀|² in the same unit. */
  du2: number;
  dv2: number;
  output: number;
  residual: number;
  /** W_⊥(t) = s·W_⊥(0): s = 1 without weight decay. */
  perpScale: number;
}

/** ln(x·4^k) for x ≥ 0 (−∞ at 0). */
function lnIn(x: number, k: number): number {
  return Math.log(x) + 2 * k * Math.LN2;
}

/**
 * The rescaled layers at one time as logarithms of their sizes (|ũ|², |ṽ|², |ũ − ũ₀|², |ṽ − ṽ₀|² in
 * units of 1), with ζ: the form for layers each kept in its own unit (planeDescent.ts).
 */
export interface LayerLogState {
  lnUU: number;
  lnVV: number;
  zeta: number | null;
  lnDU2: number;
  lnDV2: number;
  output: number;
  residual: number;
  /** W_⊥(t) = s·W_⊥(0): s = 1 without weight decay. */
  perpScale: number;
  /** ln|u|² and ln|W n|² (= ln η_u|ũ|², ln η_W|ṽ|²) where the caller has them to the last bits (the sum of logarithms loses |ln η|·2⁻⁵³). */
  lnU2?: number;
  lnV2?: number;
}

/** Every drawn quantity from the rescaled layers, with its sizes as logarithms; O(1). */
export function layerLogPoint(input: FlowInput, s: LayerState): LogPoint {
  const cross = Math.sqrt(s.uu) * Math.sqrt(s.vv);
  return {
    ...layerLogPointOfLogs(input, {
      lnUU: lnIn(s.uu, s.k),
      lnVV: lnIn(s.vv, s.k),
      zeta: cross > 0 ? clampUnit(s.uv / cross) : null,
      lnDU2: lnIn(s.du2, s.k),
      lnDV2: lnIn(s.dv2, s.k),
      output: s.output,
      residual: s.residual,
      perpScale: s.perpScale,
    }),
    lnNtk: 2 * input.lnLambda + lnIn(s.n2, s.k),
  };
}

/** Every drawn quantity from the logarithms of the rescaled layers' sizes; O(1). */
export function layerLogPointOfLogs(input: FlowInput, s: LayerLogState): LogPoint {
  const lnEtaU = Math.log(input.etaU);
  const lnEtaW = Math.log(input.etaW);
  const lnPerp = s.perpScale === 1 ? input.lnNormWPerp2 : input.lnNormWPerp2 + 2 * Math.log(Math.abs(s.perpScale));
  const lnPerpMoved = s.perpScale === 1 ? -Infinity : input.lnNormWPerp2 + 2 * Math.log(Math.abs(1 - s.perpScale));
  return {
    output: s.output,
    residual: s.residual,
    lnLoss: lossLog(s.residual, input.irreducibleLoss),
    zeta: s.zeta === null ? null : clampUnit(s.zeta),
    lnNormU: 0.5 * (s.lnU2 ?? lnEtaU + s.lnUU),
    lnNormW: 0.5 * logAddExp(lnPerp, s.lnV2 ?? lnEtaW + s.lnVV),
    lnNtk: 2 * input.lnLambda + logAddExp(s.lnUU, s.lnVV),
    lnDistance: 0.5 * logAddExp(logAddExp(lnEtaU + s.lnDU2, lnEtaW + s.lnDV2), lnPerpMoved),
  };
}

/** Every drawn quantity from the rescaled layers; O(1). `distance` is absolute (‖θ − θ₀‖). */
export function layerPoint(input: FlowInput, s: LayerState): FlowPoint {
  return fromLogPoint(layerLogPoint(input, s), input.irreducibleLoss);
}

/** The data loss ½r² + irreducible of a point: directly where that is finite (exact rounding), else from its logarithm. */
export function lossOf(p: LogPoint, irreducibleLoss: number): number {
  const direct = 0.5 * p.residual * p.residual + irreducibleLoss;
  return Number.isFinite(direct) ? direct : Math.exp(p.lnLoss);
}

/** ln(½r² + irreducible), without overflow for large r. */
export function lossLog(r: number, irreducibleLoss: number): number {
  return logAddExp(2 * Math.log(Math.abs(r)) - Math.LN2, Math.log(irreducibleLoss));
}

/** x clamped to [−1, 1] (ζ, whatever the rounding). */
export function clampUnit(x: number): number {
  return Math.max(-1, Math.min(1, x));
}

/** The physical frame coordinates of the initial pair (units of 1), for the recursions that work in them. */
export function physicalFrame(plane: PlaneInvariants): [number, number, number, number] {
  const [a, b, c, d] = plane.frame;
  return [ldexp(a, plane.k), ldexp(b, plane.k), ldexp(c, plane.k), ldexp(d, plane.k)];
}
