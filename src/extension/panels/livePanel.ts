/**
 * One live panel on one experiment file: the lifecycle every panel kind shares, written once
 * (docs/architecture.md, "Panels"). The document is the source of truth: every change (typing, not
 * only saving) is computed by the panel kind's delegate and posted; the webview keeps nothing that
 * cannot be rebuilt, so a hidden panel is simply re-hydrated when it says `ready` again.
 *
 * What lives here: the handshake (`ready`, and a load watchdog that reloads a page that never says
 * it), the scheduler (first change at once, later ones coalesced), the version gate (a result for a
 * superseded document is dropped), the busy indicator, posting (never before `ready`), rehydration,
 * following a rename, closing, disposal, and revealing an error in the file. What a panel kind adds —
 * what it computes, which messages it handles — is its `PanelDelegate`.
 */
import * as vscode from 'vscode';
import { CommonFromWebview, describeMalformed, parseCommon } from '../../protocol/common';
import { LiveScheduler } from './liveScheduler';
import { LoadWatchdog } from './loadWatchdog';
import { PageHandshake } from './pageHandshake';
import { VersionGate } from './versionGate';
import { makeNonce, webviewHtml } from './webviewHtml';

/** A run still going after this long shows the panel's busy state. */
export const BUSY_AFTER_MS = 150;

/** A message to a webview: every panel kind's messages have a `type`. */
export interface PanelMessage {
  type: string;
}

/** What distinguishes one kind of panel for VS Code and the user. */
export interface PanelKind {
  /** The webview panel's view type (`flab.dynamics`), also the serializer's key. */
  viewType: string;
  /** The webview bundle: dist/<bundle>.js and dist/<bundle>.css. */
  bundle: string;
  /** In messages and logs: "dynamics panel". */
  noun: string;
  /** The tab title for a file name. */
  title(fileName: string): string;
}

/** Settings every panel reads (`featureLearningLab.*`). */
export interface PanelSettings {
  debounceMs: number;
  maxPoints: number;
  /** Cells along each side of a phase diagram (64 … 1024). */
  phaseGridSize: number;
}

/** What a panel needs from the extension. */
export interface PanelServices {
  extensionUri: vscode.Uri;
  log: vscode.LogOutputChannel;
  settings(): PanelSettings;
  /** Every message posted to a webview (for the testing API and the bench); `changeToPostMs` for results answering a document change. */
  posted(panel: LivePanel, message: PanelMessage, changeToPostMs: number | undefined): void;
  disposed(panel: LivePanel): void;
  activated(panel: LivePanel): void;
}

/** One computation for one state of the document, as the core hands it to the delegate. */
export interface ComputeRequest {
  text: string;
  document: vscode.TextDocument;
  /** The version every message answering this request carries. */
  version: number;
  /** Whether a newer request has been made since this one. */
  superseded(): boolean;
}

/**
 * A delegate's answer: the message to show (a result, or the errors over the last result), or
 * nothing (superseded, or nothing to show). `retry` forgets the document so that the same text is
 * computed again next time (a crashed worker may succeed then).
 */
export type ComputeResult = { kind: 'result'; message: PanelMessage } | { kind: 'invalid'; message: PanelMessage; retry?: boolean } | undefined;

/** What the core offers its delegate. */
export interface PanelHost {
  readonly panel: vscode.WebviewPanel;
  readonly uri: vscode.Uri;
  readonly services: PanelServices;
  /** The last result and, while the document is invalid, the errors shown over it. */
  readonly snapshot: { result: PanelMessage | undefined; invalid: PanelMessage | undefined };
  /** Posts once the webview is ready (dropped before; the snapshot is posted on `ready`). */
  post<M extends PanelMessage>(message: M): void;
  /**
   * Shows a result while a computation is still running (a training's snapshot, a stopped state):
   * posted, and kept as the result a re-loaded page is given.
   */
  showResult<M extends PanelMessage>(message: M): void;
  /** Computes again soon (a view preference changed); `force` even an unchanged document. */
  refresh(force?: boolean): void;
  /** The tracked document, opened (without an editor) when no editor has it; undefined for an untitled one that is closed. */
  document(): Promise<vscode.TextDocument | undefined>;
  /** Resolves once the webview has said `ready` (revealing the panel when hidden); rejects after `timeoutMs`. */
  whenReady(timeoutMs: number): Promise<void>;
  /** Logs an unexpected failure; the panel keeps what it shows (never an exception dialog). */
  failed(what: string, err: unknown): void;
  /** Shows the experiment file beside the panel, at a one-based line and column when given. */
  showSource(line?: number, column?: number): Promise<vscode.TextEditor | undefined>;
}

