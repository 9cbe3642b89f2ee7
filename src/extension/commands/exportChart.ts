/**
 * "Feature Learning: Export Chart": the dynamics panel's charts as drawn now (view, zoom, sweep) as a
 * figure for a paper (docs/panel.md, "Figures for papers"): PNG at 1×, 2× or 3×, or SVG; on a
 * light page whatever the theme, or in the theme's colours; with the experiment's title, label and
 * parameters (a training panel's charts the same way: exportTraining.ts). The SVG is drawn here from
 * the series the webview sends (src/core/figures/chartFigure.ts); the PNG is that same SVG rasterised
 * by the webview. From a phase diagram: the figure `flab phase
 * --svg` draws (src/core/analysis/phase/phaseSvg.ts), as SVG or rasterised by the panel as a PNG, on a
 * white page. Written only where a save dialog says.
 * Argument: `{ documentUri?, panel?: 'dynamics' | 'training' | 'phase', format?: 'png' | 'svg', scale?: 1–4,
 * background?: 'light' | 'theme' }` (and, for the integration tests only, `target`). Returns the
 * file's URI string.
 */
import * as vscode from 'vscode';
import { figureSvg } from '../../core/figures/chartFigure';
import type { FigureOptions } from '../../protocol/dynamics';
import type { LivePanel } from '../panels/livePanel';
import type { PhaseDelegate } from '../phase/phasePanel';
import { announceExport, chooseExportPanel, Command, CommandContext, exportArgs, exportTarget, sibling } from './context';
import { exportTrainingChart } from './exportTraining';

interface Choice extends vscode.QuickPickItem {
  options: FigureOptions;
}

const CHOICES: Choice[] = [
  { label: 'PNG at 2×, light background', description: 'for papers and slides', options: { format: 'png', scale: 2, background: 'light' } },
  { label: 'PNG at 3×, light background', options: { format: 'png', scale: 3, background: 'light' } },
  { label: 'SVG, light background', description: 'vector: scales to any size', options: { format: 'svg', scale: 1, background: 'light' } },
  { label: 'PNG at 1×, light background', options: { format: 'png', scale: 1, background: 'light' } },
  { label: 'PNG at 2×, in the theme\'s colours', options: { format: 'png', scale: 2, background: 'theme' } },
  { label: 'SVG, in the theme\'s colours', options: { format: 'svg', scale: 1, background: 'theme' } },
];

/** The last choice of this session, offered first next time. */
let lastChoice: FigureOptions | undefined;

/** Figure options from a command argument; undefined for what it does not give. */
function optionsArgument(arg: unknown): Partial<FigureOptions> {
  if (typeof arg !== 'object' || arg === null) return {};
  const a = arg as Record<string, unknown>;
  return {
    format: a.format === 'png' || a.format === 'svg' ? a.format : undefined,
    scale: typeof a.scale === 'number' && Number.isFinite(a.scale) ? Math.min(4, Math.max(1, a.scale)) : undefined,
    background: a.background === 'light' || a.background === 'theme' ? a.background : undefined,
  };
}

async function askOptions(given: Partial<FigureOptions>): Promise<FigureOptions | undefined> {
  if (given.format) return { format: given.format, scale: given.scale ?? 2, background: given.background ?? 'light' };
  const first = lastChoice && CHOICES.find((c) => c.options.format === lastChoice?.format && c.options.scale === lastChoice.scale && c.options.background === lastChoice.background);
  const items = first ? [first, ...CHOICES.filter((c) => c !== first)] : CHOICES;
  const picked = await vscode.window.showQuickPick(items, { title: 'Export Chart', placeHolder: 'Format, scale and background (the figure carries the title, label and parameters)' });
  return picked?.options;
}

/** The phase diagram's choices: its figure is always on a white page. */
const PHASE_CHOICES: Choice[] = [
  { label: 'PNG at 2×', description: 'for papers and slides (the figure of flab phase --svg, on a white page)', options: { format: 'png', scale: 2, background: 'light' } },
  { label: 'PNG at 3×', options: { format: 'png', scale: 3, background: 'light' } },
  { label: 'SVG', description: 'vector: scales to any size', options: { format: 'svg', scale: 1, background: 'light' } },
  { label: 'PNG at 1×', options: { format: 'png', scale: 1, background: 'light' } },
];

/** The phase diagram's figure as PNG or SVG, to where the save dialog says. */
async function exportPhaseChart(context: CommandContext, panel: LivePanel<PhaseDelegate>, arg: unknown, target: unknown): Promise<string | undefined> {
  if (!panel.delegate.shown) {
    void vscode.window.showInformationMessage('The phase diagram has no result to export yet.');
    return undefined;
  }
  const given = optionsArgument(arg);
  const options = given.format ? { format: given.format, scale: given.scale ?? 2, background: 'light' as const } : (await vscode.window.showQuickPick(PHASE_CHOICES, { title: 'Export Chart', placeHolder: 'Format and scale of the phase diagram' }))?.options;
  if (!options) return undefined;
  const ext = options.format;
  const file = await exportTarget(target, { defaultUri: sibling(panel.uri, `phase.${ext}`), filters: ext === 'png' ? { PNG: ['png'] } : { SVG: ['svg'] }, title: 'Export Chart' });
  if (!file) return undefined;
  const bytes = ext === 'png' ? await panel.delegate.chartPng(options.scale) : Buffer.from(panel.delegate.chartSvg() ?? '', 'utf8');
  await vscode.workspace.fs.writeFile(file, bytes);
  announceExport(file, ext === 'png' ? `the phase diagram (PNG, ${options.scale}×)` : 'the phase diagram (SVG)', context.log);
  return file.toString();
}

export const exportChart: Command = {
  id: 'featureLearningLab.exportChart',
  title: 'Export Chart',
  async run(context, arg?: unknown) {
    const args = exportArgs(arg);
    const chosen = await chooseExportPanel(context, args);
    if (!chosen) return undefined;
    if (chosen.kind === 'phase') return exportPhaseChart(context, chosen.panel, arg, args.target);
    const options = await askOptions(optionsArgument(arg));
    if (!options) return undefined;
    lastChoice = options;
    if (chosen.kind === 'training') return exportTrainingChart(context, chosen.panel, options, args.target);
    const panel = chosen.panel;
    const ext = options.format;
    const target = await exportTarget(args.target, { defaultUri: sibling(panel.uri, ext), filters: ext === 'png' ? { PNG: ['png'] } : { SVG: ['svg'] }, title: 'Export Chart' });
    if (!target) return undefined;
    const answer = await panel.delegate.chartFigure(options);
    const bytes = 'png' in answer ? answer.png : Buffer.from(figureSvg(answer.figure), 'utf8');
    await vscode.workspace.fs.writeFile(target, bytes);
    announceExport(target, ext === 'png' ? `the chart (PNG, ${options.scale}×)` : 'the chart (SVG)', context.log);
    return target.toString();
  },
};
