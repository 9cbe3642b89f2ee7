/**
 * The Problems panel: the core's diagnostics (the CLI's messages) at their exact ranges, source
 * "flab", one entry per fault (`forProblems`); and validation of every open `*.flab.json` that has
 * no dynamics panel (a panel publishes its own diagnostics, solver errors included).
 */
import * as vscode from 'vscode';
import { findNodeAtLocation, Node } from 'jsonc-parser';
import { Diagnostic, lineAndColumn, visibleControls } from '../core/experiment/diagnostic';
import { parseAnyExperiment } from '../core/runs/anyExperiment';
import type { ErrorInfo } from '../protocol/common';
import type { DynamicsJob, DynamicsOutcome } from '../protocol/workers';
import { LiveScheduler } from './panels/liveScheduler';
import { WorkerChannel } from './workerChannel';

/** Texts up to this length are validated on the main thread (≈ 10 ms); longer ones in a worker. */
export const MAIN_THREAD_PARSE_LIMIT = 100_000;

export function isExperimentFile(uri: vscode.Uri): boolean {
  return uri.path.toLowerCase().endsWith('.flab.json');
}

/**
 * Whether VS Code's own JSON language features validate JSON syntax now (they do for every JSON and
 * JSONC document, `*.flab.json` included, unless the user turned `json.validate.enable` off).
 */
export function jsonServiceValidates(): boolean {
  return vscode.extensions.getExtension('vscode.json-language-features') !== undefined && vscode.workspace.getConfiguration('json').get<boolean>('validate.enable', true) !== false;
}

/** A syntax error of the file (the parser's, not the format's). */
function isSyntaxError(d: Diagnostic): boolean {
  return d.path === '' && d.message.startsWith('invalid JSON:');
}

/**
 * What goes into the Problems panel: one entry per fault (issue 10). VS Code is given the format's
 * documentation without its validation (media/flab.editor.schema.json), so schema faults are ours
 * alone; syntax errors VS Code's JSON service reports itself, so ours are left out while it
 * validates. The panel's banner and the CLI keep every message.
 */
export function forProblems(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return jsonServiceValidates() ? diagnostics.filter((d) => !isSyntaxError(d)) : [...diagnostics];
}

/**
 * Converts located diagnostics of `text` for the Problems panel (`forProblems`); `document.positionAt`
 * when the document still holds that text, else the same computation on the text itself.
 */
export function toVsDiagnostics(diagnostics: readonly Diagnostic[], text: string, document: vscode.TextDocument | undefined): vscode.Diagnostic[] {
  const current = document !== undefined && document.getText() === text;
  const position = (offset: number) => {
    if (current) return document.positionAt(offset);
    const p = lineAndColumn(text, offset);
    return new vscode.Position(p.line, p.column);
  };
  return forProblems(diagnostics).map((d) => {
    const range = new vscode.Range(position(d.offset), position(d.offset + d.length));
    const out = new vscode.Diagnostic(range, visibleControls(d.message), d.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Error);
    out.source = 'flab';
    return out;
  });
}

/** What the webview's banner shows: the message at a one-based line and column. */
export function toErrorInfo(diagnostics: readonly Diagnostic[], text: string): ErrorInfo[] {
  return diagnostics.map((d) => {
    const p = lineAndColumn(text, d.offset);
    return { message: visibleControls(d.message), line: p.line + 1, column: p.column + 1 };
  });
}

/**
 * The top-level `name` of a parsed JSON tree, when it is a string, as a heading shows it
 * (`visibleControls`); null otherwise. For an experiment that cannot run: its heading says its name,
 * not its file's.
 */
export function treeName(tree: Node | undefined): string | null {
  const node = tree ? findNodeAtLocation(tree, ['name']) : undefined;
  return node?.type === 'string' && typeof node.value === 'string' ? visibleControls(node.value) : null;
}

/** Keeps the Problems panel current for open experiment files that no panel is tracking. */
export class Validator implements vscode.Disposable {
  private readonly schedulers = new Map<string, LiveScheduler>();
  private readonly channels = new Map<string, WorkerChannel<DynamicsJob, DynamicsOutcome>>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly collection: vscode.DiagnosticCollection,
    private readonly hasPanel: (uri: vscode.Uri) => boolean,
    /** A channel to the dynamics worker, for documents too long to validate on the main thread. */
    private readonly channel: () => WorkerChannel<DynamicsJob, DynamicsOutcome>,
    private readonly delayMs: () => number,
  ) {
    this.subscriptions.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.touch(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.touch(e.document)),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri)),
    );
  }

  /** Validates the experiment files already open. */
  start(): void {
    for (const d of vscode.workspace.textDocuments) this.touch(d);
  }

  /** A document opened or changed: validate it soon. */
  touch(document: vscode.TextDocument): void {
    if (!isExperimentFile(document.uri) || this.hasPanel(document.uri)) return;
    const key = document.uri.toString();
    let scheduler = this.schedulers.get(key);
    if (!scheduler) {
      scheduler = new LiveScheduler(() => void this.validate(document.uri).catch(() => undefined), this.delayMs());
      this.schedulers.set(key, scheduler);
    }
    scheduler.trigger();
  }

  /** Stops tracking a document (closed, or now tracked by a panel); clears its problems unless a panel owns them. */
  forget(uri: vscode.Uri): void {
    const key = uri.toString();
    this.schedulers.get(key)?.dispose();
    this.schedulers.delete(key);
    this.channels.get(key)?.dispose();
    this.channels.delete(key);
    if (!this.hasPanel(uri)) this.collection.delete(uri);
  }

  dispose(): void {
    for (const s of this.schedulers.values()) s.dispose();
    for (const c of this.channels.values()) c.dispose();
    this.subscriptions.forEach((s) => s.dispose());
  }

  private async validate(uri: vscode.Uri): Promise<void> {
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (!document || document.isClosed || this.hasPanel(uri)) return;
    const text = document.getText();
    const version = document.version;
    let diagnostics: Diagnostic[];
    if (text.length <= MAIN_THREAD_PARSE_LIMIT) {
      diagnostics = parseAnyExperiment(text).diagnostics;
    } else {
      const key = uri.toString();
      let channel = this.channels.get(key);
      if (!channel) this.channels.set(key, (channel = this.channel()));
      const r = await channel.run({ text, options: { maxPoints: 2, fileName: '', validateOnly: true } });
      if (r.superseded) return;
      diagnostics = r.result.kind === 'invalid' ? r.result.diagnostics : [];
    }
    // A newer version is validated by its own run.
    if (document.isClosed || document.version !== version || this.hasPanel(uri)) return;
    this.collection.set(uri, toVsDiagnostics(diagnostics, text, document));
  }
}
