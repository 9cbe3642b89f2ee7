/**
 * Gradient descent's cells (docs/phase-diagram.md, "Gradient descent"): each cell runs gradient
 * descent at its values for the experiment's step budget and is scored like one `flab simulate` of it
 * (over every step of that budget), with the outcome of the run — converged, catapult, unsettled or diverged
 * (stability.ts, `descentOutcome`), or dead: a ReLU network every unit of which is inactive on every
 * sample at the end of the budget, which has no label and no scores (the run's `summary.dead`,
 * src/core/descent/deadUnits.ts, as `flab simulate` of the cell says it). Every cell but
 * a diverged (a blow-up) or dead one has the label and scores
 * of `flab simulate` of it: an unsettled run (its loss still above its start at the end of the budget,
 * finite) is one `flab simulate` labels too. The linear network runs the exact O(1)-per-step recursion from the
 * shared draws (each cell O(steps) after one O(d·D) set-up); other activations run the plain loop over
 * (u, W), O(steps·samples·d·D) per cell.
 */
import { gradientDescent, reportedSteps } from '../../descent/gradientDescent';
import { formatNumber } from '../../experiment/diagnostic';
import { ExperimentError } from '../../experiment/errors';
import { Experiment, inputDimension } from '../../experiment/experiment';
import { MAX_SIMULATED_PARAMETERS, MAX_SIMULATION_WORK } from '../../experiment/limits';
import type { LogPoint } from '../../linearFlow/plane';
import { planeDescentFacts } from '../../linearFlow/planeDescent';
import { exactMagnitudes, firstOverflow } from '../../linearFlow/ranges';
import { flowOfSpec } from '../../linearFlow/reduce';
import { CATAPULT_RISE, DEAD, descentOutcome, DIVERGED, DIVERGENCE_FACTOR, OutcomeWatch } from '../../linearFlow/stability';
import { classifyCode, MechanismScores, scoresFromChanges, thresholdsOf, type ClassifyThresholds } from '../../mechanisms/classify';
import { CellEvaluator, CellResult, NO_LABEL, PhaseWorkError, REFUSED_CELL, widthFactors } from './cellEvaluator';
import { cellSpec, LinearBase, linearBase, lnNtk0Of, planeInputOf } from './linearCells';

/**
 * Steps of the O(1) recursion in one diagram: 2³¹ ≈ 2.1·10⁹, one to two minutes at the 29–49 ns a step measured on
 * these machines (a 256 × 256 diagram of 1,000 steps is 6.6·10⁷, the panel's largest, 1024 × 1024 of
 * 2,000 steps, just fits). Beyond it the diagram is refused before its first cell.
 */
export const MAX_DIAGRAM_STEPS = 2 ** 31;

/** Where a run's step budget is set in the file. */
function budgetPath(e: Experiment): string {
  return e.time.kind === 'at' ? 'time.at' : 'time.end';
}

/** Whether the file sets its own budget (`time.end` or `time.at`). */
function setsBudget(e: Experiment): boolean {
  return e.time.kind === 'at' || e.time.end !== undefined;
}

/**
 * The steps a cell reports (and so runs: the last is the budget): those of `flab simulate` of the
 * experiment. Without `time.end` (or `time.at`) every cell runs the file's own default number of
 * steps (`fallback`: descent at the file's values run until it settles, as `flab simulate FILE` runs
 * it; docs/model.md §6), not each cell's, so that one budget holds for the whole diagram.
 */
function stepsOf(e: Experiment, fallback: () => number[]): number[] {
  return setsBudget(e) ? reportedSteps(e) : fallback();
}

/** The gradient-descent evaluator for the experiment `file` (its default budget is computed at most once). */
export function descentCells(file: Experiment): CellEvaluator {
  let fileSteps: number[] | null = null;
  const fallback = (): number[] => (fileSteps ??= reportedSteps(file));
  return file.model.activation === 'linear' ? linearDescent(fallback) : plainDescent(fallback);
}

interface RecursionBase extends LinearBase {
  steps: Float64Array;
  thresholds: ClassifyThresholds;
}

