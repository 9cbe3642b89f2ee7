/**
 * Phase-diagram panels: one per experiment file, over two axes chosen by the user. Like the
 * dynamics panel, the document is the source of truth: every change recomputes the grid in the
 * phase worker (off the main thread, in chunks), a newer edit cancelling the run in progress, and
 * results for superseded versions are dropped. A click on a cell opens that configuration's
 * dynamics as a preview: an untitled copy of the experiment (the two values substituted, nothing
 * else changed) with its own dynamics panel; the user's file is never written.
 */
import * as vscode from 'vscode';
import { lineAndColumn } from '../core/experiment/diagnostic';
import { parsePhasePanelState, parseFromPhaseWebview, PhaseAxisSpec, ToPhaseWebview } from '../protocol';
import { baseName, restorableUri } from './dynamicsPanel';
import { LiveScheduler } from './liveScheduler';
import { LoadWatchdog } from './loadWatchdog';
import { PhaseBridge } from './phaseBridge';
import { cellExperimentText, PhaseMessage } from './phaseRun';
import { VersionGate } from './versionGate';
import { makeNonce, webviewHtml } from './webviewHtml';

export const PHASE_VIEW_TYPE = 'flab.phase';
const BUSY_AFTER_MS = 150;

export interface PhaseServices {
  extensionUri: vscode.Uri;
  log: vscode.LogOutputChannel;
  debounceMs(): number;
  /** Opens the dynamics panel of a document (the cell preview), beside the phase panel. */
  openDynamics(uri: vscode.Uri, column: vscode.ViewColumn | undefined): void;
  posted(documentUri: string, message: ToPhaseWebview): void;
}

export interface PhaseConfig {
  x: PhaseAxisSpec;
  y: PhaseAxisSpec;
  size: number;
}

function phaseTitle(uri: vscode.Uri): string {
  return `Phase: ${baseName(uri)}`;
}

function phaseWebviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist')] };
}

