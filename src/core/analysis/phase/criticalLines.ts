/**
 * The critical rates of the linearised dynamics over a gradient-descent phase diagram
 * (docs/phase-diagram.md, "Critical lines"): where the initial tangent kernel per step, K₀ =
 * γ²ā²(η_W|u₀|² + η_u|W₀n|²) — η·K₀ in the notation of Lewkowycz et al. (2020), the rates inside
 * K — is 2 (the edge of stability: the residual is multiplied by 1 − K₀ per step) and 4 (the
 * catapult's upper edge: beyond it the kernel grows with the residual and descent diverges).
 *
 * Each line is the contour K₀ = c of the cells' K₀, by marching squares over the cell centres. Along
 * a fast axis K₀ = a + b·v^p exactly (p = 2 for γ, σ_u, σ_W; 1 for η_u, η_W), so a crossing between two
 * cells is solved from their two values in closed form: the line's points satisfy K₀ = c to rounding.
 * Along another axis (the width, the seed, an input) the crossing is interpolated in ln K₀.
 */

/** One critical line: its kernel value, its name and meaning for the legend, and its segments in the axes' values. */
export interface CriticalLine {
  /** K₀ on the line (per step, the rates included). */
  ntk: number;
  /** `ηK₀ = 2`. */
  name: string;
  /** What crossing it means, in a few words. */
  meaning: string;
  /** Segments as [x1, y1, x2, y2, …] in the axes' own values (not indices). */
  segments: number[];
}

/** The two critical kernels of the linearised dynamics, with their names and meanings. */
export const CRITICAL_KERNELS: readonly { ntk: number; name: string; meaning: string }[] = [
  { ntk: 2, name: 'ηK₀ = 2', meaning: 'edge of stability: beyond it the loss rises from the first step' },
  { ntk: 4, name: 'ηK₀ = 4', meaning: 'the catapult\'s upper edge: beyond it descent diverges' },
];

/** One axis as the lines need it: its cell values, log or linear, and the power p of K₀ = a + b·v^p along it (null: not of that form). */
export interface LineAxis {
  values: ArrayLike<number>;
  log: boolean;
  power: number | null;
}

/** The power p of K₀ = a + b·v^p along a key that changes per cell at no cost (γ, σ: 2; η: 1; a single y: 0); null for any other key. */
export function ntkPower(path: string): number | null {
  switch (path) {
    case 'model.outputScale':
    case 'init.scaleU':
    case 'init.scaleW':
      return 2;
    case 'learningRates.u':
    case 'learningRates.W':
      return 1;
    case 'data.y':
      return 0;
    default:
      return null;
  }
}

/**
 * The value v between v1 and v2 at which K₀ = c, from K₀ = K1 at v1 and K2 at v2 (on opposite sides
 * of c): in closed form when K₀ = a + b·v^p along the axis, else by linear interpolation of ln K₀ in the
 * axis's own coordinate (ln v on a log axis).
 */
export function crossingValue(axis: Pick<LineAxis, 'log' | 'power'>, v1: number, v2: number, K1: number, K2: number, c: number): number {
  const lo = Math.min(v1, v2);
  const hi = Math.max(v1, v2);
  const p = axis.power;
  if (p !== null && p > 0) {
    const w1 = p === 1 ? v1 : v1 * v1;
    const w2 = p === 1 ? v2 : v2 * v2;
    if (w1 !== w2) {
      const b = (K1 - K2) / (w1 - w2);
      const w = w1 + (c - K1) / b;
      // p = 2: the root on the side of the end farther from 0 (K₀ is even in v).
      const v = p === 1 ? w : w >= 0 ? Math.sqrt(w) * (Math.abs(v1) >= Math.abs(v2) ? Math.sign(v1) || 1 : Math.sign(v2) || 1) : NaN;
      if (v >= lo && v <= hi) return v;
    }
  }
  const coord = (v: number): number => (axis.log ? Math.log(v) : v);
  const f = (k: number): number => (K1 > 0 && K2 > 0 ? Math.log(k) : k);
  const t = (f(c) - f(K1)) / (f(K2) - f(K1));
  const x = coord(v1) + t * (coord(v2) - coord(v1));
  const v = axis.log ? Math.exp(x) : x;
  return Math.min(hi, Math.max(lo, v));
}

/**
 * The contour K₀ = c of the cells' initial kernels (`ntk0`, row-major by y, NaN where unknown) by
 * marching squares over the cell centres; segments in the axes' values. A saddle square is split by
 * its centre's mean ln K₀.
 */
export function contour(x: LineAxis, y: LineAxis, ntk0: ArrayLike<number>, c: number): number[] {
  const nx = x.values.length;
  const ny = y.values.length;
  const out: number[] = [];
  const K = (i: number, j: number): number => ntk0[i * nx + j];
  for (let i = 0; i + 1 < ny; i++) {
    for (let j = 0; j + 1 < nx; j++) {
      const k00 = K(i, j);
      const k01 = K(i, j + 1);
      const k10 = K(i + 1, j);
      const k11 = K(i + 1, j + 1);
      if (!(k00 >= 0 && k01 >= 0 && k10 >= 0 && k11 >= 0) || !Number.isFinite(k00 + k01 + k10 + k11)) continue;
      const a00 = k00 > c;
      const a01 = k01 > c;
      const a10 = k10 > c;
      const a11 = k11 > c;
      if (a00 === a01 && a01 === a10 && a10 === a11) continue;
      const x0 = x.values[j];
      const x1 = x.values[j + 1];
      const y0 = y.values[i];
      const y1 = y.values[i + 1];
      // The crossing on each edge whose ends are on opposite sides of c.
      const bottom = a00 !== a01 ? [crossingValue(x, x0, x1, k00, k01, c), y0] : null;
      const top = a10 !== a11 ? [crossingValue(x, x0, x1, k10, k11, c), y1] : null;
      const left = a00 !== a10 ? [x0, crossingValue(y, y0, y1, k00, k10, c)] : null;
      const right = a01 !== a11 ? [x1, crossingValue(y, y0, y1, k01, k11, c)] : null;
      const edges = [bottom, right, top, left].filter((p): p is number[] => p !== null);
      if (edges.length === 2) {
        out.push(edges[0][0], edges[0][1], edges[1][0], edges[1][1]);
        continue;
      }
      // A saddle: the two corners on the side the centre is not on are cut off separately.
      const centreAbove = (Math.log(k00) + Math.log(k01) + Math.log(k10) + Math.log(k11)) / 4 > Math.log(c);
      if (a00 !== centreAbove) out.push(...bottom!, ...left!, ...top!, ...right!);
      else out.push(...bottom!, ...right!, ...top!, ...left!);
    }
  }
  return out;
}

/** Both critical lines over a diagram's axes and its cells' initial kernels. */
export function criticalLines(x: LineAxis, y: LineAxis, ntk0: ArrayLike<number>): CriticalLine[] {
  return CRITICAL_KERNELS.map((k) => ({ ...k, segments: contour(x, y, ntk0, k.ntk) }));
}
