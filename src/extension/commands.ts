/**
 * The commands (category "Feature Learning"). Each takes optional arguments so that tests and
 * keybindings can skip its pickers and dialogs; without them it asks the user. Failures are
 * reported as messages, never thrown at the user.
 */
import * as vscode from 'vscode';
import { exportCsv, exportJson } from './exportData';
import { DynamicsPanel, baseName } from './dynamicsPanel';
import { isExperimentFile } from './diagnostics';
import { PanelManager } from './panelManager';
import { ExperimentTemplate, TEMPLATES } from './templates';

export const COMMANDS = {
  openPanel: 'featureLearningLab.openPanel',
  newExperiment: 'featureLearningLab.newExperiment',
  exportData: 'featureLearningLab.exportData',
  exportChart: 'featureLearningLab.exportChart',
  showSource: 'featureLearningLab.showSource',
} as const;

export function registerCommands(manager: PanelManager, log: vscode.LogOutputChannel): vscode.Disposable[] {
  const guarded =
    <A extends unknown[], R>(name: string, f: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R | undefined> => {
      try {
        return await f(...args);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        log.error(`${name}: ${message}`);
        void vscode.window.showWarningMessage(`Feature Learning: ${name} failed: ${message}`);
        return undefined;
      }
    };
  return [
    vscode.commands.registerCommand(COMMANDS.openPanel, guarded('Open Dynamics Panel', (uri?: unknown, uris?: unknown) => openPanel(manager, uri, uris))),
    vscode.commands.registerCommand(COMMANDS.newExperiment, guarded('New Experiment', (arg?: unknown) => newExperiment(manager, arg))),
    vscode.commands.registerCommand(COMMANDS.exportData, guarded('Export Data', (arg?: unknown) => exportData(manager, arg))),
    vscode.commands.registerCommand(COMMANDS.exportChart, guarded('Export Chart', (arg?: unknown) => exportChart(manager, arg))),
    vscode.commands.registerCommand(COMMANDS.showSource, guarded('Show Source', async () => {
      const panel = manager.current();
      if (panel) await panel.showSource();
    })),
  ];
}

/**
 * Opens (or reveals) the panel of: the explorer's selection, the given URI, the active editor's
 * document, or a file picked from the workspace's experiments. Returns the file's URI string.
 */
async function openPanel(manager: PanelManager, uri?: unknown, uris?: unknown): Promise<string | undefined> {
  const targets: vscode.Uri[] = Array.isArray(uris) && uris.every((u) => u instanceof vscode.Uri) ? uris : [];
  if (targets.length === 0) {
    const one = uri instanceof vscode.Uri ? uri : typeof uri === 'string' ? vscode.Uri.parse(uri, true) : undefined;
    const target = one ?? activeExperiment() ?? (await pickExperiment());
    if (!target) return undefined;
    targets.push(target);
  }
  for (const t of targets) manager.open(t);
  return targets[targets.length - 1].toString();
}

/** The active editor's document when it is an experiment (or any JSON the user chose to open as one). */
function activeExperiment(): vscode.Uri | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  if (!doc) return undefined;
  return isExperimentFile(doc.uri) || doc.languageId === 'json' || doc.languageId === 'jsonc' ? doc.uri : undefined;
}

async function pickExperiment(): Promise<vscode.Uri | undefined> {
  const files = await vscode.workspace.findFiles('**/*.flab.json', '**/node_modules/**', 200);
  if (files.length === 0) {
    void vscode.window.showInformationMessage('Open a .flab.json experiment first, or create one with "Feature Learning: New Experiment".');
    return undefined;
  }
  if (files.length === 1) return files[0];
  const picked = await vscode.window.showQuickPick(
    files.map((f) => ({ label: baseName(f), description: vscode.workspace.asRelativePath(f), uri: f })),
    { title: 'Open Dynamics Panel', placeHolder: 'Which experiment?' },
  );
  return picked?.uri;
}

/**
 * Creates `<template>.flab.json` (a saved file, so that schema validation, the panel's restore after
 * reload and the file's history all work) in the folder given (the explorer's folder), else next
 * to the active experiment, else in the first workspace folder, else where the user chooses; opens
 * it, and its panel beside it. Argument for tests: `{ template: 'alignment', folder?: Uri }`.
 * Returns the new file's URI string.
 */
async function newExperiment(manager: PanelManager, arg?: unknown): Promise<string | undefined> {
  const options = (typeof arg === 'object' && arg !== null && !(arg instanceof vscode.Uri) ? arg : {}) as { template?: unknown; folder?: unknown };
  let template: ExperimentTemplate | undefined = TEMPLATES.find((t) => t.id === options.template);
  if (!template) {
    const picked = await vscode.window.showQuickPick(
      TEMPLATES.map((t) => ({ label: t.label, detail: t.detail, template: t })),
      { title: 'New Experiment', placeHolder: 'Start from which experiment?', matchOnDetail: true },
    );
    template = picked?.template;
  }
  if (!template) return undefined;

  let folder = arg instanceof vscode.Uri ? arg : options.folder instanceof vscode.Uri ? options.folder : undefined;
  if (folder) {
    const stat = await vscode.workspace.fs.stat(folder);
    if (stat.type !== vscode.FileType.Directory) folder = vscode.Uri.joinPath(folder, '..');
  }
  const active = vscode.window.activeTextEditor?.document.uri;
  if (!folder && active && active.scheme === 'file' && isExperimentFile(active)) folder = vscode.Uri.joinPath(active, '..');
  folder ??= vscode.workspace.workspaceFolders?.[0]?.uri;

  let target: vscode.Uri | undefined;
  if (folder) {
    target = await freeName(folder, template.id);
  } else {
    target = await vscode.window.showSaveDialog({ title: 'New Experiment', saveLabel: 'Create', filters: { 'Experiments': ['flab.json'] } });
    if (target && !isExperimentFile(target)) target = target.with({ path: target.path.replace(/(\.json)?$/, '.flab.json') });
  }
  if (!target) return undefined;
  await vscode.workspace.fs.writeFile(target, Buffer.from(template.text, 'utf8'));
  const document = await vscode.workspace.openTextDocument(target);
  // The file where the user works (first group unless an editor is active), its panel beside it.
  await vscode.window.showTextDocument(document, { preview: false, viewColumn: vscode.window.activeTextEditor?.viewColumn ?? vscode.ViewColumn.One });
  manager.open(target);
  return target.toString();
}

