/**
 * Phase diagrams (docs/phase-diagram.md): the mechanism label and scores over a grid of two
 * hyperparameters. This file is the grid machinery — axes, chunks, progress, cancel, the typed-array
 * result — and a cell evaluator per method computes the cells: the exact flow (flowCells.ts) or
 * gradient descent with its outcome (descentCells.ts).
 *
 * Keys that change per cell at no cost (γ, σ_u, σ_W, η_u, η_W, a single y) share one set-up of the
 * evaluator (the initial weights drawn once); any other key (the width, the seed, an input) makes a
 * new set-up once per value of its axis, and per cell when both axes need it.
 */
import { parseExperiment } from '../../experiment/parse';
import { formatNumber } from '../../experiment/diagnostic';
import { ExperimentError } from '../../experiment/errors';
import { Experiment } from '../../experiment/experiment';
import { checkValue, getNumber, NumericKey, resolveKey, withNumber } from '../../experiment/hyperparameters';
import { rangeValues } from '../../experiment/sweepSpec';
import { widthPowerKeyOfBase, widthPowerPartProblem } from '../../experiment/widthPowers';
import { LABEL_NAMES, MechanismScores, SCORE_NAMES, ScoreName, scoredOver, thresholdsOf, type ScoredOver } from '../../mechanisms/classify';
import { CellEvaluator, isFastKey, NO_LABEL, NO_OUTCOME, PhaseMethod, PhaseWorkError } from './cellEvaluator';
import { CriticalLine, criticalLines, ntkPower } from './criticalLines';
import { descentCells } from './descentCells';
import { flowCells } from './flowCells';

export { NO_LABEL, NO_OUTCOME, type PhaseMethod };

/** One axis: a key (JSON path or unique name) and its range. */
export interface PhaseAxis {
  key: string;
  from: number;
  to: number;
  /** Default 'log'. */
  scale?: 'log' | 'linear';
}

/**
 * An axis whose key is a power of the width in the file (`{ widthExponent, base }`, or a plain number
 * under a `parameterisation`; docs/mechanisms.md, "Width scaling"): its values are bases b, as a
 * sweep's are, and a cell computes with b·d^exponent — d the file's width `width`, or the cell's own
 * where the other axis is `model.width`. Null for a key whose value is used as it is (exponent 0 too).
 */
export interface AxisWidthPower {
  exponent: number;
  width: number;
}

/**
 * An axis's width power in a diagram (PhaseDiagramAxis): AxisWidthPower, whose `width` d is the file's —
 * except where the other axis is `model.width`, whose value is d in each cell: `width` is then null and
 * `widthAxis` names that axis ("x" or "y"), so that a reader computes a cell's b·d^exponent with the d of
 * its column or row (`phaseWidthPower`).
 */
export interface PhaseWidthPower {
  exponent: number;
  width: number | null;
  widthAxis?: 'x' | 'y';
}

/**
 * The width power of the axis over `path` in a diagram whose other axis, `otherName`, is over
 * `otherPath` (PhaseWidthPower): the file's width, or none where the other axis is the width.
 */
export function phaseWidthPower(e: Experiment, path: string, otherPath: string, otherName: 'x' | 'y'): PhaseWidthPower | null {
  const power = axisWidthPower(e, path);
  if (!power) return null;
  return otherPath === 'model.width' ? { exponent: power.exponent, width: null, widthAxis: otherName } : power;
}

/** One axis of the result: the key as given, its JSON path, its values, the experiment's own value of it, and its width power. */
export interface PhaseDiagramAxis {
  key: string;
  path: string;
  values: Float64Array;
  /** The file's own value, as the axis holds values (the base of a width power; 1 for a left-out outputScale): `axisCurrent`. */
  current: number | null;
  widthPower: PhaseWidthPower | null;
}

/**
 * The file's own value of an axis key as the axis holds values: the number written — the base b of a
 * width power (`{ widthExponent, base }` or a plain number under a parameterisation) — or, for a key
 * left out, its default as a base (outputScale: 1, also under a parameterisation, where γ = 1·d^e);
 * null when the file has none. Where the experiment's ring is drawn, and what the axis picker says is
 * "now" and centres its default range on.
 */
