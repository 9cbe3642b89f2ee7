/**
 * Every live panel of one kind (docs/architecture.md, "Panels"): at most one per experiment file,
 * any number of files at once. One registry per kind gives every kind the same behaviour: routes
 * document changes to their panel, restores panels after a window reload (the webview's state holds
 * the file's URI), follows renamed files and folders, closes a panel — saying so — when its file or
 * folder is deleted, inside VS Code or outside it, and passes on changed settings.
 */
import * as vscode from 'vscode';
import { parsePanelState } from '../../protocol/common';
import { baseName, LivePanel, PanelDelegate, PanelHost, PanelKind, PanelMessage, PanelServices, PanelSettings, webviewOptions } from './livePanel';

/** What the testing API and the bench see of each message a panel posts. */
export interface PostedMessage {
  documentUri: string;
  message: PanelMessage;
  /** From the document change to this post, for results that answer a change. */
  changeToPostMs: number | undefined;
}

/** A delete seen by the file watcher may be half of a rename: close only if the file is still gone after this long. */
const OUTSIDE_DELETE_GRACE_MS = 500;

/** Whether a saved URI may be reopened: an experiment file in a scheme the workspace uses. */
export function isRestorable(uri: vscode.Uri): boolean {
  const schemes = new Set(['file', 'untitled', ...(vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.scheme)]);
  return schemes.has(uri.scheme) && uri.path.toLowerCase().endsWith('.flab.json');
}

/**
 * Whether two URIs name one document. An untitled copy restored after a reload in a remote window
 * (code-server) comes back with the window's authority (`untitled://127.0.0.1:8080/…` for the
 * `untitled:/…` saved before it): untitled documents are compared by path.
 */
export function sameDocument(a: vscode.Uri, b: vscode.Uri): boolean {
  return a.scheme === 'untitled' && b.scheme === 'untitled' ? a.path === b.path : a.toString() === b.toString();
}

/** The URI of the editor tab that shows this document (loaded or not: a tab restored after a reload loads its text when shown), if any. */
export function tabOf(uri: vscode.Uri): vscode.Uri | undefined {
  for (const g of vscode.window.tabGroups.all) {
    for (const t of g.tabs) if (t.input instanceof vscode.TabInputText && sameDocument(t.input.uri, uri)) return t.input.uri;
  }
  return undefined;
}

/**
 * The experiment a restored panel recorded, if it may be reopened and still exists: a file on disk,
 * or an untitled document that came back with the window (a phase cell's copy, kept by VS Code's hot
 * exit). VS Code restores such a copy's tab but loads its text only when the tab is shown — after the
 * panels are restored — so a copy with a tab is loaded here (from its backup); a copy with no tab was
 * not kept, and opening its URI would make an empty document.
 */
export async function restorableUri(documentUri: string | undefined): Promise<vscode.Uri | undefined> {
  if (documentUri === undefined) return undefined;
  try {
    const uri = vscode.Uri.parse(documentUri, true);
    if (!isRestorable(uri)) return undefined;
    if (uri.scheme === 'untitled') {
      const loaded = vscode.workspace.textDocuments.find((d) => sameDocument(d.uri, uri));
      if (loaded) return loaded.uri;
      const kept = tabOf(uri);
      if (!kept) return undefined;
      return (await vscode.workspace.openTextDocument(kept)).uri;
    }
    await vscode.workspace.fs.stat(uri);
    return uri;
  } catch {
    return undefined;
  }
}

/**
 * Where a panel opens when its caller names no column, whatever its kind (README, "Decisions about the
 * extension"): as a tab in the group of the project's panels already open — the active group when one
 * of them is there, else the group of the panel last active — and beside the active editor only when
 * none is open. Until 2026-12 every panel opened beside the active group: with a panel focused, or
 * another file opened in the panel's group, each Open Dynamics Panel added a column. A file whose own
 * editor is in front in the active group gets its panel in another group, so that the two show side
 * by side (as a tab there over it, its panel hid the editor).
 */
export class PanelPlacement {
  private readonly registries: { all(): LivePanel[] }[] = [];
  private last: LivePanel | undefined;

  /** Counts the panels of `registry` among the open ones. */
  add(registry: { all(): LivePanel[] }): void {
    this.registries.push(registry);
  }

  /** `panel` was opened or activated: the panel last active. */
  activated(panel: LivePanel): void {
    this.last = panel;
  }

  /** The column for a new panel of the file `uri`. */
  column(uri: vscode.Uri): vscode.ViewColumn {
    const open = this.registries.flatMap((r) => r.all());
    const columns = open.flatMap((p) => (p.panel.viewColumn === undefined ? [] : [p.panel.viewColumn]));
    const active = vscode.window.tabGroups.activeTabGroup.viewColumn;
    if (this.editorInFront(uri)) {
      const others = vscode.window.tabGroups.all.map((g) => g.viewColumn).filter((c) => c !== active);
      return columns.find((c) => c !== active) ?? others[0] ?? vscode.ViewColumn.Beside;
    }
    if (columns.includes(active)) return active;
    const last = this.last && open.includes(this.last) ? this.last.panel.viewColumn : undefined;
    return last ?? columns[0] ?? vscode.ViewColumn.Beside;
  }

