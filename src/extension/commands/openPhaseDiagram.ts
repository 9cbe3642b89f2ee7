/**
 * "Feature Learning: Open Phase Diagram": asks for the two axes — a QuickPick of the experiment's
 * numeric keys, each with a default range that an input box lets the user change — and opens the
 * phase panel beside the file (in the group of the panels already open, if any: `PanelPlacement`),
 * at the side the setting `featureLearningLab.phaseGridSize` gives and with the method the panel
 * showed last (the exact flow for a new one). Arguments skip the questions (tests, keybindings):
 * `{ documentUri?, x?: 'outputScale=1e-3:1e3', y?: 'init.scaleU=1e-4:1e1 linear', size?, method?:
 * 'flow' | 'descent' }`.
 */
import * as vscode from 'vscode';
import { MAX_PHASE_SIZE, PHASE_PANEL_METHODS, PhaseAxisSpec, type PhaseMethod } from '../../protocol/phase';
import { formatSignificant } from '../../core/mechanisms/explain';
import { baseName } from '../panels/livePanel';
import { AxisCandidate, axisCandidates, candidateNow, candidateRangeOf, formatRange, parseAxisArgument, parseRange, phaseDiagramRefusal } from '../phase/axes';
import { isExperimentFile } from '../problems';
import { Command, pickExperiment, uriArgument } from './context';

export const openPhaseDiagram: Command = {
  id: 'featureLearningLab.openPhaseDiagram',
  title: 'Open Phase Diagram',
  async run({ phases, settings }, arg?: unknown) {
    const a = (typeof arg === 'object' && arg !== null && !(arg instanceof vscode.Uri) ? arg : {}) as Record<string, unknown>;
    const given = arg instanceof vscode.Uri ? arg : uriArgument(a.documentUri);
    const active = vscode.window.activeTextEditor?.document;
    const uri = given ?? (active && (isExperimentFile(active.uri) || active.languageId === 'jsonc' || active.languageId === 'json') ? active.uri : undefined) ?? (await pickExperiment('Open Phase Diagram'));
    if (!uri) return undefined;
    const document = await vscode.workspace.openTextDocument(uri);
    const refusal = phaseDiagramRefusal(document.getText(), baseName(uri));
    if (refusal) {
      void vscode.window.showWarningMessage(refusal);
      return undefined;
    }
    const candidates = axisCandidates(document.getText());
    const size = typeof a.size === 'number' && Number.isInteger(a.size) && a.size >= 2 && a.size <= MAX_PHASE_SIZE ? a.size : settings().phaseGridSize;
    const method: PhaseMethod = (PHASE_PANEL_METHODS as readonly unknown[]).includes(a.method) ? (a.method as PhaseMethod) : (phases.get(uri)?.delegate.axes.method ?? 'flow');
    const fromArg = (v: unknown): PhaseAxisSpec | undefined => {
      if (typeof v !== 'string') return undefined;
      const r = parseAxisArgument(v);
      if ('error' in r) throw new Error(r.error);
      return r;
    };
    const x = fromArg(a.x) ?? (await askAxis('x (horizontal)', candidates, undefined));
    if (!x) return undefined;
    const y = fromArg(a.y) ?? (await askAxis('y (vertical)', candidates, x.key));
    if (!y) return undefined;
    phases.open(uri, { x, y, size, method });
    return uri.toString();
  },
};

async function askAxis(which: string, candidates: AxisCandidate[], exclude: string | undefined): Promise<PhaseAxisSpec | undefined> {
  const items = candidates
    .filter((c) => c.path !== exclude)
    .map((c) => ({
      label: c.path,
      description: candidateNow(c),
      // The range once, with its scale once (formatRange's " linear" suffix is the input box's syntax, not a label).
      detail: `${formatSignificant(c.range.from, 6)} to ${formatSignificant(c.range.to, 6)}, ${c.range.scale} scale${candidateRangeOf(c)}${c.fast ? '' : ' — redraws the network per value: slower'}`,
      candidate: c,
    }));
  const picked = await vscode.window.showQuickPick(items, { title: `Phase diagram: ${which} axis`, placeHolder: 'Which hyperparameter?', matchOnDescription: true });
  if (!picked) return undefined;
  const c = picked.candidate;
  const text = await vscode.window.showInputBox({
    title: `Phase diagram: range of ${c.path}${candidateRangeOf(c)}`,
    prompt: 'FROM:TO, log-spaced (add "linear" for a linear axis)',
    value: formatRange(c.range),
    validateInput: (v) => {
      const r = parseRange(c.path, v);
      return 'error' in r ? r.error : undefined;
    },
  });
  if (text === undefined) return undefined;
  const r = parseRange(c.path, text);
  return 'error' in r ? undefined : r;
}
