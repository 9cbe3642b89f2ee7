/**
 * What a phase diagram asks of one method (docs/phase-diagram.md, "API"): the grid machinery
 * (phaseDiagram.ts) walks the cells, and a cell evaluator per method — the exact flow (flowCells.ts),
 * gradient descent (descentCells.ts) — computes each one from a set-up shared by the cells of one
 * experiment. A new method is one more evaluator.
 */
import { ExperimentError } from '../../experiment/errors';
import type { Experiment } from '../../experiment/experiment';
import type { MechanismScores } from '../../mechanisms/classify';

/**
 * A diagram whose work (cells × steps, or the plain loop's multiply-adds) exceeds its method's limit,
 * refused before its first cell; located at the key that sets the work per cell (`time.end`).
 */
export class PhaseWorkError extends ExperimentError {
  /**
   * `advise(side)`: the message with its advice of a square grid of `side` cells a side; the message is
   * `advise(workSide)`, the largest square this limit alone accepts at the set-up refused. Its callers
   * say the side that every limit accepts instead (`largestPhaseSide`: the work at every set-up the
   * axes make, with the CLI's cells, output and redraws, or the panel's side; src/cli/commands/phase.ts,
   * src/workers/phaseRun.ts). Without `advise`, the message names no size (`workSide` 0).
   */
  constructor(
    message: string,
    path: string,
    readonly workSide = 0,
    readonly advise: (side: number) => string = () => message,
  ) {
    super(message, path);
    this.name = 'PhaseWorkError';
  }

  /** A refusal whose message `advise(workSide)` advises a square grid (the work limit's largest). */
  static advising(advise: (side: number) => string, path: string, workSide: number): PhaseWorkError {
    return new PhaseWorkError(advise(workSide), path, workSide, advise);
  }
}

/** How a diagram's cells are computed: the exact gradient flow, or gradient descent at the cells' rates. */
export type PhaseMethod = 'flow' | 'descent';
export const PHASE_METHODS: readonly PhaseMethod[] = ['flow', 'descent'];

/** The label code of a cell that has none (a diverged descent run: one that blew up). */
export const NO_LABEL = 255;

/** The outcome code of a cell computed by the flow (which always converges: it has no outcome), or of a refused cell. */
export const NO_OUTCOME = 255;

/** A cell beyond the representable range (CellResult.refused). */
export const REFUSED_CELL: CellResult = Object.freeze({ label: NO_LABEL, scores: null, outcome: NO_OUTCOME, ntk0: NaN, refused: true as const });

/** One computed cell. */
export interface CellResult {
  /**
   * The cell's run would print a number beyond 64 bits, so `flab solve` (the flow) or `flab simulate`
   * (descent) of it is refused (docs/limits.md, "Representable ranges"): it has no label, scores or
   * outcome. Absent: computed.
   */
  refused?: true;
  /** Label code (classify.ts), or NO_LABEL. */
  label: number;
  /** Its scores; null when it has none (a diverged descent run: one that blew up; an unsettled one has its scores). */
  scores: MechanismScores | null;
  /** Descent: the outcome code (stability.ts, DESCENT_OUTCOMES); the flow: NO_OUTCOME. */
  outcome: number;
  /** The initial tangent kernel K₀ (per unit time, with the layer rates: per step for descent) of the linear network; NaN otherwise. */
  ntk0: number;
  /** Descent, a dead cell (outcome DEAD): the step its ReLU units died at (its run's `summary.dead.step`); absent otherwise. */
  deadStep?: number;
}

/** The keys whose change costs nothing per cell: the draws of the initial weights are shared. */
export const FAST_PATHS: ReadonlySet<string> = new Set(['model.outputScale', 'init.scaleU', 'init.scaleW', 'learningRates.u', 'learningRates.W', 'data.y']);

/**
 * Whether a cell can take `path` from its experiment's set-up at no cost (γ, σ_u, σ_W, η_u, η_W, and a
 * single sample's y); other keys redraw the initial weights (and read the data) once per value.
 * Throws (ExperimentError at `init`) for σ_u or σ_W of an explicit initialisation.
 */
export function isFastKey(e: Experiment, path: string): boolean {
  if (!FAST_PATHS.has(path)) return false;
  if (path === 'data.y') return e.data.kind === 'single';
  if ((path === 'init.scaleU' || path === 'init.scaleW') && e.init.kind !== 'random') {
    throw new ExperimentError(`${path} is not in this experiment: its initialisation is explicit (init.u, init.W)`, 'init');
  }
  return true;
}

/** The factor d^exponent by which each fast key's value is multiplied (its width power), 1 without one. */
export function widthFactors(e: Experiment): Record<string, number> {
  const factor: Record<string, number> = {};
  for (const path of FAST_PATHS) {
    const power = e.widthScaling?.[path];
    factor[path] = power && path !== 'data.y' ? Math.pow(e.model.width, power.exponent) : 1;
  }
  return factor;
}

/**
 * A method's cells. `prepare` makes the set-up shared by the cells of one experiment (the draws of
 * the initial weights, the steps to run: O(d·D)); `evaluate` computes one cell from it with the fast
 * keys of `over` set (each value as written, before its width power).
 */
export interface CellEvaluator<Base = unknown> {
  readonly method: PhaseMethod;
  /** Whether the cells have the initial tangent kernel (the linear network): the critical lines need it. */
  readonly linear: boolean;
  prepare(e: Experiment): Base;
  evaluate(base: Base, over: Readonly<Record<string, number>>): CellResult;
  /**
   * Refuses (ExperimentError, located at the key to change) a diagram of `cells` cells of `e` whose
   * work would exceed the method's limit — steps of the recursion, multiply-adds of the plain loop —
   * before any cell is computed. O(1) cells need no check beyond the grid's own cell limit.
   */
  checkWork(e: Experiment, cells: number): void;
  /** Gradient descent: the number of steps each cell of `e` runs (its step budget). */
  budgetOf?(e: Experiment): number;
}

/**
 * The axes a diagram of this file changes at no cost, in the words of an advice ("axes over …"): γ, η_u,
 * η_W, and σ_u, σ_W only where the initialisation is random (an explicit one has no init.scaleU or
 * init.scaleW: an axis over either is refused), data.y only for a single sample (a sample's y of
 * `data.samples` redraws). Without a file (unreadable), the list of a random initialisation.
 */
export function fastAxesAdvice(e: Experiment | null): string {
  const keys = ['γ'];
  if (!e || e.init.kind === 'random') keys.push('σ_u', 'σ_W');
  keys.push('η_u', 'η_W');
  if (e && e.data.kind === 'single') keys.push('data.y');
  return keys.join(', ');
}