/** `<stem>.flab.json`, or `<stem>-2.flab.json`, … whichever does not exist yet. */
async function freeName(folder: vscode.Uri, stem: string): Promise<vscode.Uri> {
  for (let i = 1; ; i++) {
    const candidate = vscode.Uri.joinPath(folder, `${stem}${i === 1 ? '' : `-${i}`}.flab.json`);
    try {
      await vscode.workspace.fs.stat(candidate);
    } catch {
      return candidate;
    }
  }
}

interface ExportArgs {
  format?: 'csv' | 'json';
  /** Where to write; without it a save dialog asks. */
  target?: vscode.Uri;
  /** Which panel (its file's URI); without it the current panel. */
  documentUri?: vscode.Uri;
}

function exportArgs(arg: unknown): ExportArgs {
  if (typeof arg !== 'object' || arg === null) return {};
  const a = arg as Record<string, unknown>;
  const uri = (x: unknown) => (x instanceof vscode.Uri ? x : typeof x === 'string' ? vscode.Uri.parse(x, true) : undefined);
  return { format: a.format === 'csv' || a.format === 'json' ? a.format : undefined, target: uri(a.target), documentUri: uri(a.documentUri) };
}

async function choosePanel(manager: PanelManager, documentUri: vscode.Uri | undefined): Promise<DynamicsPanel | undefined> {
  const panel = documentUri ? manager.get(documentUri) : manager.current();
  if (panel) return panel;
  const all = manager.all();
  if (all.length === 0) {
    void vscode.window.showInformationMessage('Open a dynamics panel first ("Feature Learning: Open Dynamics Panel").');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(all.map((p) => ({ label: baseName(p.uri), panel: p })), { placeHolder: 'Export from which panel?' });
  return picked?.panel;
}

/** Writes the series the panel shows as CSV or JSON. Argument for tests: `{ format, target, documentUri }`. Returns the file's URI string. */
async function exportData(manager: PanelManager, arg?: unknown): Promise<string | undefined> {
  const args = exportArgs(arg);
  const panel = await choosePanel(manager, args.documentUri);
  if (!panel) return undefined;
  const run = panel.shownRun;
  if (!run) {
    void vscode.window.showInformationMessage(`The panel of ${baseName(panel.uri)} has no result to export yet${panel.snapshot.invalid ? ': the file has errors' : ''}.`);
    return undefined;
  }
  let format = args.format;
  if (!format) {
    const picked = await vscode.window.showQuickPick(
      [
        { label: 'CSV', description: 'one row per time point', format: 'csv' as const },
        { label: 'JSON', description: 'columns and summaries, as `flab solve --json`', format: 'json' as const },
      ],
      { title: 'Export Data', placeHolder: 'Format' },
    );
    format = picked?.format;
  }
  if (!format) return undefined;
  const target = args.target ?? (await vscode.window.showSaveDialog({ defaultUri: sibling(panel.uri, format), filters: format === 'csv' ? { CSV: ['csv'] } : { JSON: ['json'] }, title: 'Export Data' }));
  if (!target) return undefined;
  await vscode.workspace.fs.writeFile(target, Buffer.from(format === 'csv' ? exportCsv(run) : exportJson(run), 'utf8'));
  void vscode.window.setStatusBarMessage(`Exported ${baseName(target)}`, 4000);
  return target.toString();
}

/** Writes the panel's charts as a PNG, drawn by the webview. Argument for tests: `{ target, documentUri }`. Returns the file's URI string. */
async function exportChart(manager: PanelManager, arg?: unknown): Promise<string | undefined> {
  const args = exportArgs(arg);
  const panel = await choosePanel(manager, args.documentUri);
  if (!panel) return undefined;
  const target = args.target ?? (await vscode.window.showSaveDialog({ defaultUri: sibling(panel.uri, 'png'), filters: { PNG: ['png'] }, title: 'Export Chart' }));
  if (!target) return undefined;
  const png = await panel.chartImage();
  await vscode.workspace.fs.writeFile(target, png);
  void vscode.window.setStatusBarMessage(`Exported ${baseName(target)}`, 4000);
  return target.toString();
}

/** `dir/name.flab.json` → `dir/name.<ext>`. */
function sibling(uri: vscode.Uri, ext: string): vscode.Uri {
  return uri.with({ path: uri.path.replace(/(\.flab)?\.json$/i, '') + `.${ext}` });
}
