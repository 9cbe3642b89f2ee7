/**
 * The phase panel's Export Chart on the host (no vscode import; unit-tested): the diagram the panel
 * shows, decoded from its message, drawn by the core's SVG figure (src/core/analysis/phase/phaseSvg.ts,
 * the one `flab phase --svg` writes), so the panel's SVG and PNG and the CLI's figure are one drawing.
 */
import { phaseSvg, type PhaseFigureInput } from '../../core/analysis/phase/phaseSvg';
import { diagramCellsError, type Diagram } from '../../protocol/phase';

function bytes(b64: string): Uint8Array {
  return new Uint8Array(Buffer.from(b64, 'base64'));
}

function floats(b64: string): Float32Array {
  const b = Buffer.from(b64, 'base64');
  // A copy: the Buffer's offset in its pool need not be a multiple of 4.
  const out = new Float32Array(b.byteLength >> 2);
  new Uint8Array(out.buffer).set(b.subarray(0, out.byteLength));
  return out;
}

/**
 * The figure's input from the panel's message (the shading from the single-precision kernel change,
 * which is all its eight steps need), refused cells included. Throws an Error saying what is wrong
 * when the message's cells do not fit its grid (protocol/phase.ts, diagramCellsError).
 */
export function diagramFigure(d: Diagram): PhaseFigureInput {
  const labels = bytes(d.labels);
  const refused = bytes(d.refused);
  const outcomes = d.outcomes === null ? null : bytes(d.outcomes);
  const error = diagramCellsError(d, { labels, refused, outcomes });
  if (error) throw new Error(`the phase panel's diagram: ${error}`);
  return {
    method: d.method,
    x: { path: d.x.path, values: d.x.values, current: d.x.current, widthPower: d.x.widthPower },
    y: { path: d.y.path, values: d.y.values, current: d.y.current, widthPower: d.y.widthPower },
    labels,
    refused,
    labelNames: d.labelNames,
    scores: { kernelChange: floats(d.scores[d.shadeScore] ?? d.scores.kernelChange) },
    outcomes,
    lines: d.lines,
    thresholds: { kernelChange: d.thresholds.kernelChange, tangentChange: d.thresholds.tangentChange, zetaChange: d.thresholds.zetaChange, balanceChange: d.thresholds.balanceChange },
    budget: d.budget,
    defaultBudget: d.defaultBudget,
    scoredOver: d.scoredOver,
  };
}

/** The diagram the panel shows as the SVG figure. */
export function diagramSvg(d: Diagram): string {
  return phaseSvg(diagramFigure(d), { title: d.title });
}
