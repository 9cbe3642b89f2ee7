/**
 * The same reference as network.ts + extrapolation.ts — Gragg–Bulirsch–Stoer extrapolation of the
 * full-parameter gradient flow of the linear network — carried out in double-double arithmetic
 * (~32 significant digits; Dekker / Knuth error-free transformations).
 *
 * Why: near-aligned (ũ ≈ ṽ) and near-anti-aligned (ũ ≈ −ṽ) initialisations are ill-conditioned in
 * the original variables. The layers are the sum of a decaying and a growing part whose initial
 * ratio is ε (say 1e-10); in 64-bit arithmetic every step adds rounding of 1e-16 of the large part
 * to the small one, i.e. a relative error of 1e-16/ε to what decides the later dynamics. With
 * double-double the rounding is 1e-32, so the reference stays good to ≪ 1e-8 down to ε ≈ 1e-14.
 * The inputs (doubles) are taken as exact, as the solver takes them.
 */
import type { Experiment } from '../../src/core/experiment/experiment';
import { IntegratorStats } from './extrapolation';
import { initialState, measure, networkOf, ReferenceSeries } from './network';

// Result registers of the double-double operations (avoids allocating a pair per operation).
let RH = 0;
let RL = 0;

const SPLITTER = 134217729; // 2^27 + 1

function quickTwoSum(a: number, b: number): void {
  const s = a + b;
  RL = b - (s - a);
  RH = s;
}

/** (RH, RL) = (ah, al) + (bh, bl), accurate to ~2^-104 relative even under cancellation. */
function ddAdd(ah: number, al: number, bh: number, bl: number): void {
  let s = ah + bh;
  let bb = s - ah;
  let s2 = ah - (s - bb) + (bh - bb);
  const t = al + bl;
  bb = t - al;
  const t2 = al - (t - bb) + (bl - bb);
  s2 += t;
  let h = s + s2;
  s2 = s2 - (h - s);
  s = h;
  s2 += t2;
  h = s + s2;
  RL = s2 - (h - s);
  RH = h;
}

/** Exact product a·b = p + e (Dekker, no FMA). */
function twoProd(a: number, b: number): void {
  const p = a * b;
  let c = SPLITTER * a;
  const ah = c - (c - a);
  const al = a - ah;
  c = SPLITTER * b;
  const bh = c - (c - b);
  const bl = b - bh;
  RL = ah * bh - p + ah * bl + al * bh + al * bl;
  RH = p;
}

/** (RH, RL) = (ah, al) · (bh, bl). */
function ddMul(ah: number, al: number, bh: number, bl: number): void {
  twoProd(ah, bh);
  const p = RH;
  const e = RL + (ah * bl + al * bh);
  quickTwoSum(p, e);
}

/** (RH, RL) = (ah, al) / b for a double b. */
function ddDivDouble(ah: number, al: number, b: number): void {
  const q1 = ah / b;
  twoProd(q1, b);
  const r = ah - RH - RL + al;
  quickTwoSum(q1, r / b);
}

/** Options of the double-double integrator (same meaning as IntegratorOptions). */
export interface DDOptions {
  rtol: number;
  columns: number;
  maxSteps: number;
}

const DEFAULT_DD: DDOptions = { rtol: 1e-20, columns: 10, maxSteps: 20_000 };

/**
 * uᵀW x of θ = (hi, lo) (u = θ[0, d), W row-major after it, d × D) in double-double, into (RH, RL); the
 * hidden layer W x into (hH, hL) when given.
 */
function outputDD(th: Float64Array, tl: Float64Array, x: Float64Array, d: number, D: number, hH?: Float64Array, hL?: Float64Array): void {
  let fh = 0;
  let fl = 0;
  for (let i = 0; i < d; i++) {
    let ah = 0;
    let al = 0;
    for (let j = 0; j < D; j++) {
      const k = d + i * D + j;
      ddMul(th[k], tl[k], x[j], 0);
      ddAdd(ah, al, RH, RL);
      ah = RH;
      al = RL;
    }
    if (hH && hL) {
      hH[i] = ah;
      hL[i] = al;
    }
    ddMul(th[i], tl[i], ah, al);
    ddAdd(fh, fl, RH, RL);
    fh = RH;
    fl = RL;
  }
  RH = fh;
  RL = fl;
}

