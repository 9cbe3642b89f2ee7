/**
 * The phase worker's computation (no vscode import; the unit tests call it directly): the grid of
 * an experiment over two axes, by the exact flow or gradient descent, computed in cancellable chunks
 * and encoded for the webview — or, for Export Data, printed as `flab phase` prints it. A bad
 * experiment or axis becomes a located diagnostic, as in the dynamics panel.
 */
import { PhaseWorkError, type PhaseMethod } from '../core/analysis/phase/cellEvaluator';
import { largestPhaseSide, phaseDiagram, PhaseDiagram } from '../core/analysis/phase/phaseDiagram';
import { phaseCsv, phaseJson } from '../core/analysis/phase/phaseTable';
import { Diagnostic, visibleControls } from '../core/experiment/diagnostic';
import { ExperimentError } from '../core/experiment/errors';
import { locatePath, parseExperiment } from '../core/experiment/parse';
import { DESCENT_OUTCOMES } from '../core/linearFlow/stability';
import { SCORE_NAMES } from '../core/mechanisms/classify';
import { MAX_PHASE_SIZE, type PhaseAxisSpec } from '../protocol/phase';
import type { DiagramBody, PhaseOutcome } from '../protocol/workers';

/** The score that shades the cells. */
export const SHADE_SCORE = 'kernelChange';

/** The largest single-precision number, and the smallest normal one. */
const FLOAT32_MAX = 3.4028234663852886e38;
const FLOAT32_MIN_NORMAL = 1.1754943508222875e-38;
/** The smallest subnormal single: what a nonzero value below the normal range is sent as (with its sign). */
const FLOAT32_TINY = 1.401298464324817e-45;

function base64(view: ArrayBufferView): string {
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString('base64');
}

/**
 * Scores as single precision for the webview, clamped so that what the hover shows is never wrong:
 * beyond ±3.4e38 they become ±Infinity ("beyond 3.4e38"), nonzero values below 1.2e-38 become
 * ±1.4e-45 ("below 1.2e-38", not 0); NaN (undefined) stays NaN.
 */
export function toFloat32(values: Float64Array): Float32Array {
  const out = new Float32Array(values.length);
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    const a = Math.abs(v);
    out[k] = a > FLOAT32_MAX ? Math.sign(v) * Infinity : a > 0 && a < FLOAT32_MIN_NORMAL ? Math.sign(v) * FLOAT32_TINY : v;
  }
  return out;
}

/** The diagram as the webview's message: typed arrays as base64 (scores as clamped little-endian Float32). */
export function encodePhase(p: PhaseDiagram, x: PhaseAxisSpec, y: PhaseAxisSpec, title: string, elapsedMs: number): DiagramBody {
  const scores: Record<string, string> = {};
  for (const name of SCORE_NAMES) scores[name] = base64(toFloat32(p.scores[name]));
  return {
    type: 'diagram',
    title,
    x: { ...x, path: p.x.path, values: Array.from(p.x.values), current: p.x.current, widthPower: p.x.widthPower },
    y: { ...y, path: p.y.path, values: Array.from(p.y.values), current: p.y.current, widthPower: p.y.widthPower },
    labels: base64(p.labels),
    refused: base64(p.refused),
    labelNames: [...p.labelNames],
    scores,
    shadeScore: SHADE_SCORE,
    thresholds: { ...p.thresholds },
    elapsedMs,
    method: p.method,
    outcomes: p.outcomes ? base64(p.outcomes) : null,
    outcomeNames: [...DESCENT_OUTCOMES],
    deadSteps: p.deadSteps && p.deadSteps.some((s) => !Number.isNaN(s)) ? base64(p.deadSteps) : null,
    lines: p.lines.map((l) => ({ name: l.name, ntk: l.ntk, meaning: l.meaning, segments: l.segments.slice() })),
    budget: p.budget,
    defaultBudget: p.defaultBudget,
    scoredOver: p.scoredOver,
  };
}

export interface PhaseRunOptions {
  signal?: AbortSignal;
  onProgress?: (rowsDone: number, rows: number) => void;
  fileName: string;
  /** Default: the exact flow. */
  method?: PhaseMethod;
  /** Print the diagram as `flab phase --json` or `--csv` instead of encoding it for the webview. */
  exportData?: 'json' | 'csv';
}

/**
 * Parses `text` and computes its phase diagram over `x` × `y` (`size` cells a side) in chunks;
 * rejects with an AbortError when `signal` fires. A bad experiment or axis becomes a located
 * diagnostic, as in the dynamics panel.
 */
export async function runPhase(text: string, x: PhaseAxisSpec, y: PhaseAxisSpec, size: number, options: PhaseRunOptions): Promise<PhaseOutcome> {
  const parsed = parseExperiment(text);
  const e = parsed.experiment;
  if (!e || parsed.diagnostics.some((d) => d.severity === 'error')) return { kind: 'invalid', diagnostics: parsed.diagnostics };
  const start = performance.now();
  try {
    const p = await phaseDiagram(e, x, y, size, { signal: options.signal, onProgress: options.onProgress, method: options.method });
    if (options.exportData) return { kind: 'data', text: options.exportData === 'csv' ? phaseCsv(p) : JSON.stringify(phaseJson(p)) + '\n' };
    return { kind: 'result', diagram: encodePhase(p, x, y, visibleControls(e.name ?? options.fileName), performance.now() - start) };
  } catch (err) {
    if (err instanceof Error && err.name === 'AbortError') throw err;
    // The work limit's advice is of a size every limit of the panel accepts (its side, the work at
    // every set-up the axes make: `largestPhaseSide`, as `flab phase --size` advises), not the work
    // limit's own largest square at the file's set-up, which an end of a width axis could refuse.
    const message = err instanceof PhaseWorkError && err.workSide > 0 ? err.advise(largestPhaseSide(e, x, y, options.method ?? 'flow', (n) => n <= MAX_PHASE_SIZE)) : err instanceof Error ? err.message : '';
    const diagnostic: Diagnostic =
      err instanceof ExperimentError
        ? { message, path: err.path, ...locatePath(parsed.tree, err.path), severity: 'error' }
        : { message: `the phase diagram: ${err instanceof Error ? err.message : String(err)}`, path: '', offset: 0, length: 0, severity: 'error' };
    return { kind: 'invalid', diagnostics: [diagnostic] };
  }
}
