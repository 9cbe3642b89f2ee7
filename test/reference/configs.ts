/**
 * Seeded random experiment files for the agreement tests: widths, dimensions, rates, scales and
 * targets over many decades, and the special initialisations the exact solution must get right.
 * Each is the JSON object of a `*.flab.json` file, so it goes through `parseExperiment` like a user's.
 */
import { Rng } from '../../src/core/math/rng';

export interface RawExperiment {
  model: { width: number; outputScale: number; activation?: string };
  data: { x: number[]; y: number } | { samples: { x: number[]; y: number }[] };
  init: { scaleU: number; scaleW: number; seed: number } | { u: number[]; W: number[][] };
  learningRates: { u: number; W: number };
  time?: { end?: number; points?: number; spacing?: 'linear' | 'log' } | { at: number[] };
}

export interface LabelledConfig {
  label: string;
  raw: RawExperiment;
}

export const CATEGORIES = [
  'random',
  'random, wide',
  'random, data set',
  'nearly aligned (ũ ≈ ṽ, Q → 0)',
  'nearly anti-aligned (ũ ≈ −ṽ, P → 0)',
  'parallel layers (u = c·Wn, |ζ| = 1)',
  'exactly Q = 0 or P = 0 (D = 1, equal rates, u = ±W)',
  'zero target',
  'v = Wn = 0, u ≠ 0',
  'u = 0, v ≠ 0',
  'zero initialisation',
  'data set with a zero first input and negative inputs',
  'one layer 1e6–1e12 times smaller than the other',
] as const;

/** Draws from a log-uniform distribution on [lo, hi]. */
export function logUniform(rng: Rng, lo: number, hi: number): number {
  return lo * Math.pow(hi / lo, rng.uniform());
}

function integer(rng: Rng, lo: number, hi: number): number {
  return Math.min(hi, lo + Math.floor(rng.uniform() * (hi - lo + 1)));
}

function signed(rng: Rng, lo: number, hi: number): number {
  return (rng.uniform() < 0.5 ? -1 : 1) * logUniform(rng, lo, hi);
}

function unitVector(rng: Rng, D: number): number[] {
  for (;;) {
    const v = Array.from({ length: D }, () => rng.normal());
    const n = Math.hypot(...v);
    if (n > 1e-3) return v.map((x) => x / n);
  }
}

/** A row orthogonal to the unit vector n (zero when D = 1). */
function orthogonalRow(rng: Rng, n: number[], scale: number): number[] {
  const g = n.map(() => scale * rng.normal());
  const a = g.reduce((s, x, j) => s + x * n[j], 0);
  const row = g.map((x, j) => x - a * n[j]);
  // A second projection removes what rounding left along n.
  const b = row.reduce((s, x, j) => s + x * n[j], 0);
  return n.length === 1 ? [0] : row.map((x, j) => x - b * n[j]);
}

/** Widths for random configurations, log-uniform in [1, max]. */
function width(rng: Rng, max: number): number {
  return Math.max(1, Math.round(logUniform(rng, 1, max)));
}

export interface ConfigOptions {
  /** Largest width of the ordinary categories. */
  maxWidth?: number;
  /** Largest width of 'random, wide'. */
  wideWidth?: number;
  /** Largest width (and D ≤ 4) of the (anti-)aligned categories, whose reference runs in double-double. */
  alignedWidth?: number;
  /** Range of the relative misalignment ε of the nearly (anti-)aligned initialisations. */
  misalignment?: [number, number];
  /** Reported points (default: 12–30). */
  points?: number;
  /** Only these categories (default: all, in turn). */
  only?: readonly Category[];
}

export type Category = (typeof CATEGORIES)[number];

/** Whether the reference of a category must run in double-double (test/reference/doubleDouble.ts). */
export function needsDoubleDouble(label: string): boolean {
  return /aligned|parallel|Q = 0/.test(label);
}

/**
 * `count` configurations cycling through CATEGORIES, drawn from Rng(seed). `maxWidth` bounds the
 * widths of the ordinary ones (the reference integrates all d(D+1) parameters); the 'random, wide'
 * category draws up to `wideWidth`.
 */
