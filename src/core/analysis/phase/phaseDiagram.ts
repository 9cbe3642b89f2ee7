/**
 * Phase diagrams (docs/phase-diagram.md): the mechanism label and scores over a grid of two
 * hyperparameters, each cell the exact flow's t → ∞ scores in O(1).
 *
 * The random draws are made once: with u = σ_u g and v = W n = σ_W h for standard normal g, h,
 * every plane invariant of ũ = u/√η_u, ṽ = v/√η_W is a quadratic form in the sums |g|², |h|², g·h
 * and |g∧h|², so γ, σ_u, σ_W, η_u, η_W and the target change per cell at no cost. Any other key
 * (the width, the seed, an input) redraws once per value of that axis.
 */
import { classifyCode, LABEL_NAMES, MechanismScores, SCORE_NAMES, ScoreName } from '../../mechanisms/classify';
import { limitTangentChange, scoresFromEnds } from '../../linearFlow/exactScores';
import { parseExperiment } from '../../experiment/parse';
import { ExperimentError } from '../../experiment/errors';
import { ExactFlow } from '../../linearFlow/exactFlow';
import { Experiment } from '../../experiment/experiment';
import { checkValue, getNumber, NumericKey, resolveKey, withNumber } from '../../experiment/hyperparameters';
import { effectiveSample, forEachInitialNeuron } from '../../linearFlow/reduce';
import { PlaneInvariants } from '../../linearFlow/plane';
import { thresholdsOf } from '../../mechanisms/classify';
import { rangeValues } from '../../experiment/sweepSpec';

/** One axis: a key (JSON path or unique name) and its range. */
export interface PhaseAxis {
  key: string;
  from: number;
  to: number;
  /** Default 'log'. */
  scale?: 'log' | 'linear';
}

/** The result, as typed arrays: cell (i, j) = row i (y), column j (x) at index i·nx + j. */
export interface PhaseDiagram {
  /** Each axis: the key as given, its JSON path, its values, and the experiment's own value (null when absent). */
  x: { key: string; path: string; values: Float64Array; current: number | null };
  y: { key: string; path: string; values: Float64Array; current: number | null };
  /** Label codes (classify.ts): 0 kernel, bit 0 alignment, bit 1 disalignment, bit 2 rescaling. */
  labels: Uint8Array;
  /** The text of each code. */
  labelNames: readonly string[];
  /** Each score per cell; NaN where the score is undefined. */
  scores: Record<ScoreName, Float64Array>;
  thresholds: ReturnType<typeof thresholdsOf>;
}

export interface PhaseOptions {
  /** Abandons the computation (the promise rejects with an AbortError) between chunks of rows. */
  signal?: AbortSignal;
  /** Rows per chunk between yields to the event loop (default: about 20 ms of work). */
  rowsPerChunk?: number;
  onProgress?: (rowsDone: number, rows: number) => void;
}

/** Largest number of cells of one diagram (16 bytes of scores and a label byte each, ×8 scores). */
export const MAX_PHASE_CELLS = 4_000_000;

/** The keys whose change costs nothing per cell. */
const FAST_PATHS = new Set(['model.outputScale', 'init.scaleU', 'init.scaleW', 'learningRates.u', 'learningRates.W', 'data.y']);

/** Sums of the standard draws and everything else a cell needs that the fast keys do not change. */
interface Base {
  gg: number;
  hh: number;
  gh: number;
  /** |g|²|h|² − (g·h)², from a two-pass projection. */
  wedge: number;
  /** Σ over W of the draws off the data direction, squared; and of all of W. */
  perp: number;
  ww: number;
  abar: number;
  y: number;
  irreducible: number;
  /** The experiment's resolved values and the factor d^exponent of each fast key. */
  values: Record<string, number>;
  factor: Record<string, number>;
  explicit: boolean;
  singleSample: boolean;
}

