/**
 * The exact flow's cells (docs/phase-diagram.md): each cell is scored exactly as one `flab solve` of
 * it — over t ∈ [0, ∞), or up to the end of its reported run with `"classify": { "at": "end" }`
 * (docs/mechanisms.md, "Two conventions") — in O(1) from the shared draws (linearCells.ts).
 */
import { exactScoreLogs } from '../../linearFlow/exactScores';
import { beyondRange } from '../../linearFlow/ranges';
import type { Experiment } from '../../experiment/experiment';
import { flowOfSpec } from '../../linearFlow/reduce';
import { classifyCode, thresholdsOf, type ClassifyThresholds } from '../../mechanisms/classify';
import { scoringLnTime, stationaryFlow } from '../../runs/solve';
import { CellEvaluator, CellResult, NO_LABEL, NO_OUTCOME, REFUSED_CELL } from './cellEvaluator';
import { cellSpec, LinearBase, linearBase } from './linearCells';

interface FlowBase extends LinearBase {
  thresholds: ClassifyThresholds;
  /** Whether `flab solve` of a cell prints its default horizon (a time grid without an end). */
  horizon: boolean;
}

/** The exact flow's cell evaluator. */
export const flowCells: CellEvaluator<FlowBase> = {
  method: 'flow',
  linear: true,
  prepare(e: Experiment): FlowBase {
    return { ...linearBase(e, 'exact flow'), thresholds: thresholdsOf(e), horizon: e.time.kind === 'grid' && e.time.end === undefined };
  },
  evaluate(base: FlowBase, over: Readonly<Record<string, number>>): CellResult {
    const { flow, lnTheta0 } = flowOfSpec(cellSpec(base, over));
    // θ₀ = 0: a stationary point, no label and no scores, as `flab solve` of the cell (stationaryFlow).
    if (stationaryFlow(lnTheta0)) return { label: NO_LABEL, scores: null, outcome: NO_OUTCOME, ntk0: flow.ntkInitial };
    // T: ∞, `time.end` (or the last of `time.at`), or this cell's own default horizon.
    const lnEnd = scoringLnTime(base.experiment, flow);
    // Refused exactly where `flab solve` of the cell is (its range check, src/core/runs/solve.ts).
    const { scores, logs } = exactScoreLogs(flow, lnTheta0, lnEnd);
    if (beyondRange(flow, lnTheta0, { horizon: base.horizon, weightDecay: 0, lnEnd, limit: true }, logs)) return REFUSED_CELL;
    return { label: classifyCode(scores, base.thresholds), scores, outcome: NO_OUTCOME, ntk0: flow.ntkInitial };
  },
  checkWork(): void {
    // O(1) per cell: the grid's own cell limit bounds it.
  },
};
