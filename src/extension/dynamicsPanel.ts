/**
 * One dynamics panel on one experiment file. The document is the source of truth: every change
 * (typing, not only saving) is parsed, solved in the worker and posted; edits made in the panel go
 * back into the document and come round the same loop. The webview keeps nothing that cannot be
 * rebuilt, so a hidden panel is simply re-hydrated when it says `ready` again.
 */
import * as vscode from 'vscode';
import { parseExperiment } from '../core/experiment/parse';
import { Diagnostic } from '../core/experiment/diagnostic';
import { ControlKey, ControlState, parseFromWebview, ToWebview } from '../protocol';
import { MAIN_THREAD_PARSE_LIMIT, toErrorInfo, toVsDiagnostics } from './diagnostics';
import { readControls } from './controls';
import { ExportedRun } from './exportData';
import { LatestOnlyQueue } from './latestOnly';
import { LiveScheduler } from './liveScheduler';
import { LoadWatchdog } from './loadWatchdog';
import { SolverBridge } from './solverBridge';
import { VersionGate } from './versionGate';
import { makeNonce, webviewHtml } from './webviewHtml';
import { editCompareSimulate, editControlValue, TextEdit } from './writeBack';

export const VIEW_TYPE = 'flab.dynamics';
/** A run still going after this long shows the panel's busy state and a progress indicator. */
const BUSY_AFTER_MS = 150;

type UpdateMessage = Extract<ToWebview, { type: 'update' }>;
type InvalidMessage = Extract<ToWebview, { type: 'invalid' }>;
type Write = { kind: 'value'; key: ControlKey; value: number; final: boolean } | { kind: 'compare'; simulate: boolean };

export interface PanelSettings {
  debounceMs: number;
  maxPoints: number;
}

/** What a panel needs from the extension. */
export interface PanelServices {
  extensionUri: vscode.Uri;
  workerPath: string;
  diagnostics: vscode.DiagnosticCollection;
  log: vscode.LogOutputChannel;
  settings(): PanelSettings;
  /** Every message posted to a webview (for the testing API and the bench). */
  posted(panel: DynamicsPanel, message: ToWebview, changeToPostMs: number | undefined): void;
  disposed(panel: DynamicsPanel): void;
  activated(panel: DynamicsPanel): void;
}

/** The webview options: scripts on, and only dist/ and media/ readable. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export function panelTitle(uri: vscode.Uri): string {
  return `Dynamics: ${baseName(uri)}`;
}

export function baseName(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1);
}

/** The experiment a restored panel recorded, if it still exists (untitled documents are not checked). */
export async function restorableUri(documentUri: string | undefined): Promise<vscode.Uri | undefined> {
  if (documentUri === undefined) return undefined;
  try {
    const uri = vscode.Uri.parse(documentUri, true);
    if (uri.scheme !== 'untitled') await vscode.workspace.fs.stat(uri);
    return uri;
  } catch {
    return undefined;
  }
}