/** The phase diagram, computed in chunks; rejects with an AbortError when `signal` fires. */
export async function phaseDiagram(e: Experiment, x: PhaseAxis, y: PhaseAxis, size: number | [number, number], options: PhaseOptions = {}): Promise<PhaseDiagram> {
  const job = new PhaseComputation(e, x, y, size);
  const rows = job.rows;
  let chunk = options.rowsPerChunk ?? 0;
  while (!job.done) {
    if (options.signal?.aborted) throw abortError();
    const start = performance.now();
    job.step(chunk > 0 ? chunk : 1);
    // Size the chunks to ~20 ms, so an abort is seen soon and the event loop keeps moving.
    if (chunk === 0) chunk = Math.max(1, Math.floor(20 / Math.max(performance.now() - start, 0.01)));
    options.onProgress?.(job.rowsDone, rows);
    if (!job.done) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  if (options.signal?.aborted) throw abortError();
  return job.result();
}

/** The phase diagram in one synchronous call (the CLI, the benchmark). */
export function phaseDiagramSync(e: Experiment, x: PhaseAxis, y: PhaseAxis, size: number | [number, number]): PhaseDiagram {
  const job = new PhaseComputation(e, x, y, size);
  job.step(job.rows);
  return job.result();
}

function abortError(): Error {
  const err = new Error('the phase diagram was cancelled');
  err.name = 'AbortError';
  return err;
}

/** A phase diagram computed row by row (`step`), so a worker can interleave it with messages. */
export class PhaseComputation {
  readonly rows: number;
  readonly cols: number;
  rowsDone = 0;
  private readonly xKey: NumericKey;
  private readonly yKey: NumericKey;
  private readonly xs: Float64Array;
  private readonly ys: Float64Array;
  private readonly labels: Uint8Array;
  private readonly scores: Record<ScoreName, Float64Array>;
  private readonly thresholds: ReturnType<typeof thresholdsOf>;
  /** One base for the whole grid, or per column / per row / per cell when an axis needs redrawing. */
  private baseAll: Base | null = null;
  private readonly baseByColumn: Base[] | null = null;

  get done(): boolean {
    return this.rowsDone >= this.rows;
  }

  constructor(
    private readonly experiment: Experiment,
    private readonly xAxis: PhaseAxis,
    private readonly yAxis: PhaseAxis,
    size: number | [number, number],
  ) {
    if (experiment.model.activation !== 'linear') {
      throw new ExperimentError(`the phase diagram uses the exact solver, which needs model.activation "linear", got "${experiment.model.activation}"`, 'model.activation');
    }
    const [nx, ny] = Array.isArray(size) ? size : [size, size];
    if (!(Number.isInteger(nx) && Number.isInteger(ny) && nx >= 1 && ny >= 1) || nx * ny > MAX_PHASE_CELLS) {
      throw new RangeError(`the grid must be whole numbers ≥ 1 of cells, at most ${MAX_PHASE_CELLS} in all; got ${nx} × ${ny}`);
    }
    this.cols = nx;
    this.rows = ny;
    this.xKey = axisKey(xAxis, 'x');
    this.yKey = axisKey(yAxis, 'y');
    if (this.xKey.path === this.yKey.path) throw new RangeError(`both axes name ${this.xKey.path}: choose two different hyperparameters`);
    this.xs = axisValues(xAxis, this.xKey, nx);
    this.ys = axisValues(yAxis, this.yKey, ny);
    this.labels = new Uint8Array(nx * ny);
    this.scores = {} as Record<ScoreName, Float64Array>;
    for (const name of SCORE_NAMES) this.scores[name] = new Float64Array(nx * ny);
    this.thresholds = thresholdsOf(experiment);
    const xFast = this.isFast(this.xKey.path);
    const yFast = this.isFast(this.yKey.path);
    if (xFast && yFast) this.baseAll = baseOf(experiment);
    else if (!xFast && yFast) this.baseByColumn = Array.from(this.xs, (v) => baseOf(this.variant(this.xKey.path, v)));
  }

  /** Computes up to `count` more rows. */
  step(count: number): void {
    const end = Math.min(this.rows, this.rowsDone + count);
    const xFast = this.isFast(this.xKey.path);
    for (let i = this.rowsDone; i < end; i++) {
      const yv = this.ys[i];
      // A redrawn y axis: one base per row (and per cell when x needs redrawing too).
      const rowBase = this.baseAll ?? (this.baseByColumn ? null : xFast ? baseOf(this.variant(this.yKey.path, yv)) : null);
      for (let j = 0; j < this.cols; j++) {
        const xv = this.xs[j];
        let base: Base;
        const over: Record<string, number> = {};
        if (rowBase) {
          base = rowBase;
          if (this.isFast(this.yKey.path)) over[this.yKey.path] = yv;
          over[this.xKey.path] = xv;
        } else if (this.baseByColumn) {
          base = this.baseByColumn[j];
          over[this.yKey.path] = yv;
        } else {
          base = baseOf(this.variant(this.yKey.path, yv, this.xKey.path, xv));
        }
        this.cell(i * this.cols + j, base, over);
      }
    }
    this.rowsDone = end;
  }

  /** The finished diagram. */
  result(): PhaseDiagram {
    if (!this.done) throw new Error('PhaseComputation.result: not finished');
    return {
      x: { key: this.xAxis.key, path: this.xKey.path, values: this.xs, current: getNumber(this.experiment.source, this.xKey.path) ?? null },
      y: { key: this.yAxis.key, path: this.yKey.path, values: this.ys, current: getNumber(this.experiment.source, this.yKey.path) ?? null },
      labels: this.labels,
      labelNames: LABEL_NAMES,
      scores: this.scores,
      thresholds: this.thresholds,
    };
  }

  private isFast(path: string): boolean {
    if (!FAST_PATHS.has(path)) return false;
    if (path === 'data.y') return this.experiment.data.kind === 'single';
    if (path === 'init.scaleU' || path === 'init.scaleW') {
      if (this.experiment.init.kind !== 'random') throw new ExperimentError(`${path} is not in this experiment: its initialisation is explicit (init.u, init.W)`, 'init');
    }
    return true;
  }

  /** The experiment with one or two keys rewritten in its file value, validated again. */
  private variant(path: string, value: number, path2?: string, value2?: number): Experiment {
    let source = withNumber(this.experiment.source ?? {}, path, value);
    if (path2 !== undefined && value2 !== undefined) source = withNumber(source, path2, value2);
    const { experiment, diagnostics } = parseExperiment(JSON.stringify(source));
    if (!experiment) {
      const d = diagnostics[0];
      throw new ExperimentError(`with ${path} = ${value}${path2 ? ` and ${path2} = ${value2}` : ''}: ${d?.message ?? 'invalid experiment'}`, d?.path ?? path);
    }
    return experiment;
  }

  private cell(index: number, base: Base, over: Record<string, number>): void {
    const value = (path: string): number => (path in over ? over[path] * base.factor[path] : base.values[path]);
    const gamma = value('model.outputScale');
    const etaU = value('learningRates.u');
    const etaW = value('learningRates.W');
    const sigmaU = base.explicit ? 1 : value('init.scaleU');
    const sigmaW = base.explicit ? 1 : value('init.scaleW');
    const y = 'data.y' in over ? over['data.y'] : base.y;
    const plane = planeOf(base, sigmaU / Math.sqrt(etaU), sigmaW / Math.sqrt(etaW));
    const lambda = gamma * base.abar * Math.sqrt(etaU) * Math.sqrt(etaW);
    const flow = new ExactFlow({ plane, etaU, etaW, lambda, y, irreducibleLoss: base.irreducible, normWPerp2: sigmaW * sigmaW * base.perp });
    const start = flow.at(0);
    const end = flow.still ? start : flow.limit();
    const theta0 = Math.sqrt(sigmaU * sigmaU * base.gg + sigmaW * sigmaW * base.ww);
    const s = scoresFromEnds(start, end, plane, theta0, flow.still ? 0 : limitTangentChange(plane, lambda, y));
    this.labels[index] = classifyCode(s, this.thresholds);
    for (const name of SCORE_NAMES) {
      const v = s[name];
      this.scores[name][index] = v === null ? NaN : v;
    }
  }
}

/** Plane invariants of ũ = a·g, ṽ = b·h from the sums of the draws, without cancellation. */
function planeOf(base: Base, a: number, b: number): PlaneInvariants {
  const { gg, hh, gh, wedge } = base;
  const uu = a * a * gg;
  const vv = b * b * hh;
  const uv = a * b * gh;
  const A = a * Math.sqrt(gg); // |ũ|
  const B = b * Math.sqrt(hh); // |ṽ|
  const norms = Math.sqrt(gg) * Math.sqrt(hh);
  // |g||h| ∓ g·h through the wedge when the two nearly cancel.
  let P: number;
  let Q: number;
  if (gh >= 0) {
    P = uu + vv + 2 * uv;
    Q = (A - B) ** 2 + (norms + gh > 0 ? (2 * a * b * wedge) / (norms + gh) : 0);
  } else {
    Q = uu + vv - 2 * uv;
    P = (A - B) ** 2 + (norms - gh > 0 ? (2 * a * b * wedge) / (norms - gh) : 0);
  }
  return { P, Q, c: (A - B) * (A + B), uv, G: 4 * a * a * b * b * wedge, uu, vv };
}

/** Draws (or reads) the initial weights once, in units of σ: O(d·D). */
function baseOf(e: Experiment): Base {
  if ((e.weightDecay ?? 0) > 0) {
    throw new ExperimentError('the phase diagram uses the closed-form flow, which has no weight decay: set weightDecay to 0 (or leave it out) for a phase diagram', 'weightDecay');
  }
  const sample = effectiveSample(e.data);
  const n = sample.direction;
  const D = n.length;
  const d = e.model.width;
  const explicit = e.init.kind === 'explicit';
  const unitInit = e.init.kind === 'random' ? { ...e.init, scaleU: 1, scaleW: 1 } : e.init;
  const g = new Float64Array(d);
  const h = new Float64Array(d);
  let perp = 0;
  let ww = 0;
  forEachInitialNeuron(unitInit, d, D, (i, ui, row) => {
    g[i] = ui;
    let vi = 0;
    for (let j = 0; j < D; j++) vi += row[j] * n[j];
    h[i] = vi;
    for (let j = 0; j < D; j++) {
      ww += row[j] * row[j];
      const off = row[j] - vi * n[j];
      perp += off * off;
    }
  });
  let gg = 0;
  let hh = 0;
  let gh = 0;
  for (let i = 0; i < d; i++) {
    gg += g[i] * g[i];
    hh += h[i] * h[i];
    gh += g[i] * h[i];
  }
  let wedge = 0;
  if (gg > 0 && hh > 0) {
    const alongG = gg >= hh;
    const alpha = alongG ? gh / gg : gh / hh;
    let rest = 0;
    for (let i = 0; i < d; i++) {
      const off = alongG ? h[i] - alpha * g[i] : g[i] - alpha * h[i];
      rest += off * off;
    }
    wedge = (alongG ? gg : hh) * rest;
  }
  const values: Record<string, number> = {
    'model.outputScale': e.model.outputScale,
    'learningRates.u': e.learningRates.u,
    'learningRates.W': e.learningRates.W,
    'init.scaleU': e.init.kind === 'random' ? e.init.scaleU : 1,
    'init.scaleW': e.init.kind === 'random' ? e.init.scaleW : 1,
  };
  const factor: Record<string, number> = { 'data.y': 1 };
  for (const path of Object.keys(values)) {
    const power = e.widthScaling?.[path];
    factor[path] = power ? Math.pow(d, power.exponent) : 1;
  }
  return { gg, hh, gh, wedge, perp, ww, abar: sample.abar, y: sample.y, irreducible: sample.irreducibleLoss, values, factor, explicit, singleSample: e.data.kind === 'single' };
}

function axisKey(axis: PhaseAxis, name: string): NumericKey {
  const k = resolveKey(axis.key);
  if ('error' in k) throw new RangeError(`--${name}: ${k.error}`);
  return k;
}

function axisValues(axis: PhaseAxis, key: NumericKey, count: number): Float64Array {
  const scale = axis.scale ?? 'log';
  if (scale === 'log' && !(axis.from > 0 && axis.to > 0)) throw new RangeError(`${key.path}: a log axis needs both ends > 0 (got ${axis.from} and ${axis.to}); use a linear axis otherwise`);
  let values = rangeValues({ from: axis.from, to: axis.to, count, scale });
  if (key.integer) values = values.map(Math.round);
  for (const v of values) {
    const bad = checkValue(key, v);
    if (bad) throw new RangeError(bad);
  }
  return Float64Array.from(values);
}

/** The scores of one cell as an object (null where undefined), e.g. for hover text. */
export function cellScores(p: PhaseDiagram, row: number, col: number): MechanismScores {
  const k = row * p.x.values.length + col;
  const get = (name: ScoreName): number | null => (Number.isNaN(p.scores[name][k]) ? null : p.scores[name][k]);
  return {
    kernelChange: get('kernelChange') ?? 0,
    zetaChange: get('zetaChange'),
    alignment: get('alignment'),
    disalignment: get('disalignment'),
    normChangeU: get('normChangeU'),
    normChangeW: get('normChangeW'),
    balanceChange: get('balanceChange'),
    distance: get('distance') ?? 0,
    tangentChange: get('tangentChange'),
  };
}