/** What a panel kind adds to the shared lifecycle. */
export interface PanelDelegate {
  /** The key of the version gate: the text and whatever else the result depends on (a view preference, axes). */
  key(text: string): string;
  /** Computes the message for one state of the document. Never throws for a bad document. */
  compute(request: ComputeRequest): Promise<ComputeResult>;
  /** A run has been going for BUSY_AFTER_MS: show it (`ended` resolves when it is over). */
  busy?(version: number, ended: Promise<void>): void;
  /** The `document` message (which file; for the webview's saved state). */
  documentMessage(): PanelMessage;
  /** A message from the webview other than `ready` and `reveal`; returns false when it is malformed. */
  receive(message: unknown): boolean;
  /** The file was renamed or moved (from `oldUri`). */
  retargeted?(oldUri: vscode.Uri): void;
  /** Settings changed (the scheduler's delay is already updated). */
  settingsChanged?(): void;
  /**
   * Files on disk were created, written or deleted (by VS Code or another program): true when the
   * result depends on one of them (a data file), and the panel computes again.
   */
  filesChanged?(uris: readonly vscode.Uri[]): boolean;
  dispose?(): void;
}

export class LivePanel<D extends PanelDelegate = PanelDelegate> implements vscode.Disposable, PanelHost {
  private ready = false;
  private disposed = false;
  private readonly gate = new VersionGate<string>();
  private readonly scheduler: LiveScheduler;
  private readonly watchdog: LoadWatchdog;
  private readonly subscriptions: vscode.Disposable[] = [];
  private lastResult: PanelMessage | undefined;
  private lastInvalid: PanelMessage | undefined;
  /** When the change that the next run answers happened (for the latency figure). */
  private changedAt: number | undefined;
  private readyWaiters: Array<() => void> = [];
  /** The id of the page set last: only its `ready` counts (a page replaced while loading may still say it). */
  private readonly pages = new PageHandshake();
  readonly delegate: D;

  constructor(
    readonly kind: PanelKind,
    readonly panel: vscode.WebviewPanel,
    private documentUri: vscode.Uri,
    readonly services: PanelServices,
    createDelegate: (host: PanelHost) => D,
  ) {
    panel.webview.options = webviewOptions(services.extensionUri);
    this.scheduler = new LiveScheduler(() => void this.update().catch((err: unknown) => this.failed(`updating the ${kind.noun}`, err)), services.settings().debounceMs);
    this.watchdog = new LoadWatchdog((attempt, waitedMs) => {
      if (this.disposed || this.ready || !panel.visible) return;
      services.log.warn(`the ${kind.noun} of ${this.documentUri.toString()} did not load within ${waitedMs} ms; loading it again (attempt ${attempt})`);
      this.render();
    });
    this.delegate = createDelegate(this);
    this.subscriptions.push(
      panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m)),
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

  /** The last result and, while the document is invalid, the errors shown over it. */
  get snapshot(): { result: PanelMessage | undefined; invalid: PanelMessage | undefined } {
    return { result: this.lastResult, invalid: this.lastInvalid };
  }

  /** The coalescing window of live updates now in force (the `debounceMs` setting), in milliseconds. */
  get coalescingMs(): number {
    return this.scheduler.delay;
  }

  /** The tracked document changed. */
  documentChanged(): void {
    this.changedAt ??= performance.now();
    this.scheduler.trigger();
  }

  /** Settings changed: a new coalescing window, and whatever the delegate derives from them. */
  settingsChanged(): void {
    this.scheduler.setDelay(this.services.settings().debounceMs);
    this.delegate.settingsChanged?.();
  }

  /** Files on disk changed: computed again when the result depends on one of them (`PanelDelegate.filesChanged`). */
  filesChanged(uris: readonly vscode.Uri[]): void {
    if (!this.disposed && this.delegate.filesChanged?.(uris)) this.refresh(true);
  }

  refresh(force = false): void {
    if (force) this.gate.invalidate();
    this.scheduler.trigger();
  }

  /** The file was renamed or moved: follow it. */
  retarget(uri: vscode.Uri): void {
    const old = this.documentUri;
    this.documentUri = uri;
    this.panel.title = this.kind.title(baseName(uri));
    this.delegate.retargeted?.(old);
    this.post(this.delegate.documentMessage());
    this.refresh(true);
  }

  /** Closes the panel, telling the webview why first. */
  close(reason: string): void {
    this.post({ type: 'closed', reason } as PanelMessage);
    this.panel.dispose();
  }

  post<M extends PanelMessage>(message: M, changeToPostMs?: number): void {
    if (this.disposed) return;
    this.services.posted(this, message, changeToPostMs);
    // Messages posted before `ready` are lost; the snapshot is posted when it comes.
    if (this.ready) this.panel.webview.postMessage(message).then(undefined, (err: unknown) => this.failed('posting to the webview', err));
  }

  showResult<M extends PanelMessage>(message: M): void {
    if (this.disposed) return;
    this.lastResult = message;
    this.lastInvalid = undefined;
    this.post(message);
  }

