/**
 * All dynamics panels: at most one per experiment file, any number of files at once. Routes
 * document changes to their panel, restores panels after a window reload (the webview's state
 * holds the file's URI), follows renames and closes a panel, saying so, when its file is deleted.
 */
import * as vscode from 'vscode';
import { parsePanelState, ToWebview } from '../protocol';
import { DynamicsPanel, PanelServices, PanelSettings, panelTitle, VIEW_TYPE, webviewOptions, baseName, restorableUri } from './dynamicsPanel';

/** What the testing API and the bench see of each message a panel posts. */
export interface PostedMessage {
  documentUri: string;
  message: ToWebview;
  /** From the document change to this post, for updates that answer a change. */
  changeToPostMs: number | undefined;
}

export class PanelManager implements vscode.Disposable, vscode.WebviewPanelSerializer {
  private readonly panels = new Map<string, DynamicsPanel>();
  private active: DynamicsPanel | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly postedEmitter = new vscode.EventEmitter<PostedMessage>();
  /** Every message posted to any panel's webview. */
  readonly onDidPost = this.postedEmitter.event;
  private readonly services: PanelServices;

  constructor(
    context: vscode.ExtensionContext,
    diagnostics: vscode.DiagnosticCollection,
    log: vscode.LogOutputChannel,
    settings: () => PanelSettings,
    private readonly onPanelsChanged: (uri: vscode.Uri) => void,
  ) {
    this.services = {
      extensionUri: context.extensionUri,
      workerPath: vscode.Uri.joinPath(context.extensionUri, 'dist', 'solverWorker.js').fsPath,
      diagnostics,
      log,
      settings,
      posted: (panel, message, changeToPostMs) => this.postedEmitter.fire({ documentUri: panel.uri.toString(), message, changeToPostMs }),
      disposed: (panel) => this.forget(panel),
      activated: (panel) => (this.active = panel),
    };
    this.subscriptions.push(
      this.postedEmitter,
      vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, this),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0) this.get(e.document.uri)?.documentChanged();
      }),
      vscode.workspace.onDidOpenTextDocument((d) => this.get(d.uri)?.documentChanged()),
      vscode.workspace.onDidRenameFiles((e) => this.renamed(e.files)),
      vscode.workspace.onDidDeleteFiles((e) => e.files.forEach((uri) => this.deleted(uri))),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('featureLearningLab')) this.panels.forEach((p) => p.settingsChanged());
      }),
    );
    // Deletions made outside VS Code (a terminal, git) reach us only through a watcher.
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.flab.json', true, true, false);
    this.subscriptions.push(watcher, watcher.onDidDelete((uri) => this.deletedOutside(uri)));
  }

  get(uri: vscode.Uri): DynamicsPanel | undefined {
    return this.panels.get(uri.toString());
  }

  all(): DynamicsPanel[] {
    return [...this.panels.values()];
  }

  /** The panel the user last worked with: the active one, else the one of the active editor, else the only one. */
  current(): DynamicsPanel | undefined {
    const live = this.all();
    const active = live.find((p) => p.panel.active);
    if (active) return active;
    const editor = vscode.window.activeTextEditor;
    const ofEditor = editor && this.get(editor.document.uri);
    if (ofEditor) return ofEditor;
    if (this.active && live.includes(this.active)) return this.active;
    return live.length === 1 ? live[0] : undefined;
  }

  /** Shows the panel of `uri` beside the editor, creating it if needed. */
  open(uri: vscode.Uri, column: vscode.ViewColumn = vscode.ViewColumn.Beside, preserveFocus = true): DynamicsPanel {
    const existing = this.get(uri);
    if (existing) {
      existing.panel.reveal(existing.panel.viewColumn ?? column, preserveFocus);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(VIEW_TYPE, panelTitle(uri), { viewColumn: column, preserveFocus }, webviewOptions(this.services.extensionUri));
    return this.adopt(panel, uri);
  }

  /** Restores a panel after a window reload, from the file URI its webview kept. */
  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const saved = parsePanelState(state);
    const uri = await restorableUri(saved?.documentUri);
    if (!uri || this.get(uri)) {
      // Nothing to show (the file is gone, or already has a panel): no blank panel.
      this.services.log.info(`not restoring a dynamics panel: ${saved ? `${saved.documentUri} is gone or already shown` : 'no file recorded'}`);
      panel.dispose();
      return;
    }
    this.adopt(panel, uri);
  }

  dispose(): void {
    for (const p of this.all()) p.panel.dispose();
    this.subscriptions.forEach((s) => s.dispose());
  }

  private adopt(panel: vscode.WebviewPanel, uri: vscode.Uri): DynamicsPanel {
    const dynamics = new DynamicsPanel(panel, uri, this.services);
    this.panels.set(uri.toString(), dynamics);
    this.active = dynamics;
    this.onPanelsChanged(uri);
    return dynamics;
  }

  private forget(panel: DynamicsPanel): void {
    const key = panel.uri.toString();
    if (this.panels.get(key) === panel) this.panels.delete(key);
    if (this.active === panel) this.active = undefined;
    this.onPanelsChanged(panel.uri);
  }

  private renamed(files: readonly { oldUri: vscode.Uri; newUri: vscode.Uri }[]): void {
    for (const { oldUri, newUri } of files) {
      const oldKey = oldUri.toString();
      // A renamed folder moves every panel under it.
      const prefix = oldKey.endsWith('/') ? oldKey : `${oldKey}/`;
      for (const panel of this.all()) {
        const key = panel.uri.toString();
        let target: vscode.Uri | undefined;
        if (key === oldKey) target = newUri;
        else if (key.startsWith(prefix)) target = vscode.Uri.joinPath(newUri, ...decodeURIComponent(key.slice(prefix.length)).split('/'));
        if (!target) continue;
        this.panels.delete(key);
        this.panels.set(target.toString(), panel);
        panel.retarget(target);
        this.onPanelsChanged(oldUri);
        this.onPanelsChanged(target);
      }
    }
  }

  private deleted(uri: vscode.Uri): void {
    const key = uri.toString();
    const prefix = key.endsWith('/') ? key : `${key}/`;
    for (const panel of this.all()) {
      const k = panel.uri.toString();
      if (k === key || k.startsWith(prefix)) this.closeDeleted(panel);
    }
  }

  /** A watcher's delete may be half of a rename: close only if the file is really gone a moment later. */
  private deletedOutside(uri: vscode.Uri): void {
    if (!this.get(uri)) return;
    setTimeout(() => {
      const panel = this.get(uri);
      if (!panel) return;
      vscode.workspace.fs.stat(uri).then(
        () => undefined,
        () => {
          if (this.get(uri) === panel) this.closeDeleted(panel);
        },
      );
    }, 500);
  }

  private closeDeleted(panel: DynamicsPanel): void {
    const name = baseName(panel.uri);
    panel.close(`${name} was deleted`);
    void vscode.window.showInformationMessage(`Closed the dynamics panel of ${name}: the file was deleted.`);
  }
}
