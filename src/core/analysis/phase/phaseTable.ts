/**
 * A phase diagram as data (docs/phase-diagram.md): the JSON of `flab phase --json` and the CSV of
 * `--csv`, also written by the phase panel's Export Data. Numbers keep full precision; a score that is
 * undefined (or a cell without scores: a diverged descent run — a blow-up —, a refused cell) is null in JSON and
 * empty in CSV. `refused` marks the cells beyond the representable range (PhaseDiagram.refused).
 */
import { SCORE_NAMES } from '../../mechanisms/classify';
import { DESCENT_OUTCOMES } from '../../linearFlow/stability';
import { csvValueColumn } from '../../experiment/widthFormula';
import { NO_LABEL, PhaseDiagram } from './phaseDiagram';

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

function csvNumber(v: number): string {
  return Number.isFinite(v) ? String(v) : '';
}

/** A cell's label text, or null for none. */
export function cellLabel(p: PhaseDiagram, k: number): string | null {
  const code = p.labels[k];
  return code === NO_LABEL ? null : (p.labelNames[code] ?? null);
}

/** A cell's outcome text (gradient descent), or null for the flow and for a refused cell. */
export function cellOutcome(p: PhaseDiagram, k: number): string | null {
  return p.outcomes ? (DESCENT_OUTCOMES[p.outcomes[k]] ?? null) : null;
}

/** A descent cell's dead step (PhaseDiagram.deadSteps: the step its ReLU units died at, as `flab simulate` of it says), or null: not dead, or the flow. */
export function cellDeadStep(p: PhaseDiagram, k: number): number | null {
  return p.deadSteps && Number.isFinite(p.deadSteps[k]) ? p.deadSteps[k] : null;
}

/**
 * The JSON object: method, axes (`current` and `values` as bases where `widthPower` is not null:
 * PhaseDiagramAxis), label, refused and scores as rows (by y) of columns (by x), thresholds; for
 * gradient descent also `outcome` (rows × columns of `converged`, `catapult`, `unsettled`, `dead`, `diverged`), `deadStep`
 * (rows × columns: the step a dead cell's ReLU units died at — its run's `summary.dead.step` —, null elsewhere), the step
 * budget (`defaultBudget`: true when the file sets none and its default number of steps was run) and the critical lines (segments [x1, y1, x2, y2] in the axes' values); for the flow where it
 * was scored (`scoredOver`, and `budget` = T for `"end"`).
 */
export function phaseJson(p: PhaseDiagram): unknown {
  const nx = p.x.values.length;
  const ny = p.y.values.length;
  const rows = <T>(cell: (k: number) => T): T[][] => Array.from({ length: ny }, (_, i) => Array.from({ length: nx }, (_, j) => cell(i * nx + j)));
  const scores: Record<string, (number | null)[][]> = {};
  for (const name of SCORE_NAMES) scores[name] = rows((k) => finiteOrNull(p.scores[name][k]));
  const descent = p.method === 'descent';
  return {
    method: p.method,
    ...(descent ? { budget: p.budget, defaultBudget: p.defaultBudget } : { scoredOver: p.scoredOver, budget: p.budget }),
    x: { key: p.x.key, path: p.x.path, values: Array.from(p.x.values), current: p.x.current, widthPower: p.x.widthPower },
    y: { key: p.y.key, path: p.y.path, values: Array.from(p.y.values), current: p.y.current, widthPower: p.y.widthPower },
    ...(descent ? { outcome: rows((k) => cellOutcome(p, k)), deadStep: rows((k) => cellDeadStep(p, k)) } : {}),
    label: rows((k) => cellLabel(p, k)),
    refused: rows((k) => p.refused[k] === 1),
    scores,
    thresholds: p.thresholds,
    ...(descent
      ? {
          lines: p.lines.map((l) => ({
            name: l.name,
            ntk: l.ntk,
            meaning: l.meaning,
            segments: Array.from({ length: l.segments.length / 4 }, (_, s) => l.segments.slice(4 * s, 4 * s + 4)),
          })),
        }
      : {}),
  };
}

/**
 * One row per cell: x, y, (outcome,) label, refused (true or false), every score, and for descent last
 * `deadStep`, the step a dead cell's units died at (empty elsewhere; last, so that the columns before
 * it are where they were before it was added). An axis whose values are bases of a width power is
 * headed `model.outputScale.base` (csvValueColumn), not its key: the header says what the numbers are.
 */
export function phaseCsv(p: PhaseDiagram): string {
  const nx = p.x.values.length;
  const descent = p.outcomes !== null;
  const lines = [[csvValueColumn(p.x.path, p.x.widthPower), csvValueColumn(p.y.path, p.y.widthPower), ...(descent ? ['outcome'] : []), 'label', 'refused', ...SCORE_NAMES, ...(descent ? ['deadStep'] : [])].join(',')];
  for (let i = 0; i < p.y.values.length; i++) {
    for (let j = 0; j < nx; j++) {
      const k = i * nx + j;
      const label = cellLabel(p, k);
      lines.push([p.x.values[j], p.y.values[i], ...(descent ? [cellOutcome(p, k) ?? ''] : []), label === null ? '' : `"${label}"`, p.refused[k] === 1, ...SCORE_NAMES.map((n) => csvNumber(p.scores[n][k])), ...(descent ? [cellDeadStep(p, k) ?? ''] : [])].join(','));
    }
  }
  return lines.join('\n') + '\n';
}