  whenReady(timeoutMs: number): Promise<void> {
    if (this.ready) return Promise.resolve();
    this.panel.reveal(undefined, true);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the ${this.kind.noun} did not load in time`)), timeoutMs);
      this.readyWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async document(): Promise<vscode.TextDocument | undefined> {
    const key = this.documentUri.toString();
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
    if (open) return open;
    // An untitled document exists only while open: opening its URI again would make a new, empty
    // one (with a file name, an "untitled" URI names a file to be), and the panel would show it.
    if (this.documentUri.scheme === 'untitled') return undefined;
    try {
      return await vscode.workspace.openTextDocument(this.documentUri);
    } catch (err) {
      this.services.log.warn(`cannot read ${key}: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  }

  async showSource(line?: number, column?: number): Promise<vscode.TextEditor | undefined> {
    const document = await this.document();
    if (!document) return undefined;
    const visible = vscode.window.visibleTextEditors.find((e) => e.document === document);
    const own = this.panel.viewColumn;
    const column2 = visible?.viewColumn ?? (own === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One);
    const editor = await vscode.window.showTextDocument(document, { viewColumn: column2, preserveFocus: false, preview: false });
    if (line !== undefined) {
      const l = Math.min(Math.max(0, line - 1), document.lineCount - 1);
      const position = document.validatePosition(new vscode.Position(l, Math.max(0, (column ?? 1) - 1)));
      editor.selection = new vscode.Selection(position, position);
      editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    }
    return editor;
  }

  failed(what: string, err: unknown): void {
    this.services.log.error(`${what} for ${this.documentUri.toString()}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.scheduler.dispose();
    this.watchdog.dispose();
    this.delegate.dispose?.();
    this.subscriptions.forEach((s) => s.dispose());
    this.readyWaiters.forEach((w) => w());
    this.services.disposed(this);
  }

  /** Sets the page (a fresh nonce each time, so setting it again loads a new document). */
  private render(): void {
    const webview = this.panel.webview;
    const dist = vscode.Uri.joinPath(this.services.extensionUri, 'dist');
    const title = this.kind.title(baseName(this.documentUri));
    this.panel.title = title;
    webview.html = webviewHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, `${this.kind.bundle}.js`)).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, `${this.kind.bundle}.css`)).toString(),
      nonce: makeNonce(),
      title,
      page: this.pages.next(),
    });
    this.ready = false;
    if (this.panel.visible) this.watchdog.expect();
  }

  private receive(raw: unknown): void {
    const common = parseCommon(raw);
    if (common) {
      this.receiveCommon(common);
      return;
    }
    if (!this.delegate.receive(raw)) {
      this.services.log.warn(`dropped a malformed message from the ${this.kind.noun} of ${this.documentUri.toString()}: ${describeMalformed(raw)}`);
    }
  }

  private receiveCommon(message: CommonFromWebview): void {
    if (message.type === 'reveal') {
      this.showSource(message.line, message.column).catch((err: unknown) => this.failed('revealing the error', err));
      return;
    }
    if (!this.pages.isCurrent(message.page)) {
      // The page the HTML replaced (still on screen while the new one loads): not the one listening.
      this.services.log.info(`the ${this.kind.noun} of ${this.documentUri.toString()}: a replaced page (${message.page ?? 'no id'}) said ready; waiting for ${this.pages.id}`);
      return;
    }
    this.ready = true;
    this.watchdog.loaded();
    // Which file, the last result, and the errors over it if the document is invalid now.
    this.post(this.delegate.documentMessage());
    if (this.lastResult) this.post(this.lastResult);
    if (this.lastInvalid) this.post(this.lastInvalid);
    this.scheduler.trigger();
    this.readyWaiters.forEach((w) => w());
    this.readyWaiters = [];
  }

  private async update(): Promise<void> {
    if (this.disposed) return;
    const document = await this.document();
    if (!document || this.disposed) return;
    const text = document.getText();
    const version = this.gate.begin(this.delegate.key(text));
    if (version === null) {
      this.changedAt = undefined;
      return;
    }
    const changedAt = this.changedAt;
    this.changedAt = undefined;
    let endRun: () => void = () => undefined;
    const ended = new Promise<void>((resolve) => (endRun = resolve));
    const busyTimer = setTimeout(() => {
      if (!this.gate.isSuperseded(version) && !this.disposed) this.delegate.busy?.(version, ended);
    }, BUSY_AFTER_MS);
    let result: ComputeResult;
    try {
      result = await this.delegate.compute({ text, document, version, superseded: () => this.gate.isSuperseded(version) || this.disposed });
    } finally {
      clearTimeout(busyTimer);
      endRun();
    }
    if (!result || this.disposed || !this.gate.accept(version)) return;
    const latency = changedAt === undefined ? undefined : performance.now() - changedAt;
    if (result.kind === 'invalid') {
      if (result.retry) this.gate.invalidate();
      this.lastInvalid = result.message;
    } else {
      this.lastResult = result.message;
      this.lastInvalid = undefined;
    }
    this.post(result.message, latency);
  }
}

/** The webview options of every panel: scripts on, and only dist/ readable. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist')] };
}

/** The last segment of a URI's path. */
export function baseName(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1);
}