export class DynamicsPanel implements vscode.Disposable {
  private ready = false;
  private disposed = false;
  private readonly gate = new VersionGate<string>();
  private readonly scheduler: LiveScheduler;
  private readonly bridge: SolverBridge;
  private readonly writes: LatestOnlyQueue<Write>;
  /** Loads the page again when it never says `ready` (see loadWatchdog.ts). */
  private readonly watchdog: LoadWatchdog;
  private readonly subscriptions: vscode.Disposable[] = [];
  private lastGood: UpdateMessage | undefined;
  private lastInvalid: InvalidMessage | undefined;
  /** When the change that the next run answers happened (for the latency figure). */
  private changedAt: number | undefined;
  private nextChartRequest = 1;
  private readonly chartRequests = new Map<number, (dataUrl: string) => void>();
  private readyWaiters: Array<() => void> = [];
  /** A slider drag is under way: its edits so far form one undo step, closed by the `final` one. */
  private dragging = false;
  /** The webview shows gradient descent instead of the flow (its view preference, told after `ready`). */
  private wantDescent = false;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private documentUri: vscode.Uri,
    private readonly services: PanelServices,
  ) {
    const webview = panel.webview;
    webview.options = webviewOptions(services.extensionUri);
    this.bridge = new SolverBridge(services.workerPath);
    this.scheduler = new LiveScheduler(() => void this.refresh().catch((err: unknown) => this.failed('updating the panel', err)), services.settings().debounceMs);
    this.writes = new LatestOnlyQueue((w) => this.write(w));
    this.watchdog = new LoadWatchdog((attempt, waitedMs) => {
      if (this.disposed || this.ready || !panel.visible) return;
      services.log.warn(`the dynamics panel of ${this.documentUri.toString()} did not load within ${waitedMs} ms; loading it again (attempt ${attempt})`);
      this.render();
    });
    this.subscriptions.push(
      webview.onDidReceiveMessage((m: unknown) => this.receive(m)),
      panel.onDidDispose(() => this.dispose()),
      panel.onDidChangeViewState(() => {
        if (panel.active) services.activated(this);
        if (!panel.visible) {
          // Without retainContextWhenHidden the webview is gone; it says `ready` again when shown.
          this.ready = false;
          this.watchdog.cancel();
        } else {
          if (!this.ready && !this.watchdog.waiting) this.watchdog.expect();
          this.scheduler.trigger();
        }
      }),
    );
    this.render();
    this.scheduler.trigger();
  }

  get uri(): vscode.Uri {
    return this.documentUri;
  }

  /** The webview has said `ready` since it was last (re)loaded. */
  get isReady(): boolean {
    return this.ready;
  }

  /** What the panel shows now, for Export Data; undefined before the first good result. */
  get shownRun(): ExportedRun | undefined {
    const m = this.lastGood;
    if (!m) return undefined;
    return { title: m.title, documentUri: this.documentUri.toString(), trajectory: m.trajectory, simulation: m.simulation, deviation: m.deviation };
  }

  /** The last update and, while the document is invalid, the errors shown over it. */
  get snapshot(): { update: UpdateMessage | undefined; invalid: InvalidMessage | undefined } {
    return { update: this.lastGood, invalid: this.lastInvalid };
  }

  /** The tracked document changed. */
  documentChanged(): void {
    this.changedAt ??= performance.now();
    this.scheduler.trigger();
  }

  /** Settings changed: recompute even an unchanged document. */
  settingsChanged(): void {
    this.scheduler.setDelay(this.services.settings().debounceMs);
    this.gate.invalidate();
    this.scheduler.trigger();
  }

  /** The file was renamed or moved: follow it. */
  retarget(uri: vscode.Uri): void {
    this.services.diagnostics.delete(this.documentUri);
    this.documentUri = uri;
    this.panel.title = panelTitle(uri);
    this.postDocument();
    this.gate.invalidate();
    this.scheduler.trigger();
  }

  /** Closes the panel, telling the webview why first. */
  close(reason: string): void {
    this.post({ type: 'closed', reason });
    this.panel.dispose();
  }

  /** Asks the webview for its charts as a PNG; rejects after `timeoutMs`. */
  async chartImage(timeoutMs = 15_000): Promise<Uint8Array> {
    const deadline = Date.now() + timeoutMs;
    if (!this.ready) {
      this.panel.reveal(undefined, true);
      await this.whenReady(timeoutMs);
    }
    const requestId = this.nextChartRequest++;
    const dataUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.chartRequests.delete(requestId);
        reject(new Error('the panel did not send its chart image in time'));
      }, Math.max(1, deadline - Date.now()));
      this.chartRequests.set(requestId, (url) => {
        clearTimeout(timer);
        resolve(url);
      });
      this.post({ type: 'exportChart', requestId });
    });
    return Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
  }

  /** Shows the experiment file in an editor beside the panel, optionally at a one-based line and column. */
  async showSource(line?: number, column?: number): Promise<vscode.TextEditor | undefined> {
    const document = await this.document();
    if (!document) return undefined;
    const visible = vscode.window.visibleTextEditors.find((e) => e.document === document);
    const editor = await vscode.window.showTextDocument(document, { viewColumn: visible?.viewColumn ?? this.sourceColumn(), preserveFocus: false, preview: false });
    if (line !== undefined) {
      const l = Math.min(Math.max(0, line - 1), document.lineCount - 1);
      const c = Math.max(0, (column ?? 1) - 1);
      const position = document.validatePosition(new vscode.Position(l, c));
      editor.selection = new vscode.Selection(position, position);
      editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    }
    return editor;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.scheduler.dispose();
    this.watchdog.dispose();
    this.bridge.dispose();
    this.subscriptions.forEach((s) => s.dispose());
    this.readyWaiters.forEach((w) => w());
    this.services.disposed(this);
  }

  /** Logs an unexpected failure; the panel keeps what it shows (never an exception dialog). */
  private failed(what: string, err: unknown): void {
    this.services.log.error(`${what} for ${this.documentUri.toString()}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  }

  private render(): void {
    const webview = this.panel.webview;
    const dist = vscode.Uri.joinPath(this.services.extensionUri, 'dist');
    this.panel.title = panelTitle(this.documentUri);
    webview.html = webviewHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.css')).toString(),
      nonce: makeNonce(),
      title: panelTitle(this.documentUri),
    });
    this.ready = false;
    if (this.panel.visible) this.watchdog.expect();
  }

  private receive(raw: unknown): void {
    const message = parseFromWebview(raw);
    if (!message) {
      this.services.log.warn(`dropped a malformed message from the dynamics panel of ${this.documentUri.toString()}: ${safeJson(raw)}`);
      return;
    }
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.watchdog.loaded();
        this.rehydrate();
        this.readyWaiters.forEach((w) => w());
        this.readyWaiters = [];
        break;
      case 'setValue':
        // While dragging only the newest value is written; the release (`final`) is written too.
        void this.writes.push({ kind: 'value', key: message.key, value: message.value, final: message.final });
        break;
      case 'setCompare':
        void this.writes.push({ kind: 'compare', simulate: message.simulate });
        break;
      case 'showDescent':
        if (this.wantDescent !== message.descent) {
          this.wantDescent = message.descent;
          this.scheduler.trigger();
        }
        break;
      case 'chartImage': {
        const resolve = this.chartRequests.get(message.requestId);
        this.chartRequests.delete(message.requestId);
        resolve?.(message.dataUrl);
        break;
      }
      case 'reveal':
        this.showSource(message.line, message.column).catch((err: unknown) => this.failed('revealing the error', err));
        break;
    }
  }

  /** After `ready`: which file, the last good result, and the errors over it if the document is invalid now. */
  private rehydrate(): void {
    this.postDocument();
    if (this.lastGood) this.post(this.lastGood);
    if (this.lastInvalid) this.post(this.lastInvalid);
    this.scheduler.trigger();
  }

  private postDocument(): void {
    this.post({ type: 'document', documentUri: this.documentUri.toString(), fileName: baseName(this.documentUri) });
  }

  private post(message: ToWebview, changeToPostMs?: number): void {
    if (this.disposed) return;
    this.services.posted(this, message, changeToPostMs);
    // Messages posted before `ready` are lost; the snapshot is posted when it comes.
    if (this.ready) this.panel.webview.postMessage(message).then(undefined, (err: unknown) => this.failed('posting to the webview', err));
  }

  private whenReady(timeoutMs: number): Promise<void> {
    if (this.ready) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the panel did not load in time')), timeoutMs);
      this.readyWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** The tracked document, opened (without an editor) when no editor has it. */
  private async document(): Promise<vscode.TextDocument | undefined> {
    const key = this.documentUri.toString();
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
    if (open) return open;
    try {
      return await vscode.workspace.openTextDocument(this.documentUri);
    } catch (err) {
      this.services.log.warn(`cannot read ${key}: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  }

  private async refresh(): Promise<void> {
    if (this.disposed) return;
    const document = await this.document();
    if (!document || this.disposed) return;
    const text = document.getText();
    const descent = this.wantDescent;
    // The view preference is part of what is computed: a switch recomputes an unchanged document.
    const ticket = this.gate.begin(`${descent ? 'descent' : 'flow'}\u0000${text}`);
    if (ticket === null) {
      this.changedAt = undefined;
      return;
    }
    const changedAt = this.changedAt;
    this.changedAt = undefined;
    const latency = () => (changedAt === undefined ? undefined : performance.now() - changedAt);

    // Small documents are validated here at once: an error needs no worker round trip.
    if (text.length <= MAIN_THREAD_PARSE_LIMIT) {
      const parsed = parseExperiment(text);
      if (!parsed.experiment) {
        this.bridge.cancel();
        if (this.gate.accept(ticket)) this.showInvalid(ticket, text, document, parsed.diagnostics, readControls(parsed.tree), latency());
        return;
      }
    }

    const settings = this.services.settings();
    // The run's end, for the progress indicator (which may start after the run has ended).
    let ended = false;
    let endProgress: (() => void) | undefined;
    const busyTimer = setTimeout(() => {
      if (this.gate.isSuperseded(ticket) || this.disposed) return;
      this.post({ type: 'busy', version: ticket });
      void vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Solving ${baseName(this.documentUri)}` }, () =>
        ended ? Promise.resolve() : new Promise<void>((resolve) => (endProgress = resolve)),
      );
    }, BUSY_AFTER_MS);
    const result = await this.bridge.run(text, { maxPoints: settings.maxPoints, fileName: baseName(this.documentUri), descent });
    clearTimeout(busyTimer);
    ended = true;
    endProgress?.();
    if (result.superseded || this.disposed || !this.gate.accept(ticket)) return;
    const outcome = result.outcome;
    if (outcome.kind === 'invalid') {
      // A crashed worker may succeed next time: do not skip this text then.
      if (outcome.controls === null) this.gate.invalidate();
      this.showInvalid(ticket, text, document, outcome.diagnostics, outcome.controls, latency());
      return;
    }
    if (outcome.kind !== 'result') return;
    this.services.diagnostics.set(this.documentUri, []);
    const update: UpdateMessage = {
      type: 'update',
      version: ticket,
      title: outcome.title,
      trajectory: outcome.trajectory,
      simulation: outcome.simulation,
      deviation: outcome.deviation,
      controls: outcome.controls,
      compareSimulate: outcome.compareSimulate,
      sweep: outcome.sweep,
    };
    this.lastGood = update;
    this.lastInvalid = undefined;
    this.post(update, latency());
  }

  private showInvalid(ticket: number, text: string, document: vscode.TextDocument, diagnostics: Diagnostic[], controls: ControlState[] | null, changeToPostMs: number | undefined): void {
    this.services.diagnostics.set(this.documentUri, toVsDiagnostics(diagnostics, text, document));
    const message: InvalidMessage = { type: 'invalid', version: ticket, errors: toErrorInfo(diagnostics, text), controls };
    this.lastInvalid = message;
    this.post(message, changeToPostMs);
  }

  /** Writes one control's value (or the compare flag) into the document as a minimal, undoable edit. */
  private async write(w: Write): Promise<void> {
    // A document edited between computing and applying the edit makes applyEdit fail: recompute then.
    for (let attempt = 0; attempt < 3 && !this.disposed; attempt++) {
      const document = await this.document();
      if (!document) return;
      const text = document.getText();
      const edits = w.kind === 'value' ? editControlValue(text, w.key, w.value) : editCompareSimulate(text, w.simulate);
      if (edits === null) {
        const what = w.kind === 'value' ? w.key : 'compare.simulate';
        this.services.log.info(`${what} cannot be set in ${baseName(this.documentUri)} in its current form; the file is unchanged`);
        vscode.window.setStatusBarMessage(`Feature Learning: ${what} cannot be set in this file's current form`, 4000);
        // Put the webview's control back to what the document says.
        this.gate.invalidate();
        this.scheduler.trigger();
        return;
      }
      if (edits.length === 0) {
        if (w.kind === 'value' && w.final) this.dragging = false;
        return;
      }
      const version = document.version;
      if (await this.apply(document, edits, w)) return;
      if (document.version === version) {
        this.services.log.warn(`could not write ${w.kind === 'value' ? w.key : 'compare.simulate'} into ${this.documentUri.toString()}`);
        return;
      }
    }
  }

  /**
   * Applies the edits. When an editor shows the document, through it, so that a whole slider drag
   * is one undo step (no undo stop between its edits); else as a WorkspaceEdit. Either fails when
   * the document changed since the edits were computed.
   */
  private async apply(document: vscode.TextDocument, edits: readonly TextEdit[], w: Write): Promise<boolean> {
    const editor = vscode.window.visibleTextEditors.find((e) => e.document === document);
    if (!editor) return vscode.workspace.applyEdit(this.workspaceEdit(document, edits));
    const final = w.kind === 'compare' || w.final;
    const first = !this.dragging;
    const ok = await editor.edit(
      (builder) => {
        for (const e of edits) builder.replace(new vscode.Range(document.positionAt(e.offset), document.positionAt(e.offset + e.length)), e.content);
      },
      { undoStopBefore: first, undoStopAfter: final },
    );
    if (ok) this.dragging = !final;
    return ok;
  }

  private workspaceEdit(document: vscode.TextDocument, edits: readonly TextEdit[]): vscode.WorkspaceEdit {
    const edit = new vscode.WorkspaceEdit();
    for (const e of edits) edit.replace(document.uri, new vscode.Range(document.positionAt(e.offset), document.positionAt(e.offset + e.length)), e.content);
    return edit;
  }

  private sourceColumn(): vscode.ViewColumn {
    const own = this.panel.viewColumn;
    return own === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One;
  }
}

function safeJson(x: unknown): string {
  try {
    return JSON.stringify(x)?.slice(0, 200) ?? String(x);
  } catch {
    return String(x);
  }
}

