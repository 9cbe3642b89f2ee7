/**
 * What every command gets (docs/architecture.md, "Commands"): the panel registries and the log,
 * and the helpers several commands share.
 */
import * as vscode from 'vscode';
import type { PhaseConfig } from '../../protocol/phase';
import type { DynamicsDelegate } from '../dynamics/dynamicsPanel';
import { baseName, LivePanel, type PanelSettings } from '../panels/livePanel';
import type { PanelRegistry } from '../panels/panelRegistry';
import type { PhaseDelegate } from '../phase/phasePanel';
import type { TrainingDelegate } from '../training/trainingPanel';
import { isExperimentFile } from '../problems';
import { inTestMode } from '../testHook';

export interface CommandContext {
  dynamics: PanelRegistry<DynamicsDelegate, Record<string, never>>;
  phases: PanelRegistry<PhaseDelegate, PhaseConfig>;
  /** Network and checkpoint experiments: the training panel. */
  training: PanelRegistry<TrainingDelegate, Record<string, never>>;
  log: vscode.LogOutputChannel;
  /** The settings every panel reads now. */
  settings(): PanelSettings;
}

/** A command: its id (`featureLearningLab.…`), its title for messages, and what it does. */
export interface Command {
  id: string;
  title: string;
  run(context: CommandContext, ...args: unknown[]): Promise<unknown>;
}

/** The active editor's document when it is an experiment (or any JSON the user chose to open as one). */
export function activeExperiment(): vscode.Uri | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  if (!doc) return undefined;
  return isExperimentFile(doc.uri) || doc.languageId === 'json' || doc.languageId === 'jsonc' ? doc.uri : undefined;
}

/** Asks which of the workspace's experiments (the only one without asking); undefined when there is none or the user cancels. */
export async function pickExperiment(title: string): Promise<vscode.Uri | undefined> {
  const files = await vscode.workspace.findFiles('**/*.flab.json', '**/node_modules/**', 200);
  if (files.length === 0) {
    void vscode.window.showInformationMessage('Open a .flab.json experiment first, or create one with "Feature Learning: New Experiment".');
    return undefined;
  }
  if (files.length === 1) return files[0];
  // By folder, then name (findFiles returns them in the file system's order, which reads as none).
  const items = files.map((f) => ({ label: baseName(f), description: vscode.workspace.asRelativePath(f), uri: f }));
  items.sort((a, b) => a.description.localeCompare(b.description, undefined, { numeric: true }));
  const picked = await vscode.window.showQuickPick(
    items,
    { title, placeHolder: 'Which experiment?' },
  );
  return picked?.uri;
}

/** A URI from a command argument: a Uri, or a string that parses as one. */
export function uriArgument(x: unknown): vscode.Uri | undefined {
  if (x instanceof vscode.Uri) return x;
  if (typeof x !== 'string') return undefined;
  try {
    return vscode.Uri.parse(x, true);
  } catch {
    return undefined;
  }
}

/**
 * Where an export is written: the file the user picks in a save dialog. A `target` passed as a
 * command argument is honoured only by the integration tests (behind the test hook): any extension
 * or a `command:` link may run a command, and must not be able to choose where we write.
 */
export async function exportTarget(requested: unknown, dialog: vscode.SaveDialogOptions): Promise<vscode.Uri | undefined> {
  const forTests = inTestMode() ? uriArgument(requested) : undefined;
  return forTests ?? (await vscode.window.showSaveDialog(dialog));
}

/**
 * Says where an export went, with an Open action (docs/panel.md, "Exports"). Not awaited by the
 * command: the notification stays until the user acts or dismisses it.
 */
export function announceExport(target: vscode.Uri, what: string, log: vscode.LogOutputChannel): void {
  const where = target.scheme === 'file' ? target.fsPath : target.toString();
  log.info(`exported ${what} to ${where}`);
  void vscode.window.showInformationMessage(`Exported ${what} to ${where}`, 'Open').then((choice) => {
    if (choice === 'Open') void vscode.commands.executeCommand('vscode.open', target);
  });
}

