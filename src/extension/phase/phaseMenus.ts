/**
 * Where Open Phase Diagram is offered (docs/phase-diagram.md, "The panel"): the explorer's context menu
 * and the editor's title offer it for every `*.flab.json` but those known to be network or checkpoint
 * experiments, which a phase diagram does not map. A `when` clause cannot read a file, so the kind is
 * known for the files open as text documents only (their text, as the command reads it): the context
 * key NOT_LINEAR_CONTEXT lists their paths (`resourcePath not in …` in package.json). A file never
 * opened is not known and is offered; the command's refusal (`phaseDiagramRefusal`) says why it cannot
 * map it.
 */
import * as vscode from 'vscode';
import { isExperimentFile, MAIN_THREAD_PARSE_LIMIT } from '../problems';
import { kindOfText } from './axes';

/**
 * The context key: the paths of the open experiment files (`file` documents) that are not the linear
 * model's, as the `resourcePath` context key gives them (`Uri.fsPath`; the workbench's URI is another
 * in a remote window — code-server's `vscode-remote:` — where resourcePath is its path, the same). Not
 * `resource`: that is the workbench's URI, which the extension host does not see.
 */
export const NOT_LINEAR_CONTEXT = 'featureLearningLab.notLinearExperiments';

/**
 * Keeps NOT_LINEAR_CONTEXT to the open documents' texts: after every open, edit (a text that changes
 * kind), close (a rename closes the old URI and opens the new one) and file event, within `delayMs()`
 * (the panels' debounce: a burst of typing is read once). A text longer than MAIN_THREAD_PARSE_LIMIT
 * is not read on the main thread: not known, offered.
 */
export class PhaseMenus implements vscode.Disposable {
  /**
   * Each open experiment document, by URI, and whether it is not the linear model's at a version of its
   * text (null: not read, too long). The document itself is kept: one closed and opened again within
   * `delayMs` is another, whose version restarts.
   */
  private kinds = new Map<string, { document: vscode.TextDocument; version: number; notLinear: boolean | null }>();
  private published: string | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly delayMs: () => number) {
    const soon = () => this.schedule();
    this.subscriptions = [
      vscode.workspace.onDidOpenTextDocument(soon),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (isExperimentFile(e.document.uri)) soon();
      }),
      vscode.workspace.onDidCloseTextDocument(soon),
      vscode.workspace.onDidRenameFiles(soon),
      vscode.workspace.onDidDeleteFiles(soon),
    ];
  }

  /** Reads the experiment files already open. */
  start(): void {
    this.refresh();
  }

  /** The paths the context key lists now (sorted). */
  notLinear(): string[] {
    return [...new Set([...this.kinds.values()].filter((k) => k.notLinear === true).map((k) => k.document.uri.fsPath))].sort();
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.subscriptions.forEach((s) => s.dispose());
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.refresh();
    }, this.delayMs());
  }

  /** Reads the open documents whose text changed since, and sets the context key when its list did. */
  private refresh(): void {
    const next: typeof this.kinds = new Map();
    for (const d of vscode.workspace.textDocuments) {
      if (d.isClosed || d.uri.scheme !== 'file' || !isExperimentFile(d.uri)) continue;
      const key = d.uri.toString();
      const known = this.kinds.get(key);
      if (known && known.document === d && known.version === d.version) {
        next.set(key, known);
        continue;
      }
      const text = d.getText();
      next.set(key, { document: d, version: d.version, notLinear: text.length > MAIN_THREAD_PARSE_LIMIT ? null : kindOfText(text) !== 'linear' });
    }
    this.kinds = next;
    const list = this.notLinear();
    const json = JSON.stringify(list);
    if (json === this.published) return;
    this.published = json;
    void vscode.commands.executeCommand('setContext', NOT_LINEAR_CONTEXT, list);
  }
}