export function axisCurrent(e: Experiment, path: string): number | null {
  const written = getNumber(e.source, path);
  if (written !== undefined) return written;
  const power = e.widthScaling?.[path];
  if (power) return power.base;
  if (path === 'model.outputScale') return e.model.outputScale;
  return null;
}

/**
 * The key an axis names in the experiment `e`: for a path into a width power's base
 * (`model.outputScale.base` where the file writes `{ widthExponent, base }`: widthPowerKeyOfBase), the
 * key itself, whose axis holds bases — so it is labelled, set up and reported (`path`, `widthPower`)
 * as an axis over `model.outputScale` is; `key` otherwise. The axis's `key` stays as it was given.
 */
export function axisKeyIn(e: Experiment, key: NumericKey): NumericKey {
  const powered = widthPowerKeyOfBase(e.source, key.path);
  if (powered === null) return key;
  const k = resolveKey(powered);
  return 'error' in k ? key : k;
}

/** The width power of an axis key in the experiment (AxisWidthPower), or null. */
export function axisWidthPower(e: Experiment, path: string): AxisWidthPower | null {
  const power = e.widthScaling?.[path];
  return power && power.exponent !== 0 ? { exponent: power.exponent, width: e.model.width } : null;
}

/** The result, as typed arrays: cell (i, j) = row i (y), column j (x) at index i·nx + j. */
export interface PhaseDiagram {
  /** How the cells were computed. */
  method: PhaseMethod;
  /** Each axis: the key as given, its JSON path, its values (bases, for a width power), the experiment's own value and the width power. */
  x: PhaseDiagramAxis;
  y: PhaseDiagramAxis;
  /** Label codes (classify.ts): 0 kernel, bit 0 alignment, bit 1 disalignment, bit 2 rescaling; NO_LABEL (255) where a descent run diverged (blew up) or the cell is refused. */
  labels: Uint8Array;
  /**
   * 1 where the cell is refused: its run would print a number beyond 64 bits, so `flab solve` (the
   * flow) or `flab simulate` (descent) of it is refused (docs/limits.md, "Representable ranges"); it
   * has no label, no scores and no outcome. 0 elsewhere.
   */
  refused: Uint8Array;
  /** The text of each code. */
  labelNames: readonly string[];
  /** Each score per cell; NaN where the score is undefined (or the cell has no scores). */
  scores: Record<ScoreName, Float64Array>;
  thresholds: ReturnType<typeof thresholdsOf>;
  /** Gradient descent: the outcome code per cell (stability.ts, DESCENT_OUTCOMES: 0 converged, 1 catapult, 2 diverged, 3 unsettled, 4 dead; NO_OUTCOME where refused); null for the flow. */
  outcomes: Uint8Array | null;
  /**
   * Gradient descent: the step each dead cell's ReLU units died at (its run's `summary.dead.step`, the
   * first step of the dead stretch that lasts to the end of the budget, as `flab simulate` of the cell
   * says it), NaN in every other cell; null for the flow.
   */
  deadSteps: Float64Array | null;
  /**
   * Gradient descent: the step budget of the file's cells (`time.end`, the last of `time.at`, or the
   * file's default number of steps); the flow scored at its end (`classify.at: "end"`): `time.end`
   * or the last of `time.at` (null when each cell takes its own horizon); the flow at t → ∞: null.
   */
  budget: number | null;
  /** Gradient descent: the file sets no budget (`time.end` or `time.at`), so its cells run the file's default number of steps. */
  defaultBudget: boolean;
  /** Where the flow is scored (docs/mechanisms.md, "Two conventions"); descent is always scored over its steps. */
  scoredOver: ScoredOver;
  /** The initial tangent kernel K₀ per cell (per unit time with the layer rates: per step for descent); null for a nonlinear network. */
  ntk0: Float64Array | null;
  /** The critical lines of the linearised dynamics (criticalLines.ts): gradient descent of the linear network only, [] otherwise. */
  lines: CriticalLine[];
}

export interface PhaseOptions {
  /** How the cells are computed (default: the exact flow). */
  method?: PhaseMethod;
  /** Abandons the computation (the promise rejects with an AbortError) between chunks of cells. */
  signal?: AbortSignal;
  /** Rows per chunk between yields to the event loop (default: as many cells as take about 20 ms). */
  rowsPerChunk?: number;
  onProgress?: (rowsDone: number, rows: number) => void;
}

