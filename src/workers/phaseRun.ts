/**
 * The phase worker's computation (no vscode import; the unit tests call it directly): the grid of
 * an experiment over two axes, computed in cancellable chunks and encoded for the webview. A bad
 * experiment or axis becomes a located diagnostic, as in the dynamics panel.
 */
import { phaseDiagram, PhaseDiagram } from '../core/analysis/phase/phaseDiagram';
import { Diagnostic } from '../core/experiment/diagnostic';
import { ExperimentError } from '../core/experiment/errors';
import { locatePath, parseExperiment } from '../core/experiment/parse';
import { SCORE_NAMES } from '../core/mechanisms/classify';
import type { PhaseAxisSpec } from '../protocol/phase';
import type { DiagramBody, PhaseOutcome } from '../protocol/workers';

/** The score that shades the cells. */
export const SHADE_SCORE = 'kernelChange';

function base64(view: ArrayBufferView): string {
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString('base64');
}

/** The diagram as the webview's message: typed arrays as base64 (scores as little-endian Float32). */
export function encodePhase(p: PhaseDiagram, x: PhaseAxisSpec, y: PhaseAxisSpec, title: string, elapsedMs: number): DiagramBody {
  const scores: Record<string, string> = {};
  for (const name of SCORE_NAMES) scores[name] = base64(Float32Array.from(p.scores[name]));
  return {
    type: 'diagram',
    title,
    x: { ...x, path: p.x.path, values: Array.from(p.x.values), current: p.x.current },
    y: { ...y, path: p.y.path, values: Array.from(p.y.values), current: p.y.current },
    labels: base64(p.labels),
    labelNames: [...p.labelNames],
    scores,
    shadeScore: SHADE_SCORE,
    thresholds: { ...p.thresholds },
    elapsedMs,
  };
}

export interface PhaseRunOptions {
  signal?: AbortSignal;
  onProgress?: (rowsDone: number, rows: number) => void;
  fileName: string;
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
    const p = await phaseDiagram(e, x, y, size, { signal: options.signal, onProgress: options.onProgress });
    return { kind: 'result', diagram: encodePhase(p, x, y, e.name ?? options.fileName, performance.now() - start) };
  } catch (err) {
    if (err instanceof Error && err.name === 'AbortError') throw err;
    const diagnostic: Diagnostic =
      err instanceof ExperimentError
        ? { message: err.message, path: err.path, ...locatePath(parsed.tree, err.path), severity: 'error' }
        : { message: `the phase diagram: ${err instanceof Error ? err.message : String(err)}`, path: '', offset: 0, length: 0, severity: 'error' };
    return { kind: 'invalid', diagnostics: [diagnostic] };
  }
}

