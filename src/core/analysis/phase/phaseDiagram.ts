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
import { exactScoreLogs } from '../../linearFlow/exactScores';
import { parseExperiment } from '../../experiment/parse';
import { ExperimentError } from '../../experiment/errors';
import { Experiment } from '../../experiment/experiment';
import { checkValue, getNumber, NumericKey, resolveKey, withNumber } from '../../experiment/hyperparameters';
import { effectiveSample, FlowSpec, flowOfSpec, initialLayers } from '../../linearFlow/reduce';
import { layerSums, scaleTimes } from '../../linearFlow/plane';
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

/** The flow spec of the experiment (draws made once) and the values of the fast keys with their width factors. */
interface Base {
  spec: FlowSpec;
  /** The experiment's resolved values and the factor d^exponent of each fast key. */
  values: Record<string, number>;
  factor: Record<string, number>;
  explicit: boolean;
  /** σ_u and σ_W of the draws in `spec` (the experiment's, or 1 where it is 0). */
  drawn: { u: number; w: number };
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
    const { spec } = base;
    const cellSpec: FlowSpec = {
      ...spec,
      gamma: value('model.outputScale'),
      etaU: value('learningRates.u'),
      etaW: value('learningRates.W'),
      sample: 'data.y' in over ? { ...spec.sample, y: over['data.y'] } : spec.sample,
    };
    if (!base.explicit) {
      const su = value('init.scaleU');
      const sw = value('init.scaleW');
      cellSpec.sums = { ...spec.sums, sU: scaleTimes(spec.sums.sU, su / base.drawn.u), sV: scaleTimes(spec.sums.sV, sw / base.drawn.w) };
      // ln|u|², ln‖W‖², ln‖W_⊥‖² scale with σ² from the experiment's own σ.
      cellSpec.lnU2 = spec.lnU2 + 2 * (Math.log(su) - Math.log(base.drawn.u));
      const dw = 2 * (Math.log(sw) - Math.log(base.drawn.w));
      cellSpec.lnW2 = spec.lnW2 + dw;
      cellSpec.lnPerp2 = spec.lnPerp2 + dw;
    }
    const { flow, lnTheta0 } = flowOfSpec(cellSpec);
    const s = exactScoreLogs(flow, lnTheta0).scores;
    this.labels[index] = classifyCode(s, this.thresholds);
    for (const name of SCORE_NAMES) {
      const v = s[name];
      // Undefined (a layer exactly zero) or beyond 64 bits: NaN, printed as null.
      this.scores[name][index] = v === null || !Number.isFinite(v) ? NaN : v;
    }
  }
}

/** Draws (or reads) the initial weights once, in units of σ: O(d·D). */
function baseOf(e: Experiment): Base {
  if ((e.weightDecay ?? 0) > 0) {
    throw new ExperimentError('the phase diagram uses the closed-form flow, which has no weight decay: set weightDecay to 0 (or leave it out) for a phase diagram', 'weightDecay');
  }
  const sample = effectiveSample(e.data);
  const explicit = e.init.kind === 'explicit';
  // σ = 1 for the draws when the scale is 0, so that a cell with another σ still has the directions.
  const unitInit = e.init.kind === 'random' ? { ...e.init, scaleU: e.init.scaleU || 1, scaleW: e.init.scaleW || 1 } : e.init;
  const layers = initialLayers(unitInit, e.model.width, sample.direction);
  const spec: FlowSpec = { sums: layerSums(layers.g, layers.h, layers.sU, layers.sW), lnU2: layers.lnU2, lnW2: layers.lnW2, lnPerp2: layers.lnPerp2, gamma: e.model.outputScale, sample, etaU: e.learningRates.u, etaW: e.learningRates.W };
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
    factor[path] = power ? Math.pow(e.model.width, power.exponent) : 1;
  }
  const drawn = unitInit.kind === 'random' ? { u: unitInit.scaleU, w: unitInit.scaleW } : { u: 1, w: 1 };
  return { spec, values, factor, explicit, drawn };
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