/** `dir/name.flab.json` → `dir/name.<ext>`. */
export function sibling(uri: vscode.Uri, ext: string): vscode.Uri {
  return uri.with({ path: uri.path.replace(/(\.flab)?\.json$/i, '') + `.${ext}` });
}

/**
 * The file an export offers by default: `sibling(uri, ext)`, unless that is a file the panel reads
 * (`reads`): then `<name>.export.<ext>` — data.flab.json's Export Data offered data.csv, its training
 * data, one confirmation away from being overwritten.
 */
export function exportDefaultUri(uri: vscode.Uri, ext: string, reads: (candidate: vscode.Uri) => boolean): vscode.Uri {
  const beside = sibling(uri, ext);
  return reads(beside) ? sibling(uri, `export.${ext}`) : beside;
}

/** The kinds of panel the export commands export from. */
export type ExportKind = 'dynamics' | 'training' | 'phase';

/** The arguments of the export commands. */
export interface ExportArgs {
  format?: 'csv' | 'json';
  /** Honoured only in the integration tests (see `exportTarget`). */
  target?: unknown;
  /** Which panel (its file's URI); without it the current panel. */
  documentUri?: vscode.Uri;
  /** Which kind of panel; without it the active panel's kind (see `chooseExportPanel`). */
  panel?: ExportKind;
}

export function exportArgs(arg: unknown): ExportArgs {
  if (typeof arg !== 'object' || arg === null) return {};
  const a = arg as Record<string, unknown>;
  return {
    format: a.format === 'csv' || a.format === 'json' ? a.format : undefined,
    target: a.target,
    documentUri: uriArgument(a.documentUri),
    panel: a.panel === 'dynamics' || a.panel === 'training' || a.panel === 'phase' ? a.panel : undefined,
  };
}

/** A panel of any kind, for the export commands. */
export type ExportPanel =
  | { kind: 'dynamics'; panel: LivePanel<DynamicsDelegate> }
  | { kind: 'training'; panel: LivePanel<TrainingDelegate> }
  | { kind: 'phase'; panel: LivePanel<PhaseDelegate> };

const KIND_NOUNS: Record<ExportKind, string> = { dynamics: 'dynamics', training: 'training', phase: 'phase diagram' };

/**
 * The panel an export is made from: of the kind `args.panel` names, or else of the active panel's
 * kind (a phase diagram when it has the focus, as from its title bar's buttons), else a dynamics
 * panel, a training panel, a phase diagram, in this order; of `args.documentUri` when given, else the
 * kind's current panel. Asks when several could be meant; undefined (with a message) when there is none.
 */
export async function chooseExportPanel(context: CommandContext, args: ExportArgs): Promise<ExportPanel | undefined> {
  const registries = { dynamics: context.dynamics, training: context.training, phase: context.phases } as const;
  const panelsOf = (kind: ExportKind): ExportPanel[] => registries[kind].all().map((panel) => ({ kind, panel }) as ExportPanel);
  const order: ExportKind[] = ['dynamics', 'training', 'phase'];
  const active = order.find((kind) => registries[kind].all().some((p) => p.panel.active));
  const kinds = args.panel ? [args.panel] : active ? [active, ...order.filter((k) => k !== active)] : order;
  for (const kind of kinds) {
    const panel = args.documentUri ? registries[kind].get(args.documentUri) : registries[kind].current();
    if (panel) return { kind, panel } as ExportPanel;
  }
  const all = kinds.flatMap(panelsOf);
  if (all.length === 0) {
    const what =
      args.panel === 'phase' ? 'a phase diagram first ("Feature Learning: Open Phase Diagram")'
      : args.panel ? `a ${args.panel} panel first ("Feature Learning: Open Dynamics Panel")`
      : 'a dynamics panel or a phase diagram first ("Feature Learning: Open Dynamics Panel", "Open Phase Diagram")';
    void vscode.window.showInformationMessage(`Open ${what}.`);
    return undefined;
  }
  if (all.length === 1) return all[0];
  const picked = await vscode.window.showQuickPick(
    all.map((p) => ({ label: baseName(p.panel.uri), description: KIND_NOUNS[p.kind], choice: p })),
    { placeHolder: 'Export from which panel?' },
  );
  return picked?.choice;
}