/**
 * The linear network's gradient flow in double-double: writes dθ/dt for θ = (hi, lo) into (dh, dl).
 * Loss L = ½ mean_s (γ uᵀW x_s − y_s)²; du/dt = −η_u (∂L/∂u + ρu), dW/dt = −η_W (∂L/∂W + ρW) with
 * ρ the experiment's weight decay.
 */
function flowDD(e: Experiment): (hi: Float64Array, lo: Float64Array, dh: Float64Array, dl: Float64Array) => void {
  const net = networkOf(e);
  const { d, D, gamma, etaU, etaW, xs, ys } = net;
  const rho = e.weightDecay ?? 0;
  const S = xs.length;
  const hH = new Float64Array(d);
  const hL = new Float64Array(d);
  return (th, tl, dh, dl) => {
    dh.fill(0);
    dl.fill(0);
    if (rho > 0) {
      for (let k = 0; k < th.length; k++) {
        ddMul(th[k], tl[k], -(k < d ? etaU : etaW) * rho, 0);
        dh[k] = RH;
        dl[k] = RL;
      }
    }
    for (let s = 0; s < S; s++) {
      const x = xs[s];
      outputDD(th, tl, x, d, D, hH, hL);
      // r = (γ f − y_s) / S
      ddMul(RH, RL, gamma, 0);
      ddAdd(RH, RL, -ys[s], 0);
      ddDivDouble(RH, RL, S);
      const rh = RH;
      const rl = RL;
      ddMul(rh, rl, -etaU * 1, 0);
      ddMul(RH, RL, gamma, 0);
      const cuH = RH;
      const cuL = RL;
      ddMul(rh, rl, -etaW, 0);
      ddMul(RH, RL, gamma, 0);
      const cwH = RH;
      const cwL = RL;
      for (let i = 0; i < d; i++) {
        ddMul(cuH, cuL, hH[i], hL[i]);
        ddAdd(dh[i], dl[i], RH, RL);
        dh[i] = RH;
        dl[i] = RL;
        ddMul(cwH, cwL, th[i], tl[i]);
        const gh = RH;
        const gl = RL;
        for (let j = 0; j < D; j++) {
          const k = d + i * D + j;
          ddMul(gh, gl, x[j], 0);
          ddAdd(dh[k], dl[k], RH, RL);
          dh[k] = RH;
          dl[k] = RL;
        }
      }
    }
  };
}

/** The data loss ½ mean_s (γ uᵀW x_s − y_s)² of θ = (hi, lo), each residual formed in double-double. */
function lossDD(e: Experiment, th: Float64Array, tl: Float64Array): number {
  const { d, D, gamma, xs, ys } = networkOf(e);
  let sh = 0;
  let sl = 0;
  for (let s = 0; s < xs.length; s++) {
    outputDD(th, tl, xs[s], d, D);
    ddMul(RH, RL, gamma, 0);
    ddAdd(RH, RL, -ys[s], 0);
    ddMul(RH, RL, RH, RL);
    ddAdd(sh, sl, RH, RL);
    sh = RH;
    sl = RL;
  }
  return (0.5 * (sh + sl)) / xs.length;
}

/**
 * High-accuracy gradient flow of the full linear network in double-double, measured at `times`.
 * The measured quantities are computed from θ rounded to double, except the distance from θ₀, which
 * is computed from the double-double displacement (it can be far smaller than θ₀), and the loss, whose
 * residuals are formed in double-double (y − f can be far smaller than y). With the experiment's
 * weight decay.
 */