  /** Whether the file `uri`'s own editor is in front in the active group. */
  editorInFront(uri: vscode.Uri): boolean {
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    return input instanceof vscode.TabInputText && input.uri.toString() === uri.toString();
  }

  /**
   * Where an open panel of `uri` is shown again: where it is — unless it is in the active group behind
   * its file's own editor, in front there (the title button brought the panel over the editor), when
   * it goes where `column` puts a new one, beside the editor.
   */
  revealColumn(uri: vscode.Uri, panelColumn: vscode.ViewColumn | undefined): vscode.ViewColumn | undefined {
    return panelColumn === vscode.window.tabGroups.activeTabGroup.viewColumn && this.editorInFront(uri) ? this.column(uri) : panelColumn;
  }
}

/**
 * Every change on disk in the workspace, from one watcher of every path that the panel registries
 * share (until 2026-12-02 each made its own: three watchers heard every file event — a build's or a
 * dependency install's thousands among them — three times). Every path, not only *.flab.json: a
 * deleted folder is one event for the folder, and a data file written, deleted or put back is a new
 * result for the panels that read it.
 */
export class WorkspaceFiles implements vscode.Disposable {
  private readonly watcher = vscode.workspace.createFileSystemWatcher('**/*');
  readonly onDidCreate = this.watcher.onDidCreate;
  readonly onDidChange = this.watcher.onDidChange;
  readonly onDidDelete = this.watcher.onDidDelete;

  dispose(): void {
    this.watcher.dispose();
  }
}

/** How a registry makes the delegate of a new or restored panel. */
export interface DelegateFactory<D extends PanelDelegate, Options> {
  /** For a panel the user opens, with the options of `open`. */
  create(host: PanelHost, options: Options): D;
  /** For a panel restored after a reload, from the webview's saved state; undefined when that state is unusable. */
  restore(state: unknown): Options | undefined;
  /** An open panel asked to open again (new options, e.g. other axes). */
  reopen?(delegate: D, options: Options): void;
}

export class PanelRegistry<D extends PanelDelegate, Options> implements vscode.Disposable, vscode.WebviewPanelSerializer {
  private readonly panels = new Map<string, LivePanel<D>>();
  private active: LivePanel<D> | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly postedEmitter = new vscode.EventEmitter<PostedMessage>();
  /** Every message posted to any panel's webview. */
  readonly onDidPost = this.postedEmitter.event;
  private readonly services: PanelServices;
  private readonly placement: PanelPlacement;

