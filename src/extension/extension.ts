/**
 * Feature Learning Lab's extension host side: commands, live dynamics panels over `*.flab.json`
 * experiments, diagnostics, and the solver worker. See docs for the message flow:
 * document → parse (core) → solve (worker) → typed message → webview; panel edits → WorkspaceEdit.
 */
import * as vscode from 'vscode';
import { ErrorInfo, ToWebview } from '../protocol';
import { COMMANDS, registerCommands } from './commands';
import { isExperimentFile, Validator } from './diagnostics';
import { PanelSettings } from './dynamicsPanel';
import { PanelManager, PostedMessage } from './panelManager';
import { registerPhaseCommand } from './phaseCommand';
import { PhaseManager } from './phasePanel';
import type { ToPhaseWebview } from '../protocol';
import { maybeRunTestSuite } from './testHook';

export { COMMANDS };
export type { PostedMessage };

/** One panel as the testing API reports it. */
export interface PanelInfo {
  documentUri: string;
  title: string;
  visible: boolean;
  active: boolean;
  /** The webview has said `ready` since it was last loaded. */
  ready: boolean;
  viewColumn: number | undefined;
  /** The last good result: its sequence number and summary values. */
  update: { version: number; title: string; zetaFinal: number | null; lossFinal: number; solver: string; compareSimulate: boolean; deviation: number | null } | undefined;
  /** The errors shown over it while the document is invalid. */
  errors: ErrorInfo[] | undefined;
}

/** What `activate` returns (`vscode.extensions.getExtension(…).exports`), for the integration tests and the bench. */
export interface FeatureLearningLabApi {
  testing: {
    panels(): PanelInfo[];
    /** Every message posted to a panel's webview (also while the webview is not ready: then it is kept for `ready`). */
    onDidPost: vscode.Event<PostedMessage>;
    /** The next message for `documentUri` that satisfies `predicate` (subscribe before causing it). */
    waitForPost(documentUri: string, predicate: (m: ToWebview) => boolean, timeoutMs?: number): Promise<PostedMessage>;
    /** The phase panels: file, axes and the last diagram's version and size. */
    phasePanels(): { documentUri: string; x: string; y: string; size: number; version: number | undefined; elapsedMs: number | undefined }[];
    /** Every message posted to a phase panel's webview. */
    onDidPostPhase: vscode.Event<{ documentUri: string; message: ToPhaseWebview }>;
  };
}

export function readSettings(): PanelSettings {
  const c = vscode.workspace.getConfiguration('featureLearningLab');
  const clamp = (x: unknown, lo: number, hi: number, fallback: number) => (typeof x === 'number' && Number.isFinite(x) ? Math.min(hi, Math.max(lo, x)) : fallback);
  return {
    debounceMs: clamp(c.get('debounceMs'), 0, 1000, 40),
    maxPoints: Math.round(clamp(c.get('maxPoints'), 100, 100_000, 4000)),
  };
}

export function activate(context: vscode.ExtensionContext): FeatureLearningLabApi {
  const log = vscode.window.createOutputChannel('Feature Learning Lab', { log: true });
  const diagnostics = vscode.languages.createDiagnosticCollection('flab');
  const workerPath = vscode.Uri.joinPath(context.extensionUri, 'dist', 'solverWorker.js').fsPath;
  // Both refer to each other; neither calls the other before both exist.
  const validator = new Validator(diagnostics, (uri) => manager.get(uri) !== undefined, workerPath, () => readSettings().debounceMs);
  const manager = new PanelManager(context, diagnostics, log, readSettings, (uri) => {
    void vscode.commands.executeCommand('setContext', 'featureLearningLab.hasPanel', manager.all().length > 0);
    // A panel owns its file's problems; without one, the validator does (or nobody, once closed).
    if (manager.get(uri)) {
      validator.forget(uri);
      return;
    }
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open && isExperimentFile(uri)) validator.touch(open);
    else diagnostics.delete(uri);
  });
  validator.start();
  const phasePosted = new vscode.EventEmitter<{ documentUri: string; message: ToPhaseWebview }>();
  const phases = new PhaseManager({
    extensionUri: context.extensionUri,
    log,
    debounceMs: () => readSettings().debounceMs,
    openDynamics: (uri, column) => manager.open(uri, column ?? vscode.ViewColumn.Beside, true),
    posted: (documentUri, message) => phasePosted.fire({ documentUri, message }),
  });
  context.subscriptions.push(log, diagnostics, manager, validator, phasePosted, phases, registerPhaseCommand(phases, log), ...registerCommands(manager, log));

  const api: FeatureLearningLabApi = {
    testing: {
      panels: () =>
        manager.all().map((p) => {
          const { update, invalid } = p.snapshot;
          return {
            documentUri: p.uri.toString(),
            title: p.panel.title,
            visible: p.panel.visible,
            active: p.panel.active,
            ready: p.isReady,
            viewColumn: p.panel.viewColumn,
            update: update && {
              version: update.version,
              title: update.title,
              zetaFinal: update.trajectory.summary.zetaFinal,
              lossFinal: update.trajectory.summary.lossFinal,
              solver: update.trajectory.summary.solver,
              compareSimulate: update.compareSimulate,
              deviation: update.deviation,
            },
            errors: invalid?.errors,
          };
        }),
      onDidPost: manager.onDidPost,
      phasePanels: () =>
        phases.all().map((p) => ({
          documentUri: p.uri.toString(),
          x: p.axes.x.key,
          y: p.axes.y.key,
          size: p.axes.size,
          version: p.shown?.version,
          elapsedMs: p.shown?.elapsedMs,
        })),
      onDidPostPhase: phasePosted.event,
      waitForPost: (documentUri, predicate, timeoutMs = 20_000) =>
        new Promise<PostedMessage>((resolve, reject) => {
          const timer = setTimeout(() => {
            sub.dispose();
            reject(new Error(`no matching message for ${documentUri} within ${timeoutMs} ms`));
          }, timeoutMs);
          const sub = manager.onDidPost((p) => {
            if (p.documentUri !== documentUri || !predicate(p.message)) return;
            clearTimeout(timer);
            sub.dispose();
            resolve(p);
          });
        }),
    },
  };
  maybeRunTestSuite(context);
  return api;
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}