export function randomConfigs(count: number, seed: number, options: ConfigOptions = {}): LabelledConfig[] {
  const maxWidth = options.maxWidth ?? 300;
  const wideWidth = options.wideWidth ?? 10_000;
  const alignedWidth = options.alignedWidth ?? 12;
  const [epsLo, epsHi] = options.misalignment ?? [1e-7, 1e-2];
  const rng = new Rng(seed);
  const out: LabelledConfig[] = [];
  for (let index = 0; index < count; index++) {
    const kinds = options.only ?? CATEGORIES;
    const category = kinds[index % kinds.length];
    const aligned = needsDoubleDouble(category);
    const D = integer(rng, 1, aligned ? 4 : 8);
    const n = unitVector(rng, D);
    const xNorm = logUniform(rng, 1e-2, 1e2);
    const x = n.map((v) => v * xNorm);
    let y = signed(rng, 1e-3, 1e3);
    const gamma = logUniform(rng, 1e-3, 1e3);
    const etaU = logUniform(rng, 1e-4, 1e2);
    let etaW = logUniform(rng, 1e-4, 1e2);
    const sigmaU = logUniform(rng, 1e-4, 1e1);
    const sigmaW = logUniform(rng, 1e-4, 1e1);
    const points = options.points ?? integer(rng, 12, 30);
    const time = { points, spacing: rng.uniform() < 0.7 ? ('linear' as const) : ('log' as const) };
    const s = integer(rng, 0, 2 ** 31);
    let d = width(rng, aligned ? alignedWidth : maxWidth);
    let data: RawExperiment['data'] = { x, y };
    let init: RawExperiment['init'] = { scaleU: sigmaU, scaleW: sigmaW, seed: s };

    const explicitLayers = (u: (v: number, i: number) => number, vScale: number): void => {
      const W: number[][] = [];
      const us: number[] = [];
      for (let i = 0; i < d; i++) {
        const v = vScale * rng.normal();
        const perp = orthogonalRow(rng, n, sigmaW * rng.uniform());
        W.push(perp.map((w, j) => w + v * n[j]));
        us.push(u(v, i));
      }
      init = { u: us, W };
    };

    switch (category) {
      case 'random':
        break;
      case 'random, wide':
        d = width(rng, wideWidth);
        data = { x: x.slice(0, 2), y };
        break;
      case 'random, data set':
      case 'data set with a zero first input and negative inputs': {
        const count = integer(rng, 2, 6);
        const samples = Array.from({ length: count }, (_, k) => {
          const a = category === 'random, data set' ? logUniform(rng, 0.1, 10) : k === 0 ? 0 : signed(rng, 0.1, 10);
          return { x: x.map((v) => v * a), y: signed(rng, 1e-3, 1e3) * (rng.uniform() < 0.2 ? 0 : 1) };
        });
        data = { samples };
        break;
      }
      case 'nearly aligned (ũ ≈ ṽ, Q → 0)':
      case 'nearly anti-aligned (ũ ≈ −ṽ, P → 0)': {
        const sign = category.startsWith('nearly aligned') ? 1 : -1;
        const eps = logUniform(rng, epsLo, epsHi);
        const ratio = Math.sqrt(etaU / etaW);
        explicitLayers((v) => sign * ratio * v * (1 + eps * rng.normal()), sigmaW);
        break;
      }
      case 'parallel layers (u = c·Wn, |ζ| = 1)': {
        const c = signed(rng, 1e-2, 1e2) * Math.sqrt(etaU / etaW);
        explicitLayers((v) => c * v, sigmaW);
        break;
      }
      case 'exactly Q = 0 or P = 0 (D = 1, equal rates, u = ±W)': {
        const sign = rng.uniform() < 0.5 ? 1 : -1;
        etaW = etaU;
        const W = Array.from({ length: d }, () => [sigmaW * rng.normal()]);
        init = { u: W.map((r) => sign * r[0]), W };
        data = { x: [xNorm], y };
        break;
      }
      case 'zero target':
        y = 0;
        data = { x, y };
        break;
      case 'v = Wn = 0, u ≠ 0': {
        // x along a coordinate axis and W zero in that column, so that W n is exactly 0.
        const axis = integer(rng, 0, D - 1);
        const sign = rng.uniform() < 0.5 ? -1 : 1;
        data = { x: n.map((_, j) => (j === axis ? sign * xNorm : 0)), y };
        const W = Array.from({ length: d }, () => n.map((_, j) => (j === axis ? 0 : sigmaW * rng.normal())));
        init = { u: Array.from({ length: d }, () => sigmaU * rng.normal()), W };
        break;
      }
      case 'u = 0, v ≠ 0':
        init = { scaleU: 0, scaleW: sigmaW, seed: s };
        break;
      case 'one layer 1e6–1e12 times smaller than the other': {
        const ratio = logUniform(rng, 1e-12, 1e-6);
        init = rng.uniform() < 0.5 ? { scaleU: sigmaW * ratio, scaleW: sigmaW, seed: s } : { scaleU: sigmaU, scaleW: sigmaU * ratio, seed: s };
        break;
      }
      case 'zero initialisation':
        init = { scaleU: 0, scaleW: 0, seed: s };
        break;
    }
    out.push({
      label: `#${index} ${category}`,
      raw: { model: { width: d, outputScale: gamma }, data, init, learningRates: { u: etaU, W: etaW }, time },
    });
  }
  return out;
}