  constructor(
    readonly kind: PanelKind,
    private readonly factory: DelegateFactory<D, Options>,
    { placement, files, ...shared }: { extensionUri: vscode.Uri; log: vscode.LogOutputChannel; settings(): PanelSettings; placement: PanelPlacement; files: WorkspaceFiles },
    /** A panel opened or closed for this file. */
    private readonly onPanelsChanged: (uri: vscode.Uri) => void = () => undefined,
  ) {
    this.placement = placement;
    placement.add(this);
    this.services = {
      ...shared,
      posted: (panel, message, changeToPostMs) => this.postedEmitter.fire({ documentUri: panel.uri.toString(), message, changeToPostMs }),
      disposed: (panel) => this.forget(panel as LivePanel<D>),
      activated: (panel) => {
        this.active = panel as LivePanel<D>;
        placement.activated(panel);
      },
    };
    this.subscriptions.push(
      this.postedEmitter,
      vscode.window.registerWebviewPanelSerializer(kind.viewType, this),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0) this.get(e.document.uri)?.documentChanged();
      }),
      vscode.workspace.onDidOpenTextDocument((d) => this.get(d.uri)?.documentChanged()),
      vscode.workspace.onDidRenameFiles((e) => this.renamed(e.files)),
      vscode.workspace.onDidDeleteFiles((e) => e.files.forEach((uri) => this.deleted(uri))),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('featureLearningLab')) this.all().forEach((p) => p.settingsChanged());
      }),
    );
    // Deletions made outside VS Code (a terminal, git) reach us only through the watcher (WorkspaceFiles);
    // every change on disk goes to the panels too (a data file they read).
    const changed = (uri: vscode.Uri) => this.all().forEach((p) => p.filesChanged([uri]));
    this.subscriptions.push(
      files.onDidDelete((uri) => {
        this.deletedOutside(uri);
        changed(uri);
      }),
      files.onDidCreate(changed),
      files.onDidChange(changed),
    );
  }

  get(uri: vscode.Uri): LivePanel<D> | undefined {
    return this.panels.get(uri.toString());
  }

  all(): LivePanel<D>[] {
    return [...this.panels.values()];
  }

  /** The panel the user last worked with: the active one, else the one of the active editor, else the only one. */
  current(): LivePanel<D> | undefined {
    const live = this.all();
    const active = live.find((p) => p.panel.active);
    if (active) return active;
    const editor = vscode.window.activeTextEditor;
    const ofEditor = editor && this.get(editor.document.uri);
    if (ofEditor) return ofEditor;
    if (this.active && live.includes(this.active)) return this.active;
    return live.length === 1 ? live[0] : undefined;
  }

  /** Shows the panel of `uri` (in `column`, else where `PanelPlacement` puts it), creating it if needed. */
  open(uri: vscode.Uri, options: Options, column?: vscode.ViewColumn, preserveFocus = true): LivePanel<D> {
    const existing = this.get(uri);
    if (existing) {
      this.factory.reopen?.(existing.delegate, options);
      existing.panel.reveal(this.placement.revealColumn(uri, existing.panel.viewColumn) ?? column, preserveFocus);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(this.kind.viewType, this.kind.title(baseName(uri)), { viewColumn: column ?? this.placement.column(uri), preserveFocus }, webviewOptions(this.services.extensionUri));
    return this.adopt(panel, uri, options);
  }

  /** Restores a panel after a window reload, from the file URI (and options) its webview kept. */
  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const saved = parsePanelState(state);
    const uri = await restorableUri(saved?.documentUri);
    const options = uri ? this.factory.restore(state) : undefined;
    if (!uri || options === undefined || this.get(uri)) {
      // Nothing to show (the file is gone, not an experiment, or already has a panel): no blank panel.
      this.services.log.info(`not restoring a ${this.kind.noun}: ${saved ? `${saved.documentUri.slice(0, 300)} is gone, not restorable or already shown` : 'no file recorded'}`);
      panel.dispose();
      return;
    }
    this.adopt(panel, uri, options);
  }

  dispose(): void {
    for (const p of this.all()) p.panel.dispose();
    this.subscriptions.forEach((s) => s.dispose());
  }

  private adopt(panel: vscode.WebviewPanel, uri: vscode.Uri, options: Options): LivePanel<D> {
    const live = new LivePanel<D>(this.kind, panel, uri, this.services, (host) => this.factory.create(host, options));
    this.panels.set(uri.toString(), live);
    this.active = live;
    this.placement.activated(live);
    this.onPanelsChanged(uri);
    return live;
  }

  private forget(panel: LivePanel<D>): void {
    const key = panel.uri.toString();
    if (this.panels.get(key) === panel) this.panels.delete(key);
    if (this.active === panel) this.active = undefined;
    this.onPanelsChanged(panel.uri);
  }

  /** The panels on `uri` itself or on any file under it (a folder). */
  private under(uri: vscode.Uri): { panel: LivePanel<D>; rest: string | undefined }[] {
    const key = uri.toString();
    const prefix = key.endsWith('/') ? key : `${key}/`;
    const out: { panel: LivePanel<D>; rest: string | undefined }[] = [];
    for (const panel of this.all()) {
      const k = panel.uri.toString();
      if (k === key) out.push({ panel, rest: undefined });
      else if (k.startsWith(prefix)) out.push({ panel, rest: k.slice(prefix.length) });
    }
    return out;
  }

  private renamed(files: readonly { oldUri: vscode.Uri; newUri: vscode.Uri }[]): void {
    for (const { oldUri, newUri } of files) {
      // A renamed folder moves every panel under it.
      for (const { panel, rest } of this.under(oldUri)) {
        const target = rest === undefined ? newUri : vscode.Uri.joinPath(newUri, ...rest.split('/').map(decodeURIComponent));
        const oldKey = panel.uri.toString();
        this.panels.delete(oldKey);
        this.panels.set(target.toString(), panel);
        panel.retarget(target);
        this.onPanelsChanged(vscode.Uri.parse(oldKey, true));
        this.onPanelsChanged(target);
      }
    }
  }

  private deleted(uri: vscode.Uri): void {
    for (const { panel } of this.under(uri)) this.closeDeleted(panel);
  }

  /** A watcher's delete may be half of a rename: close only if the file is really gone a moment later. */
  private deletedOutside(uri: vscode.Uri): void {
    const affected = this.under(uri).map((x) => x.panel);
    if (affected.length === 0) return;
    setTimeout(() => {
      for (const panel of affected) {
        if (this.get(panel.uri) !== panel) continue;
        vscode.workspace.fs.stat(panel.uri).then(
          () => undefined,
          () => {
            if (this.get(panel.uri) === panel) this.closeDeleted(panel);
          },
        );
      }
    }, OUTSIDE_DELETE_GRACE_MS);
  }

  private closeDeleted(panel: LivePanel<D>): void {
    const name = baseName(panel.uri);
    panel.close(`${name} was deleted`);
    void vscode.window.showInformationMessage(`Closed the ${this.kind.noun} of ${name}: the file was deleted.`);
  }
}