/**
 * A value of an axis makes the experiment invalid — `data.x[0] = 0` on an axis through zero makes
 * `data.x` the zero vector — so the axis is to blame, not the file (which is valid as written):
 * `axes` names the axis, or both when only their combination fails. The CLI reports it as bad usage of
 * `--x`/`--y`; the panel as a message about its axes. Raised before the first cell for each value of
 * an axis that redraws the weights (with the other axis's first value when both do, never with the
 * file's own value of the other key), and at a cell for a combination of two such values; a pair is
 * blamed on the axis whose value is refused with another value of the other axis too.
 */
export class PhaseAxisError extends Error {
  constructor(
    readonly axes: readonly ('x' | 'y')[],
    message: string,
  ) {
    super(message);
    this.name = 'PhaseAxisError';
  }
}

/**
 * Why an axis over `path` can take no value of this file but its own, or null when it can: a range of
 * it is refused at every value but one whatever its ends or size, so that no advice of a smaller grid
 * or another range can be followed (found in review, 2026-12-03: `--x model.width=…` over a file of
 * explicit init.u and init.W was told "choose a range of model.width without it", and a grid over the
 * redraw limit "smaller widths, or axes over γ, σ_u, σ_W, …", neither of which that file takes).
 * - model.width with an explicit initialisation: init.u's entries and init.W's rows fix the width.
 * - one entry of a sample's input, data.samples[k].x[j], with input dimension ≥ 2, when the value ± 1
 *   both take the inputs off one line (the data must be one-dimensional): the values that keep them
 *   on it are the solutions of a linear condition in the entry — all of them, or one.
 */
export function pinnedAxis(e: Experiment, path: string): string | null {
  if (path === 'model.width' && e.init.kind === 'explicit') {
    const n = e.init.u.length;
    return `its explicit initialisation fixes the width at ${n} (init.u has ${n} entries and init.W ${n} rows), and every other model.width is refused`;
  }
  const m = /^data\.samples\[(\d+)\]\.x\[(\d+)\]$/.exec(path);
  if (!m || e.data.kind !== 'samples' || !e.source) return null;
  const current = getNumber(e.source, path);
  if (current === undefined || (e.data.samples[Number(m[1])]?.x.length ?? 0) < 2) return null;
  const offLine = (v: number): boolean => {
    const { experiment, diagnostics } = parseExperiment(JSON.stringify(withNumber(e.source, path, v)));
    return !experiment && diagnostics.some((d) => /^data\.samples\[\d+\]\.x$/.test(d.path) && d.message.includes('one-dimensional'));
  };
  if (!offLine(current + 1) || !offLine(current - 1)) return null;
  return `the data must be one-dimensional (every nonzero input on one line), and data.samples[${m[1]}].x changed in entry ${m[2]} alone leaves that line at every value but the file's, ${formatNumber(current)}`;
}

/** Time of one chunk of cells between yields to the event loop, in ms. */
const CHUNK_MS = 20;

/** Largest number of cells of one diagram (8 bytes of each of 9 scores, K₀ and (descent) the dead step, a label and an outcome byte each). */
export const MAX_PHASE_CELLS = 4_000_000;

/**
 * The cell evaluator of a method for an experiment. Throws (ExperimentError, located) for what no
 * cell of it can run: the exact flow of a nonlinear network, weight decay.
 */
export function evaluatorFor(e: Experiment, method: PhaseMethod): CellEvaluator {
  if (method === 'flow' && e.model.activation !== 'linear') {
    throw new ExperimentError(`the phase diagram of the exact flow needs model.activation "linear", got "${e.model.activation}": a phase diagram of gradient descent (flab phase --descent, or Descent in the panel) runs any activation`, 'model.activation');
  }
  if ((e.weightDecay ?? 0) > 0) {
    throw new ExperimentError(`the phase diagram ${method === 'flow' ? 'uses the closed-form flow, which' : 'of gradient descent'} has no weight decay: set weightDecay to 0 (or leave it out) for a phase diagram`, 'weightDecay');
  }
  return method === 'descent' ? descentCells(e) : (flowCells as CellEvaluator);
}