/** The linear network: the O(1)-per-step recursion of docs/finite-rates.md §1 from the shared draws. */
function linearDescent(fallback: () => number[]): CellEvaluator<RecursionBase> {
  return {
    method: 'descent',
    linear: true,
    prepare(e) {
      return { ...linearBase(e, 'gradient descent'), steps: Float64Array.from(stepsOf(e, fallback)), thresholds: thresholdsOf(e) };
    },
    evaluate(base, over): CellResult {
      const spec = cellSpec(base, over);
      // Refused where `flab simulate` of the cell is: its first step and summary beyond 64 bits
      // (before the run), or the scores it prints (after it).
      const exact = flowOfSpec(spec);
      if (firstOverflow(exactMagnitudes(exact.flow, exact.lnTheta0, { horizon: false, weightDecay: 0 }).filter((m) => m.initial))) return REFUSED_CELL;
      const { input, lnTheta0 } = planeInputOf(spec);
      const ntk0 = Math.exp(lnNtk0Of(input));
      const f = planeDescentFacts(input, base.steps, CATAPULT_RISE, DIVERGENCE_FACTOR);
      // A cell whose first loss is not even finite diverged before it began.
      const outcome = Number.isFinite(f.loss0) ? descentOutcome(f) : DIVERGED;
      if (outcome === DIVERGED) return { label: NO_LABEL, scores: null, outcome, ntk0 };
      // θ₀ = 0 (u = W = 0) is a stationary point of the linear network: nothing moves, and the run has
      // no label and no scores, as `flab simulate` of the cell says (its `summary.stationary`, stationaryAt).
      if (lnTheta0 === -Infinity) return { label: NO_LABEL, scores: null, outcome, ntk0 };
      const scores = scoresBetween(f.kernelChange, f.tangentChange, f.first, f.end, lnTheta0);
      if (!finiteScores(scores)) return REFUSED_CELL;
      return { label: classifyCode(scores, base.thresholds), scores, outcome, ntk0 };
    },
    budgetOf(e) {
      const steps = stepsOf(e, fallback);
      return steps[steps.length - 1];
    },
    checkWork(e, cells) {
      const steps = stepsOf(e, fallback);
      const total = cells * steps[steps.length - 1];
      if (total > MAX_DIAGRAM_STEPS) {
        const advise = (side: number) => `${formatNumber(cells)} cells × ${formatNumber(steps[steps.length - 1])} gradient-descent steps = ${formatNumber(total)} steps, over the limit of ${formatNumber(MAX_DIAGRAM_STEPS)} for one phase diagram (one to two minutes): use fewer cells (at most ${side} × ${side} at these steps) or ${setsBudget(e) ? 'fewer steps' : `set ${budgetPath(e)}, the step budget (without it each cell runs the file's default of ${formatNumber(steps[steps.length - 1])} steps)`}`;
        throw PhaseWorkError.advising(advise, budgetPath(e), largestSquare(MAX_DIAGRAM_STEPS / steps[steps.length - 1]));
      }
    },
  };
}

/**
 * The scores of a descent run from its step 0 and its last point, as `seriesScores` takes them
 * (docs/mechanisms.md): the kernel's and the tangent features' largest changes over every step
 * against step 0's, the net change of |ζ|, the log changes of the norms, the distance from θ₀.
 */
function scoresBetween(kernelChange: number, tangentChange: number, first: LogPoint, end: LogPoint, lnTheta0: number): MechanismScores {
  const zetaChange = first.zeta !== null && end.zeta !== null ? Math.abs(end.zeta) - Math.abs(first.zeta) : null;
  const change = (a: number, b: number): number | null => (Number.isFinite(a) && Number.isFinite(b) ? b - a : null);
  const distance = Math.exp(lnTheta0 > -Infinity ? end.lnDistance - lnTheta0 : end.lnDistance);
  return scoresFromChanges(kernelChange, zetaChange, change(first.lnNormU, end.lnNormU), change(first.lnNormW, end.lnNormW), distance, tangentChange);
}

/** Whether every score is a 64-bit number or null (undefined): what `flab simulate` prints. */
function finiteScores(s: MechanismScores): boolean {
  return Object.values(s).every((v) => v === null || Number.isFinite(v));
}

interface PlainBase {
  experiment: Experiment;
  steps: number[];
  factor: Record<string, number>;
  thresholds: ClassifyThresholds;
}

/** Other activations: the plain loop over (u, W) on the samples, per cell (src/core/descent/gradientDescent.ts). */
function plainDescent(fallback: () => number[]): CellEvaluator<PlainBase> {
  return {
    method: 'descent',
    linear: false,
    prepare(e) {
      if ((e.weightDecay ?? 0) > 0) {
        throw new ExperimentError('the phase diagram\'s gradient descent has no weight decay: set weightDecay to 0 (or leave it out) for a phase diagram', 'weightDecay');
      }
      return { experiment: e, steps: stepsOf(e, fallback), factor: widthFactors(e), thresholds: thresholdsOf(e) };
    },
    evaluate(base, over): CellResult {
      const cell = withFastValues(base, over);
      const watch = new OutcomeWatch();
      let run;
      try {
        run = gradientDescent(cell, { observe: (step, loss) => watch.observe(step, loss) });
      } catch (err) {
        // Refused as `flab simulate` of the cell is, once the diagram's limits are checked: weights too
        // small for the plain loop's 64-bit squares, or a first loss beyond 64 bits.
        if (err instanceof ExperimentError) return REFUSED_CELL;
        throw err;
      }
      if (run.summary.diverged) watch.blewUp(run.summary.diverged.step);
      const settled = Number.isFinite(watch.loss0) ? descentOutcome(watch) : DIVERGED;
      // A dead ReLU network learns nothing more: its own outcome, with no label and no scores — it was
      // "unsettled" (killed by a large step, its loss stuck above its start) or "converged" (dead from
      // the start), with a mechanism read from a dead network. The run's own `summary.dead`, as in
      // `flab simulate` of the cell (src/core/descent/deadUnits.ts).
      const outcome = settled !== DIVERGED && run.summary.dead ? DEAD : settled;
      if (outcome === DEAD) return { label: NO_LABEL, scores: null, outcome, ntk0: NaN, deadStep: run.summary.dead!.step };
      const scores = outcome === DIVERGED ? null : (run.summary.scores ?? null);
      if (scores && !finiteScores(scores)) return REFUSED_CELL;
      if (!scores) return { label: NO_LABEL, scores: null, outcome, ntk0: NaN };
      return { label: classifyCode(scores, base.thresholds), scores, outcome, ntk0: NaN };
    },
    budgetOf(e) {
      const steps = stepsOf(e, fallback);
      return steps[steps.length - 1];
    },
    checkWork(e, cells) {
      const d = e.model.width;
      const D = inputDimension(e);
      if (d * D > MAX_SIMULATED_PARAMETERS) {
        throw new PhaseWorkError(`model.width × input dimension = ${formatNumber(d * D)} exceeds the simulator's limit of ${formatNumber(MAX_SIMULATED_PARAMETERS)} weights (it keeps W and its initial value in memory)`, 'model.width');
      }
      const steps = stepsOf(e, fallback);
      const samples = e.data.kind === 'samples' ? e.data.samples.length : 1;
      const work = cells * steps[steps.length - 1] * samples * d * D;
      if (work > MAX_SIMULATION_WORK) {
        const advise = (side: number) => `${formatNumber(cells)} cells × ${formatNumber(steps[steps.length - 1])} steps × ${samples} samples × ${formatNumber(d * D)} weights = ${formatNumber(work)} multiply-adds of the plain gradient-descent loop (a nonlinear activation has no O(1) recursion), over the limit of ${formatNumber(MAX_SIMULATION_WORK)} for one phase diagram (minutes of computing): use fewer cells (at most ${side} × ${side} at these steps and width)${e.init.kind === 'random' ? ', fewer steps or a smaller width' : ' or fewer steps (its explicit init.u and init.W fix the width)'}`;
        throw PhaseWorkError.advising(advise, budgetPath(e), largestSquare(MAX_SIMULATION_WORK / (work / cells)));
      }
    },
  };
}

/** The experiment of one plain cell: the fast keys of `over` set in place of the base's values (times their width powers); its reported steps fixed. */
function withFastValues(base: PlainBase, over: Readonly<Record<string, number>>): Experiment {
  const e = base.experiment;
  const v = (path: string, current: number): number => (path in over ? over[path] * base.factor[path] : current);
  return {
    ...e,
    model: { ...e.model, outputScale: v('model.outputScale', e.model.outputScale) },
    learningRates: { u: v('learningRates.u', e.learningRates.u), W: v('learningRates.W', e.learningRates.W) },
    init: e.init.kind === 'random' ? { ...e.init, scaleU: v('init.scaleU', e.init.scaleU), scaleW: v('init.scaleW', e.init.scaleW) } : e.init,
    data: e.data.kind === 'single' && 'data.y' in over ? { ...e.data, y: over['data.y'] } : e.data,
    time: { kind: 'at', at: base.steps },
    sweep: undefined,
  };
}

/** The side of the largest square grid of at most `cells` cells (0 when not even one cell fits). */
function largestSquare(cells: number): number {
  return Math.floor(Math.sqrt(Math.max(0, cells)));
}
