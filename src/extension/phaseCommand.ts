/**
 * "Feature Learning: Open Phase Diagram": asks for the two axes — a QuickPick of the experiment's
 * numeric keys, each with a default range that an input box lets the user change — and opens the
 * phase panel beside the file. Arguments skip the questions (tests, keybindings):
 * `{ documentUri?, x?: 'outputScale=1e-3:1e3', y?: 'init.scaleU=1e-4:1e1 linear', size? }`.
 */
import * as vscode from 'vscode';
import { MAX_PHASE_SIZE, PhaseAxisSpec } from '../protocol';
import { isExperimentFile } from './diagnostics';
import { baseName } from './dynamicsPanel';
import { PhaseManager } from './phasePanel';
import { axisCandidates, AxisCandidate, formatRange, parseAxisArgument, parseRange } from './phaseRun';

export const OPEN_PHASE_COMMAND = 'featureLearningLab.openPhaseDiagram';
/** Cells a side by default: 256² cells take about 0.15–0.3 s in the worker on these machines. */
export const DEFAULT_PHASE_SIZE = 256;

export function registerPhaseCommand(phases: PhaseManager, log: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.commands.registerCommand(OPEN_PHASE_COMMAND, async (arg?: unknown) => {
    try {
      return await openPhase(phases, arg);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      log.error(`Open Phase Diagram: ${message}`);
      void vscode.window.showWarningMessage(`Feature Learning: Open Phase Diagram failed: ${message}`);
      return undefined;
    }
  });
}

async function openPhase(phases: PhaseManager, arg?: unknown): Promise<string | undefined> {
  const a = (typeof arg === 'object' && arg !== null && !(arg instanceof vscode.Uri) ? arg : {}) as Record<string, unknown>;
  const given = arg instanceof vscode.Uri ? arg : typeof a.documentUri === 'string' ? vscode.Uri.parse(a.documentUri, true) : a.documentUri instanceof vscode.Uri ? a.documentUri : undefined;
  const active = vscode.window.activeTextEditor?.document;
  const uri = given ?? (active && (isExperimentFile(active.uri) || active.languageId === 'jsonc' || active.languageId === 'json') ? active.uri : undefined) ?? (await pickExperiment());
  if (!uri) return undefined;
  const document = await vscode.workspace.openTextDocument(uri);
  const candidates = axisCandidates(document.getText());
  if (candidates.length < 2) {
    void vscode.window.showWarningMessage(`${baseName(uri)} is not a valid experiment yet (or has fewer than two numeric hyperparameters): fix it first.`);
    return undefined;
  }
  const size = typeof a.size === 'number' && Number.isInteger(a.size) && a.size >= 2 && a.size <= MAX_PHASE_SIZE ? a.size : DEFAULT_PHASE_SIZE;
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
  phases.open(uri, { x, y, size });
  return uri.toString();
}

async function askAxis(which: string, candidates: AxisCandidate[], exclude: string | undefined): Promise<PhaseAxisSpec | undefined> {
  const items = candidates
    .filter((c) => c.path !== exclude)
    .map((c) => ({
      label: c.path,
      description: c.current === null ? 'not in the file' : `now ${c.current}`,
      detail: `${formatRange(c.range)} (${c.range.scale})${c.fast ? '' : ' — redraws the network per value: slower'}`,
      candidate: c,
    }));
  const picked = await vscode.window.showQuickPick(items, { title: `Phase diagram: ${which} axis`, placeHolder: 'Which hyperparameter?', matchOnDescription: true });
  if (!picked) return undefined;
  const c = picked.candidate;
  const text = await vscode.window.showInputBox({
    title: `Phase diagram: range of ${c.path}`,
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

async function pickExperiment(): Promise<vscode.Uri | undefined> {
  const files = await vscode.workspace.findFiles('**/*.flab.json', '**/node_modules/**', 200);
  if (files.length === 0) {
    void vscode.window.showInformationMessage('Open a .flab.json experiment first.');
    return undefined;
  }
  if (files.length === 1) return files[0];
  const picked = await vscode.window.showQuickPick(files.map((f) => ({ label: baseName(f), description: vscode.workspace.asRelativePath(f), uri: f })), { title: 'Open Phase Diagram', placeHolder: 'Which experiment?' });
  return picked?.uri;
}