export class PhasePanel implements vscode.Disposable {
  private ready = false;
  private disposed = false;
  private readonly gate = new VersionGate<string>();
  private readonly scheduler: LiveScheduler;
  private readonly bridge: PhaseBridge;
  /** Loads the page again when it never says `ready` (see loadWatchdog.ts). */
  private readonly watchdog: LoadWatchdog;
  private readonly subscriptions: vscode.Disposable[] = [];
  private last: (PhaseMessage & { version: number }) | undefined;
  private lastInvalid: Extract<ToPhaseWebview, { type: 'phaseInvalid' }> | undefined;
  /** The untitled copy that previews a cell, reused by later clicks while it is open. */
  private preview: vscode.Uri | undefined;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private documentUri: vscode.Uri,
    private config: PhaseConfig,
    private readonly services: PhaseServices,
    private readonly onDispose: (p: PhasePanel) => void,
  ) {
    const webview = panel.webview;
    webview.options = phaseWebviewOptions(services.extensionUri);
    this.bridge = new PhaseBridge(vscode.Uri.joinPath(services.extensionUri, 'dist', 'phaseWorker.js').fsPath);
    this.scheduler = new LiveScheduler(() => void this.refresh().catch((err: unknown) => this.failed('computing the phase diagram', err)), services.debounceMs());
    this.watchdog = new LoadWatchdog((attempt, waitedMs) => {
      if (this.disposed || this.ready || !panel.visible) return;
      services.log.warn(`the phase panel of ${this.documentUri.toString()} did not load within ${waitedMs} ms; loading it again (attempt ${attempt})`);
      this.render();
    });
    this.subscriptions.push(
      webview.onDidReceiveMessage((m: unknown) => this.receive(m)),
      panel.onDidDispose(() => this.dispose()),
      panel.onDidChangeViewState(() => {
        if (!panel.visible) {
          // Without retainContextWhenHidden the page is gone; it loads again (and says `ready`) when shown.
          this.ready = false;
          this.watchdog.cancel();
        } else if (!this.ready && !this.watchdog.waiting) {
          this.watchdog.expect();
        }
      }),
    );
    panel.title = phaseTitle(documentUri);
    this.render();
    this.scheduler.trigger();
  }

  /** Sets the page (a fresh nonce each time, so setting it again loads a new document). */
  private render(): void {
    const webview = this.panel.webview;
    const dist = vscode.Uri.joinPath(this.services.extensionUri, 'dist');
    this.ready = false;
    webview.html = webviewHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'phase.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'phase.css')).toString(),
      nonce: makeNonce(),
      title: phaseTitle(this.documentUri),
    });
    if (this.panel.visible) this.watchdog.expect();
  }

  get uri(): vscode.Uri {
    return this.documentUri;
  }

  get axes(): PhaseConfig {
    return this.config;
  }

  /** The last diagram (for tests and the bench). */
  get shown(): (PhaseMessage & { version: number }) | undefined {
    return this.last;
  }

  /** New axes: recompute. */
  setConfig(config: PhaseConfig): void {
    this.config = config;
    this.postDocument();
    this.scheduler.trigger();
  }

  documentChanged(): void {
    this.scheduler.trigger();
  }

  retarget(uri: vscode.Uri): void {
    this.documentUri = uri;
    this.panel.title = phaseTitle(uri);
    this.postDocument();
    this.gate.invalidate();
    this.scheduler.trigger();
  }

  close(reason: string): void {
    this.post({ type: 'closed', reason });
    this.panel.dispose();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.scheduler.dispose();
    this.watchdog.dispose();
    this.bridge.dispose();
    this.subscriptions.forEach((s) => s.dispose());
    this.onDispose(this);
  }

  private failed(what: string, err: unknown): void {
    this.services.log.error(`${what} for ${this.documentUri.toString()}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  }

  private post(message: ToPhaseWebview): void {
    if (this.disposed) return;
    this.services.posted(this.documentUri.toString(), message);
    if (this.ready) this.panel.webview.postMessage(message).then(undefined, (err: unknown) => this.failed('posting to the phase webview', err));
  }

  private postDocument(): void {
    this.post({ type: 'phaseDocument', documentUri: this.documentUri.toString(), fileName: baseName(this.documentUri), ...this.config });
  }

  private receive(raw: unknown): void {
    const m = parseFromPhaseWebview(raw);
    if (!m) {
      this.services.log.warn(`dropped a malformed message from the phase panel of ${this.documentUri.toString()}`);
      return;
    }
    switch (m.type) {
      case 'ready':
        this.ready = true;
        this.watchdog.loaded();
        this.postDocument();
        if (this.last) this.post({ ...this.last });
        if (this.lastInvalid) this.post(this.lastInvalid);
        this.scheduler.trigger();
        break;
      case 'openCell':
        this.openCell(m.version, m.row, m.col).catch((err: unknown) => this.failed('opening a cell', err));
        break;
      case 'reveal':
        this.reveal(m.line, m.column).catch((err: unknown) => this.failed('revealing the error', err));
        break;
    }
  }

  private async document(): Promise<vscode.TextDocument | undefined> {
    const key = this.documentUri.toString();
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
    if (open) return open;
    try {
      return await vscode.workspace.openTextDocument(this.documentUri);
    } catch {
      return undefined;
    }
  }

  private async refresh(): Promise<void> {
    if (this.disposed) return;
    const document = await this.document();
    if (!document || this.disposed) return;
    const text = document.getText();
    const ticket = this.gate.begin(JSON.stringify(this.config) + '\u0000' + text);
    if (ticket === null) return;
    let busy = false;
    const busyTimer = setTimeout(() => (busy = true), BUSY_AFTER_MS);
    const result = await this.bridge.run({ text, ...this.config, fileName: baseName(this.documentUri) }, (rowsDone, rows) => {
      if (busy && !this.gate.isSuperseded(ticket)) this.post({ type: 'phaseBusy', version: ticket, rowsDone, rows });
    });
    clearTimeout(busyTimer);
    if (result.superseded || this.disposed || !this.gate.accept(ticket)) return;
    const outcome = result.outcome;
    if (outcome.kind === 'invalid') {
      const errors = outcome.diagnostics.map((d) => {
        const p = lineAndColumn(text, d.offset);
        return { message: d.message, line: p.line + 1, column: p.column + 1 };
      });
      this.lastInvalid = { type: 'phaseInvalid', version: ticket, errors };
      this.post(this.lastInvalid);
      return;
    }
    this.last = { ...outcome.message, version: ticket };
    this.lastInvalid = undefined;
    this.post({ ...this.last });
  }

  /** Opens the dynamics of one cell: an untitled copy of the experiment with the two values substituted. */
  private async openCell(version: number, row: number, col: number): Promise<void> {
    const d = this.last;
    if (!d || d.version !== version || row >= d.y.values.length || col >= d.x.values.length) return;
    const document = await this.document();
    if (!document) return;
    const xv = d.x.values[col];
    const yv = d.y.values[row];
    const short = (p: string) => p.slice(p.lastIndexOf('.') + 1);
    const name = `${baseName(this.documentUri).replace(/\.flab\.json$/i, '')} at ${short(d.x.path)} = ${Number(xv.toPrecision(4))}, ${short(d.y.path)} = ${Number(yv.toPrecision(4))}`;
    const text = cellExperimentText(document.getText(), [{ path: d.x.path, value: xv }, { path: d.y.path, value: yv }], name);
    const open = this.preview && vscode.workspace.textDocuments.find((t) => t.uri.toString() === this.preview?.toString() && !t.isClosed);
    let target: vscode.TextDocument;
    if (open) {
      const edit = new vscode.WorkspaceEdit();
      edit.replace(open.uri, new vscode.Range(open.positionAt(0), open.positionAt(open.getText().length)), text);
      await vscode.workspace.applyEdit(edit);
      target = open;
    } else {
      target = await vscode.workspace.openTextDocument({ language: 'jsonc', content: text });
      this.preview = target.uri;
    }
    // The copy in an editor in the group right of the diagram (so it can be saved, and the diagram
    // stays in view), its dynamics panel over it.
    const column = Math.min(9, (this.panel.viewColumn ?? vscode.ViewColumn.One) + 1) as vscode.ViewColumn;
    const editor = await vscode.window.showTextDocument(target, { viewColumn: column, preserveFocus: true, preview: true });
    this.services.openDynamics(target.uri, editor.viewColumn);
  }

  private async reveal(line: number, column: number): Promise<void> {
    const document = await this.document();
    if (!document) return;
    const editor = await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One, preview: false });
    const position = document.validatePosition(new vscode.Position(line - 1, column - 1));
    editor.selection = new vscode.Selection(position, position);
    editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }
}

/** Every phase panel: one per file; restored after a reload; follows edits, renames and deletions. */
export class PhaseManager implements vscode.Disposable, vscode.WebviewPanelSerializer {
  private readonly panels = new Map<string, PhasePanel>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly services: PhaseServices) {
    this.subscriptions.push(
      vscode.window.registerWebviewPanelSerializer(PHASE_VIEW_TYPE, this),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0) this.get(e.document.uri)?.documentChanged();
      }),
      vscode.workspace.onDidRenameFiles((e) => {
        for (const { oldUri, newUri } of e.files) {
          const p = this.get(oldUri);
          if (!p) continue;
          this.panels.delete(oldUri.toString());
          this.panels.set(newUri.toString(), p);
          p.retarget(newUri);
        }
      }),
      vscode.workspace.onDidDeleteFiles((e) => e.files.forEach((uri) => this.get(uri)?.close(`${baseName(uri)} was deleted`))),
    );
  }

  get(uri: vscode.Uri): PhasePanel | undefined {
    return this.panels.get(uri.toString());
  }

  all(): PhasePanel[] {
    return [...this.panels.values()];
  }

  /** Shows the phase panel of `uri` over `config`, creating it or giving it the new axes. */
  open(uri: vscode.Uri, config: PhaseConfig): PhasePanel {
    const existing = this.get(uri);
    if (existing) {
      existing.setConfig(config);
      existing.panel.reveal(undefined, true);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(PHASE_VIEW_TYPE, phaseTitle(uri), { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, phaseWebviewOptions(this.services.extensionUri));
    return this.adopt(panel, uri, config);
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const saved = parsePhasePanelState(state);
    const uri = await restorableUri(saved?.documentUri);
    if (!saved || !uri || this.get(uri)) {
      panel.dispose();
      return;
    }
    this.adopt(panel, uri, { x: saved.x, y: saved.y, size: saved.size });
  }

  dispose(): void {
    for (const p of this.all()) p.panel.dispose();
    this.subscriptions.forEach((s) => s.dispose());
  }

  private adopt(panel: vscode.WebviewPanel, uri: vscode.Uri, config: PhaseConfig): PhasePanel {
    const p = new PhasePanel(panel, uri, config, this.services, (gone) => {
      const key = gone.uri.toString();
      if (this.panels.get(key) === gone) this.panels.delete(key);
    });
    this.panels.set(uri.toString(), p);
    return p;
  }
}
