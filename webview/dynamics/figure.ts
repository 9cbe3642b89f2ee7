/**
 * Export Chart's figure (docs/panel.md, "Figures for papers"): the charts as shown — view, zoom,
 * sweep — with the experiment's title, its label and why, and its parameters, as the content of an
 * SVG (src/core/figures/chartFigure.ts). The host draws the SVG itself from what this sends; for a
 * PNG the page rasterises that same SVG at the chosen scale, so both formats show one figure.
 */
import { figureSvg, labelHeadline, type FigureChart, type FigureSpec } from '../../src/core/figures/chartFigure';
import type { Parameter } from '../../src/core/figures/parameters';
import { explainLabel, formatScore } from '../../src/core/mechanisms/explain';
import type { ClassifyThresholds } from '../../src/core/mechanisms/classify';
import type { Trajectory } from '../../src/core/trajectory/trajectory';
import { deadRunNote, STATIONARY_NOTE } from '../../src/core/descent/deadUnits';
import type { Palette } from '../shared/theme';
import { CRITERION_TEXT } from './definitions';

/**
 * The figure's headline: the label of `run`, its regime and `what` (the dynamics), and its criteria in one
 * line — "Label: alignment (feature learning, exact gradient flow) — kernel change 12.3 ≥ 0.1, …" — and in
 * a sweep, `which` run it is of first, as the verdict above the charts says it ("Label for outputScale = 1
 * (sweep run 2 of 3): …", "Label for the file's own values (outputScale = 1): …"; `labelHeadline`). Null
 * for a run with no label that did not diverge.
 */
export function labelLine(run: Trajectory, thresholds: ClassifyThresholds, what: string, which: string | null = null): string | null {
  const s = run.summary;
  const of = which ? ` for ${which}` : '';
  if (typeof s.label !== 'string' || !s.label) return s.diverged ? `No label${of}: ${what} diverged at step ${s.diverged.step}` : s.dead ? `No label${of} (${what}): ${deadRunNote(s.dead.step)}` : s.stationary ? `No label${of} (${what}): ${STATIONARY_NOTE}` : null;
  if (!s.scores) return labelHeadline(s.label, what, [], which);
  const e = explainLabel(s.scores, thresholds, { zetaInitial: s.zetaInitial, zetaFinal: s.zetaFinal });
  const criteria = e.criteria
    .filter((c) => c.value !== null)
    .map((c) => `${CRITERION_TEXT[c.name].name.toLowerCase()} ${c.name === 'zetaChange' && (c.value as number) > 0 ? '+' : ''}${formatScore(c.value as number)} ${c.reached ? '≥' : '<'} ${formatScore(c.threshold)}`);
  return labelHeadline(e.label, `${e.regime}, ${what}`, criteria, which);
}

export interface FigureInput {
  title: string;
  label: string | null;
  parameters: readonly Parameter[];
  notes: string[];
  charts: FigureChart[];
  palette: Palette;
}

/** The figure's content from what the panel shows. */
export function figureSpec(input: FigureInput): FigureSpec {
  const { palette } = input;
  return {
    title: input.title,
    label: input.label,
    parameters: input.parameters.map((p) => `${p.symbol} = ${p.value}`),
    notes: input.notes,
    charts: input.charts,
    colours: { foreground: palette.foreground, background: palette.background, grid: palette.grid, shade: palette.yellow },
    columns: 2,
  };
}

/**
 * The figure as a PNG data URL at `scale` device pixels per px: the SVG drawn as an image onto a
 * canvas (an SVG from a data: URL leaves the canvas readable).
 */
export function rasterise(spec: FigureSpec, scale: number): Promise<string> {
  const svg = figureSvg(spec);
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => {
      const canvas = document.createElement('canvas');
      canvas.width = Math.max(1, Math.round(image.naturalWidth * scale));
      canvas.height = Math.max(1, Math.round(image.naturalHeight * scale));
      const ctx = canvas.getContext('2d');
      if (!ctx) {
        reject(new Error('no 2D canvas context'));
        return;
      }
      ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
      resolve(canvas.toDataURL('image/png'));
    };
    image.onerror = () => reject(new Error('the figure could not be drawn'));
    image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  });
}