export function referenceFlowDD(e: Experiment, times: readonly number[], options: Partial<DDOptions> = {}, stats?: IntegratorStats): ReferenceSeries {
  if (e.model.activation !== 'linear') throw new Error('referenceFlowDD: linear activation only');
  const opt = { ...DEFAULT_DD, ...options };
  const net = networkOf(e);
  const rhs = flowDD(e);
  const theta0 = initialState(e);
  const n = theta0.length;
  const K = opt.columns;
  const seq = Array.from({ length: K }, (_, j) => 2 * (j + 1));
  const yH = Float64Array.from(theta0);
  const yL = new Float64Array(n);
  const f0H = new Float64Array(n);
  const f0L = new Float64Array(n);
  const fH = new Float64Array(n);
  const fL = new Float64Array(n);
  const pH = new Float64Array(n);
  const pL = new Float64Array(n);
  const cH = new Float64Array(n);
  const cL = new Float64Array(n);
  const mk = () => Array.from({ length: K }, () => ({ h: new Float64Array(n), l: new Float64Array(n) }));
  let row = mk();
  let prev = mk();
  const st = stats ?? { steps: 0, rejected: 0, evaluations: 0 };
  const series: ReferenceSeries = { t: [...times], output: [], loss: [], zeta: [], normU: [], normW: [], ntk: [], distance: [] };
  let t = 0;
  let h = 0;
  for (const target of times) {
    while (t < target) {
      if (h === 0) h = target - t; // the controller shrinks it at once if needed
      const clipped = h >= target - t;
      const H = clipped ? target - t : h;
      rhs(yH, yL, f0H, f0L);
      st.evaluations++;
      for (let j = 0; j < K; j++) {
        const m = seq[j];
        // hs = H / m and 2·hs in double-double.
        ddDivDouble(H, 0, m);
        const hsH = RH;
        const hsL = RL;
        pH.set(yH);
        pL.set(yL);
        for (let i = 0; i < n; i++) {
          ddMul(hsH, hsL, f0H[i], f0L[i]);
          ddAdd(yH[i], yL[i], RH, RL);
          cH[i] = RH;
          cL[i] = RL;
        }
        for (let s = 1; s < m; s++) {
          rhs(cH, cL, fH, fL);
          st.evaluations++;
          for (let i = 0; i < n; i++) {
            ddMul(2 * hsH, 2 * hsL, fH[i], fL[i]);
            ddAdd(pH[i], pL[i], RH, RL);
            pH[i] = cH[i];
            pL[i] = cL[i];
            cH[i] = RH;
            cL[i] = RL;
          }
        }
        row[0].h.set(cH);
        row[0].l.set(cL);
        // T_{j,k} = T_{j,k−1} + (T_{j,k−1} − T_{j−1,k−1}) · m_{j−k}² / (m_j² − m_{j−k}²).
        for (let k = 1; k <= j; k++) {
          const mj = seq[j];
          const mk2 = seq[j - k];
          const num = mk2 * mk2;
          const den = mj * mj - mk2 * mk2;
          const a = row[k - 1];
          const b = prev[k - 1];
          const c = row[k];
          for (let i = 0; i < n; i++) {
            ddAdd(a.h[i], a.l[i], -b.h[i], -b.l[i]);
            ddMul(RH, RL, num, 0);
            ddDivDouble(RH, RL, den);
            ddAdd(a.h[i], a.l[i], RH, RL);
            c.h[i] = RH;
            c.l[i] = RL;
          }
        }
        const swap = prev;
        prev = row;
        row = swap;
      }
      const best = prev[K - 1];
      const lower = prev[K - 2];
      let err = 0;
      for (let i = 0; i < n; i++) {
        if (!Number.isFinite(best.h[i])) { err = Infinity; break; }
        ddAdd(best.h[i], best.l[i], -lower.h[i], -lower.l[i]);
        const e = Math.abs(RH);
        if (e === 0) continue;
        const scale = opt.rtol * Math.max(Math.abs(yH[i]), Math.abs(best.h[i]));
        err = Math.max(err, scale > 0 ? e / scale : Infinity);
      }
      const factor = err === 0 ? 4 : Math.min(4, Math.max(0.1, 0.9 * Math.pow(err, -1 / (2 * K - 1))));
      if (err <= 1) {
        t = clipped ? target : t + H;
        yH.set(best.h);
        yL.set(best.l);
        st.steps++;
        h = clipped ? Math.max(h, H * factor) : H * factor;
      } else {
        st.rejected++;
        h = H * factor;
      }
      if (st.steps + st.rejected > opt.maxSteps) throw new Error(`referenceFlowDD: more than ${opt.maxSteps} steps (t = ${t}, h = ${h})`);
      if (t < target && !(t + h > t)) throw new Error(`referenceFlowDD: step size underflow at t = ${t}`);
    }
    const m = measure(net, yH, theta0);
    // Distance from the double-double displacement θ − θ₀ (θ₀ is exact in double).
    let moved = 0;
    let start = 0;
    for (let i = 0; i < n; i++) {
      ddAdd(yH[i], yL[i], -theta0[i], 0);
      moved += RH * RH;
      start += theta0[i] * theta0[i];
    }
    series.output.push(m.output);
    series.loss.push(lossDD(e, yH, yL));
    series.zeta.push(m.zeta);
    series.normU.push(m.normU);
    series.normW.push(m.normW);
    series.ntk.push(m.ntk);
    series.distance.push(start === 0 ? Math.sqrt(moved) : Math.sqrt(moved / start));
  }
  return series;
}