/** The phase diagram, computed in chunks; rejects with an AbortError when `signal` fires. */
export async function phaseDiagram(e: Experiment, x: PhaseAxis, y: PhaseAxis, size: number | [number, number], options: PhaseOptions = {}): Promise<PhaseDiagram> {
  const job = new PhaseComputation(e, x, y, size, options.method);
  while (!job.done) {
    if (options.signal?.aborted) throw abortError();
    // Chunks of ~20 ms (cells differ in cost: a diverged descent run stops early), so an abort is
    // seen soon and the event loop keeps moving.
    if (options.rowsPerChunk) job.step(options.rowsPerChunk);
    else job.stepFor(CHUNK_MS);
    options.onProgress?.(job.rowsDone, job.rows);
    if (!job.done) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  if (options.signal?.aborted) throw abortError();
  return job.result();
}

/** The phase diagram in one synchronous call (the CLI, the benchmark). */
export function phaseDiagramSync(e: Experiment, x: PhaseAxis, y: PhaseAxis, size: number | [number, number], method: PhaseMethod = 'flow'): PhaseDiagram {
  const job = new PhaseComputation(e, x, y, size, method);
  job.stepCells(job.rows * job.cols);
  return job.result();
}

function abortError(): Error {
  const err = new Error('the phase diagram was cancelled');
  err.name = 'AbortError';
  return err;
}

/** A phase diagram computed cell by cell (`stepCells`), so a worker can interleave it with messages. */
export class PhaseComputation {
  readonly rows: number;
  readonly cols: number;
  readonly method: PhaseMethod;
  private cellsDone = 0;
  private readonly evaluator: CellEvaluator;
  private readonly xKey: NumericKey;
  private readonly yKey: NumericKey;
  private readonly xFast: boolean;
  private readonly yFast: boolean;
  private readonly xs: Float64Array;
  private readonly ys: Float64Array;
  private readonly labels: Uint8Array;
  private readonly refused: Uint8Array;
  private readonly scores: Record<ScoreName, Float64Array>;
  private readonly outcomes: Uint8Array | null;
  private readonly deadSteps: Float64Array | null;
  private readonly ntk0: Float64Array;
  private readonly thresholds: ReturnType<typeof thresholdsOf>;
  /** One set-up for the whole grid, or per column when only x needs new ones; per row (or cell) otherwise. */
  private readonly baseAll: unknown = null;
  private readonly baseByColumn: unknown[] | null = null;
  /** The set-up of the row in progress when y needs new ones (kept across chunks). */
  private rowBase: { row: number; base: unknown } | null = null;

  get done(): boolean {
    return this.cellsDone >= this.rows * this.cols;
  }

  /** Whole rows computed. */
  get rowsDone(): number {
    return Math.floor(this.cellsDone / this.cols);
  }

  constructor(
    private readonly experiment: Experiment,
    private readonly xAxis: PhaseAxis,
    private readonly yAxis: PhaseAxis,
    size: number | [number, number],
    method: PhaseMethod = 'flow',
  ) {
    const [nx, ny] = Array.isArray(size) ? size : [size, size];
    if (!(Number.isInteger(nx) && Number.isInteger(ny) && nx >= 1 && ny >= 1) || nx * ny > MAX_PHASE_CELLS) {
      throw new RangeError(`the grid must be whole numbers ≥ 1 of cells, at most ${MAX_PHASE_CELLS} in all; got ${nx} × ${ny}`);
    }
    this.method = method;
    this.xKey = axisKeyIn(experiment, axisKey(xAxis, 'x'));
    this.yKey = axisKeyIn(experiment, axisKey(yAxis, 'y'));
    if (this.xKey.path === this.yKey.path) throw new RangeError(`both axes name ${this.xKey.path}: choose two different hyperparameters`);
    for (const [name, key] of [['x', this.xKey], ['y', this.yKey]] as const) {
      const part = widthPowerPartProblem(experiment.source, key.path);
      if (part) throw new PhaseAxisError([name], part);
    }
    this.xs = axisValues(xAxis, this.xKey, nx);
    this.ys = axisValues(yAxis, this.yKey, ny);
    // An integer axis has one cell per value: fewer than asked when its range holds fewer integers.
    this.cols = this.xs.length;
    this.rows = this.ys.length;
    this.evaluator = evaluatorFor(experiment, method);
    this.xFast = isFastKey(experiment, this.xKey.path);
    this.yFast = isFastKey(experiment, this.yKey.path);
    // Each value of an axis that rewrites the file is checked before any work (the variants of the x
    // axis are prepared below when y is fast; those of y, and pairs, only as their cells come). When
    // both axes rewrite it, a value is checked with the other axis's first value, never with the
    // file's own value of the other key, which no cell uses.
    if (this.xFast && !this.yFast) for (const v of this.ys) this.variant({ y: v });
    if (!this.xFast && !this.yFast) {
      for (const v of this.ys) this.variant({ x: this.xs[0], y: v });
      for (const v of this.xs) this.variant({ x: v, y: this.ys[0] });
    }
    const cells = this.cols * this.rows;
    this.checkWork(cells);
    this.labels = new Uint8Array(cells);
    this.refused = new Uint8Array(cells);
    this.scores = {} as Record<ScoreName, Float64Array>;
    for (const name of SCORE_NAMES) this.scores[name] = new Float64Array(cells);
    this.outcomes = method === 'descent' ? new Uint8Array(cells) : null;
    this.deadSteps = method === 'descent' ? new Float64Array(cells).fill(NaN) : null;
    this.ntk0 = new Float64Array(cells);
    this.thresholds = thresholdsOf(experiment);
    if (this.xFast && this.yFast) this.baseAll = this.evaluator.prepare(experiment);
    else if (!this.xFast && this.yFast) this.baseByColumn = Array.from(this.xs, (v) => this.prepareVariant({ x: v }));
  }

  /** Computes up to `count` more rows. */
  step(count: number): void {
    this.stepCells(Math.min(this.rows * this.cols, (this.rowsDone + count) * this.cols) - this.cellsDone);
  }

  /** Computes cells (row by row) for about `ms` milliseconds, at least one. */
  stepFor(ms: number): void {
    const deadline = performance.now() + ms;
    // Batches that double while they are cheap: the clock is read once per batch, not per cell.
    let batch = 1;
    for (;;) {
      const start = performance.now();
      this.stepCells(batch);
      const now = performance.now();
      if (this.done || now >= deadline) return;
      if (now - start < ms / 16) batch *= 2;
    }
  }

  /** Computes up to `count` more cells (row by row). */
  stepCells(count: number): void {
    const end = Math.min(this.rows * this.cols, this.cellsDone + count);
    for (let k = this.cellsDone; k < end; k++) {
      const i = Math.floor(k / this.cols);
      const j = k - i * this.cols;
      const xv = this.xs[j];
      const yv = this.ys[i];
      const over: Record<string, number> = {};
      let base: unknown;
      if (this.baseAll !== null) {
        base = this.baseAll;
        over[this.xKey.path] = xv;
        over[this.yKey.path] = yv;
      } else if (this.baseByColumn) {
        base = this.baseByColumn[j];
        over[this.yKey.path] = yv;
      } else if (this.xFast) {
        // y needs new set-ups: one per row, kept across chunks.
        if (this.rowBase?.row !== i) this.rowBase = { row: i, base: this.prepareVariant({ y: yv }) };
        base = this.rowBase.base;
        over[this.xKey.path] = xv;
      } else {
        base = this.prepareVariant({ x: xv, y: yv });
      }
      this.cell(k, base, over);
    }
    this.cellsDone = end;
  }

  /** The finished diagram. */
  result(): PhaseDiagram {
    if (!this.done) throw new Error('PhaseComputation.result: not finished');
    const e = this.experiment;
    const linear = this.evaluator.linear;
    const lines =
      this.method === 'descent' && linear
        ? criticalLines(
            { values: this.xs, log: (this.xAxis.scale ?? 'log') === 'log', power: this.xFast ? ntkPower(this.xKey.path) : null },
            { values: this.ys, log: (this.yAxis.scale ?? 'log') === 'log', power: this.yFast ? ntkPower(this.yKey.path) : null },
            this.ntk0,
          )
        : [];
    return {
      method: this.method,
      x: { key: this.xAxis.key, path: this.xKey.path, values: this.xs, current: axisCurrent(e, this.xKey.path), widthPower: phaseWidthPower(e, this.xKey.path, this.yKey.path, 'y') },
      y: { key: this.yAxis.key, path: this.yKey.path, values: this.ys, current: axisCurrent(e, this.yKey.path), widthPower: phaseWidthPower(e, this.yKey.path, this.xKey.path, 'x') },
      labels: this.labels,
      refused: this.refused,
      labelNames: LABEL_NAMES,
      scores: this.scores,
      thresholds: this.thresholds,
      outcomes: this.outcomes,
      deadSteps: this.deadSteps,
      budget: this.budget(),
      defaultBudget: this.method === 'descent' && e.time.kind === 'grid' && e.time.end === undefined,
      scoredOver: scoredOver(e),
      ntk0: linear ? this.ntk0 : null,
      lines,
    };
  }

  /** The budget the diagram reports (see PhaseDiagram.budget). */
  private budget(): number | null {
    const e = this.experiment;
    const last = e.time.kind === 'at' ? e.time.at[e.time.at.length - 1] : e.time.end;
    if (this.method === 'descent') return this.evaluator.budgetOf?.(e) ?? last ?? null;
    return scoredOver(e) === 'end' ? (last ?? null) : null;
  }

  /**
   * The method's work limit, before any cell: checked at the file's values and at both ends of each
   * axis that makes new set-ups (the width or the step budget grows the work monotonically).
   */
  private checkWork(cells: number): void {
    const variants = [this.experiment];
    const xEnds = [this.xs[0], this.xs[this.xs.length - 1]];
    const yEnds = [this.ys[0], this.ys[this.ys.length - 1]];
    if (!this.xFast && !this.yFast) for (const x of xEnds) for (const y of yEnds) variants.push(this.variant({ x, y }));
    else if (!this.xFast) for (const x of xEnds) variants.push(this.variant({ x }));
    else if (!this.yFast) for (const y of yEnds) variants.push(this.variant({ y }));
    for (const v of variants) this.evaluator.checkWork(v, cells);
  }

  /**
   * The experiment with the values of one or both axes written into its file, validated again. Throws
   * PhaseAxisError when the values make it invalid (the file itself is valid).
   */
  private variant(at: { x?: number; y?: number }): Experiment {
    const { experiment, problem } = this.parseVariant(at);
    if (!experiment) throw this.blame(at, problem);
    return experiment;
  }

  /** The variant at `at`, or the first error its file has. */
  private parseVariant(at: { x?: number; y?: number }): { experiment: Experiment | null; problem: string } {
    return parseVariant(this.experiment, this.xKey, this.yKey, at);
  }

  /** The evaluator's set-up of a variant; its refusal (an ExperimentError) is the axes' doing too. */
  private prepareVariant(at: { x?: number; y?: number }): unknown {
    const e = this.variant(at);
    try {
      return this.evaluator.prepare(e);
    } catch (err) {
      if (err instanceof ExperimentError) throw this.blame(at, preparationProblem(err));
      throw err;
    }
  }

  /** Whether the variant at `at` is refused, by its file or by the evaluator's set-up. */
  private refusedAt(at: { x: number; y: number }): boolean {
    const { experiment } = this.parseVariant(at);
    if (!experiment) return true;
    try {
      this.evaluator.prepare(experiment);
      return false;
    } catch (err) {
      if (err instanceof ExperimentError) return true;
      throw err;
    }
  }

  /**
   * The refusal of the values `at`. A pair of values of two axes that both rewrite the file is blamed
   * on the axis whose value is refused with another value of the other axis too (the other axis's
   * first value, or its second when the pair has the first; an axis of one value has no other, so its
   * partner is refused with every value it has); on both, naming the pair, when neither or each is.
   */
  private blame(at: { x?: number; y?: number }, problem: string): PhaseAxisError {
    if (at.x === undefined || at.y === undefined) return this.axisError(at, problem);
    const otherX = this.xs.find((v) => v !== at.x);
    const otherY = this.ys.find((v) => v !== at.y);
    const xRefused = otherY === undefined || this.refusedAt({ x: at.x, y: otherY });
    const yRefused = otherX === undefined || this.refusedAt({ x: otherX, y: at.y });
    if (xRefused && !yRefused) return this.axisError({ x: at.x }, problem);
    if (yRefused && !xRefused) return this.axisError({ y: at.y }, problem);
    return this.axisError(at, problem);
  }

  private axisError(at: { x?: number; y?: number }, problem: string): PhaseAxisError {
    const axes = (['x', 'y'] as const).filter((a) => at[a] !== undefined);
    const values = axes.map((a) => `${(a === 'x' ? this.xKey : this.yKey).path} = ${formatNumber(at[a]!)}`).join(' and ');
    const remedy = axes.length === 1 ? `choose a range of ${(axes[0] === 'x' ? this.xKey : this.yKey).path} without it` : 'choose ranges without this pair';
    return new PhaseAxisError(axes, `at ${values}, a value of the diagram's ${axes.length === 1 ? `${axes[0]} axis` : 'two axes'}: ${problem}; ${remedy}`);
  }

  private cell(index: number, base: unknown, over: Record<string, number>): void {
    const c = this.evaluator.evaluate(base, over);
    this.labels[index] = c.label;
    this.refused[index] = c.refused ? 1 : 0;
    if (this.outcomes) this.outcomes[index] = c.outcome;
    if (this.deadSteps && c.deadStep !== undefined) this.deadSteps[index] = c.deadStep;
    this.ntk0[index] = c.ntk0;
    const s = c.scores;
    for (const name of SCORE_NAMES) {
      const v = s ? s[name] : null;
      // Undefined (a layer exactly zero), none (a diverged run) or beyond 64 bits: NaN, printed as null.
      this.scores[name][index] = v === null || !Number.isFinite(v) ? NaN : v;
    }
  }
}

/** The experiment `e` with the values `at` of the axes' keys written into its file and validated again, or the first error its file has. */
function parseVariant(e: Experiment, xKey: NumericKey, yKey: NumericKey, at: { x?: number; y?: number }): { experiment: Experiment | null; problem: string } {
  let source: unknown = e.source ?? {};
  if (at.y !== undefined) source = withNumber(source, yKey.path, at.y);
  if (at.x !== undefined) source = withNumber(source, xKey.path, at.x);
  const { experiment, diagnostics } = parseExperiment(JSON.stringify(source));
  return { experiment, problem: diagnostics.find((d) => d.severity === 'error')?.message ?? 'the experiment is not valid' };
}

/**
 * Whether the method's work limit accepts a diagram of `e` over these axes at `size` ([columns, rows]),
 * checked as `PhaseComputation` checks it before its first cell — at the file's values and at both ends
 * of each axis that makes new set-ups — without preparing a cell or allocating the grid: for advice of a
 * size that every limit of a diagram accepts at once (the CLI's `--size`, src/cli/commands/phase.ts).
 * An end that makes the file invalid is left out (the axis is refused for it, whatever the size).
 * Throws what `evaluatorFor` throws (a method that cannot run `e` at all).
 */
export function phaseWorkFits(e: Experiment, xAxis: PhaseAxis, yAxis: PhaseAxis, size: [number, number], method: PhaseMethod): boolean {
  const xKey = axisKey(xAxis, 'x');
  const yKey = axisKey(yAxis, 'y');
  const xs = axisValues(xAxis, xKey, size[0]);
  const ys = axisValues(yAxis, yKey, size[1]);
  const evaluator = evaluatorFor(e, method);
  const xFast = isFastKey(e, xKey.path);
  const yFast = isFastKey(e, yKey.path);
  const ends = (v: Float64Array) => [v[0], v[v.length - 1]];
  const at: { x?: number; y?: number }[] = [];
  if (!xFast && !yFast) for (const x of ends(xs)) for (const y of ends(ys)) at.push({ x, y });
  else if (!xFast) for (const x of ends(xs)) at.push({ x });
  else if (!yFast) for (const y of ends(ys)) at.push({ y });
  const variants = [e, ...at.map((a) => parseVariant(e, xKey, yKey, a).experiment)];
  try {
    for (const v of variants) if (v) evaluator.checkWork(v, xs.length * ys.length);
    return true;
  } catch (err) {
    if (err instanceof PhaseWorkError) return false;
    throw err;
  }
}

/**
 * The side of the largest square grid that every limit of a diagram of `e` over `xAxis` × `yAxis` by
 * `method` accepts at once — its cells (MAX_PHASE_CELLS), `accepts(n)`, the caller's own limits (the
 * CLI's output and figure side and redraws, the panel's side), and with the file (`e`, when it could be
 * read) the method's work at every set-up the axes make (`phaseWorkFits`) — by bisection (each grows
 * with the side); 0 when not even one cell passes. Every refusal of a size advises this one, so that the
 * size advised is not refused in turn by another limit: a work limit's own largest square is the file's
 * set-up's, which an end of a width axis can refuse (the CLI's `--size` and the panel alike).
 */
export function largestPhaseSide(e: Experiment | null, xAxis: PhaseAxis, yAxis: PhaseAxis, method: PhaseMethod, accepts: (side: number) => boolean = () => true): number {
  const fits = (n: number): boolean => {
    if (n * n > MAX_PHASE_CELLS || !accepts(n)) return false;
    if (!e) return true;
    try {
      return phaseWorkFits(e, xAxis, yAxis, [n, n], method);
    } catch {
      return true; // a method or an axis that cannot run this file at all: refused for that, whatever the size
    }
  };
  let [lo, hi] = [0, Math.floor(Math.sqrt(MAX_PHASE_CELLS))];
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** An evaluator's refusal of a set-up, as an axis error tells it: `PATH: MESSAGE`. */
function preparationProblem(err: ExperimentError): string {
  return `${err.path ? `${err.path}: ` : ''}${err.message}`;
}

/**
 * Why an axis from `from` to `to` has no width — its ends equal, or for an integer key (the width, the
 * seed) rounding to the same whole number — or null when it has one. Such an axis of more than one cell
 * draws every column (or row) at one value: a diagram of one hyperparameter whose picture says two (a
 * breaker's finding, 2026-12-03; it was drawn without a word). The CLI refuses it at its flag,
 * `PhaseComputation` with a RangeError, the panel's axis box as it is typed (`FROM and TO must
 * differ`); an axis of one cell (`--size 1x64`, `size` 1) is one value, as asked, and is not refused.
 */
export function zeroWidthAxis(from: number, to: number, integer: boolean): string | null {
  if (from === to) return `a phase axis needs a range, two different ends, got ${formatNumber(from)} at both: every cell along it would have the same value (for one value, write it in the file and choose another key for this axis)`;
  if (integer && Math.round(from) === Math.round(to)) return `a phase axis needs a range, and this key takes whole numbers: ${formatNumber(from)} and ${formatNumber(to)} both round to ${formatNumber(Math.round(from))}, so every cell along it would have that one value (choose ends at least 1 apart)`;
  return null;
}

function axisKey(axis: PhaseAxis, name: string): NumericKey {
  const k = resolveKey(axis.key);
  if ('error' in k) throw new RangeError(`--${name}: ${k.error}`);
  return k;
}

function axisValues(axis: PhaseAxis, key: NumericKey, count: number): Float64Array {
  const scale = axis.scale ?? 'log';
  if (scale === 'log' && !(axis.from > 0 && axis.to > 0)) throw new RangeError(`${key.path}: a log axis needs both ends > 0 (got ${axis.from} and ${axis.to}); use a linear axis otherwise`);
  const zeroWidth = count > 1 ? zeroWidthAxis(axis.from, axis.to, key.integer) : null;
  if (zeroWidth) throw new RangeError(`${key.path}: ${zeroWidth}`);
  let values = rangeValues({ from: axis.from, to: axis.to, count, scale });
  // Rounded without repeats ([1, 1, 2, 2, 3] computed each width twice): an axis's count is the grid's
  // size, not values asked one by one — a sweep's range refuses values that round alike (sweepSpec.ts).
  if (key.integer) values = values.map(Math.round).filter((v, i, all) => i === 0 || v !== all[i - 1]);
  for (const v of values) {
    const bad = checkValue(key, v);
    if (bad) throw new RangeError(bad);
  }
  return Float64Array.from(values);
}

/** The scores of one cell as an object (null where undefined), e.g. for hover text; null for a cell without scores. */
export function cellScores(p: PhaseDiagram, row: number, col: number): MechanismScores | null {
  const k = row * p.x.values.length + col;
  if (p.labels[k] === NO_LABEL) return null;
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
