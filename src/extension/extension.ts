/**
 * Feature Learning Lab's extension host side (docs/architecture.md): the commands, one registry of
 * live panels per panel kind (dynamics, phase diagram), the Problems panel, and the testing API.
 * Data flows one way: document → parse (core) → compute (worker) → typed message → webview; edits
 * made in a panel go back as a WorkspaceEdit and come round the same loop.
 */
import * as vscode from 'vscode';
import type { ErrorInfo } from '../protocol/common';
import type { Invalid, ToDynamics, Update } from '../protocol/dynamics';
import { DEFAULT_PHASE_GRID_SIZE, MAX_PHASE_SIZE, MIN_PHASE_GRID_SIZE, type Diagram } from '../protocol/phase';
import { registerCommands } from './commands';
import { exportDefaultUri } from './commands/context';
import { dynamicsChannel } from './channels';
import { DynamicsDelegate, dynamicsFactory, DYNAMICS_KIND } from './dynamics/dynamicsPanel';
import { PanelSettings } from './panels/livePanel';
import { PanelPlacement, PanelRegistry, PostedMessage, WorkspaceFiles } from './panels/panelRegistry';
import { PhaseMenus } from './phase/phaseMenus';
import { PHASE_KIND, phaseFactory } from './phase/phasePanel';
import { TRAINING_KIND, trainingFactory } from './training/trainingPanel';
import { isExperimentFile, Validator } from './problems';
import { maybeRunTestSuite } from './testHook';

export type { PostedMessage };

/** One dynamics panel as the testing API reports it. */
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
    /** Every message posted to a dynamics panel's webview (also while the webview is not ready: then it is kept for `ready`). */
    onDidPost: vscode.Event<PostedMessage>;
    /** The next message for `documentUri` that satisfies `predicate` (subscribe before causing it). */
    waitForPost(documentUri: string, predicate: (m: ToDynamics) => boolean, timeoutMs?: number): Promise<PostedMessage>;
    /** The phase panels: file, axes, the last diagram's version and size, and the coalescing window in force. */
    phasePanels(): { documentUri: string; x: string; y: string; size: number; version: number | undefined; elapsedMs: number | undefined; ready: boolean; coalescingMs: number }[];
    /** Every message posted to a phase panel's webview. */
    onDidPostPhase: vscode.Event<PostedMessage>;
    /** The training panels: file, the shown run's status, step, label and records. */
    trainingPanels(): { documentUri: string; ready: boolean; version: number | undefined; title: string | undefined; description: string | null; status: string | undefined; step: number | undefined; label: string | null; records: number; cached: boolean; previous: boolean; stoppable: boolean; sweepValues: { done: number; count: number; sized: number } | null; exportDefault: string; workersBusy: number }[];
    /** Every message posted to a training panel's webview. */
    onDidPostTraining: vscode.Event<PostedMessage>;
    /** A message from the training panel's page of `documentUri` (Stop: `{ type: 'stop' }`, Resume: `{ type: 'resume' }`), as if clicked; false when no panel has it or it is malformed. */
    trainingReceive(documentUri: string, message: unknown): boolean;
    /** The open experiment files whose menus leave Open Phase Diagram out (the context key `PhaseMenus` sets: their paths). */
    phaseMenuHidden(): string[];
    /** The settings every panel reads now. */
    settings(): PanelSettings;
  };
}

export function readSettings(): PanelSettings {
  const c = vscode.workspace.getConfiguration('featureLearningLab');
  const clamp = (x: unknown, lo: number, hi: number, fallback: number) => (typeof x === 'number' && Number.isFinite(x) ? Math.min(hi, Math.max(lo, x)) : fallback);
  return {
    debounceMs: clamp(c.get('debounceMs'), 0, 1000, 40),
    maxPoints: Math.round(clamp(c.get('maxPoints'), 100, 100_000, 4000)),
    phaseGridSize: Math.round(clamp(c.get('phaseGridSize'), MIN_PHASE_GRID_SIZE, MAX_PHASE_SIZE, DEFAULT_PHASE_GRID_SIZE)),
  };
}

export function activate(context: vscode.ExtensionContext): FeatureLearningLabApi {
  const log = vscode.window.createOutputChannel('Feature Learning Lab', { log: true });
  const diagnostics = vscode.languages.createDiagnosticCollection('flab');
  const dist = (file: string) => vscode.Uri.joinPath(context.extensionUri, 'dist', file).fsPath;
  const files = new WorkspaceFiles();
  const shared = { extensionUri: context.extensionUri, log, settings: readSettings, placement: new PanelPlacement(), files };
  // Both refer to each other; neither calls the other before both exist.
  const hasPanel = (uri: vscode.Uri) => dynamics.get(uri) !== undefined || training.get(uri) !== undefined;
  const validator = new Validator(diagnostics, hasPanel, () => dynamicsChannel(dist('dynamicsWorker.js')), () => readSettings().debounceMs);
  const panelsChanged = (uri: vscode.Uri) => {
    void vscode.commands.executeCommand('setContext', 'featureLearningLab.hasPanel', dynamics.all().length + training.all().length > 0);
    // A panel owns its file's problems; without one, the validator does (or nobody, once closed).
    if (hasPanel(uri)) {
      validator.forget(uri);
      return;
    }
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open && isExperimentFile(uri)) validator.touch(open);
    else diagnostics.delete(uri);
  };
  const dynamics = new PanelRegistry(DYNAMICS_KIND, dynamicsFactory({ workerPath: dist('dynamicsWorker.js'), diagnostics }), shared, panelsChanged);
  const training = new PanelRegistry(TRAINING_KIND, trainingFactory({ workerPath: dist('trainingWorker.js'), exportWorkerPath: dist('exportWorker.js'), diagnostics }), shared, panelsChanged);
  const phases = new PanelRegistry(
    PHASE_KIND,
    phaseFactory({ workerPath: dist('phaseWorker.js'), openDynamics: (uri, column) => dynamics.open(uri, {}, column ?? vscode.ViewColumn.Beside, true) }),
    shared,
    // Export Chart and Export Data are offered in the palette while a phase diagram is open too.
    () => void vscode.commands.executeCommand('setContext', 'featureLearningLab.hasPhasePanel', phases.all().length > 0),
  );
  validator.start();
  const phaseMenus = new PhaseMenus(() => readSettings().debounceMs);
  phaseMenus.start();
  context.subscriptions.push(log, diagnostics, dynamics, training, validator, phases, phaseMenus, files, ...registerCommands({ dynamics, phases, training, log, settings: readSettings }));

  const api: FeatureLearningLabApi = {
    testing: {
      panels: () => dynamics.all().map((p) => panelInfo(p.delegate, p)),
      onDidPost: dynamics.onDidPost,
      phasePanels: () =>
        phases.all().map((p) => ({
          documentUri: p.uri.toString(),
          x: p.delegate.axes.x.key,
          y: p.delegate.axes.y.key,
          size: p.delegate.axes.size,
          version: p.delegate.shown?.version,
          elapsedMs: p.delegate.shown?.elapsedMs,
          ready: p.isReady,
          coalescingMs: p.coalescingMs,
        })),
      onDidPostPhase: phases.onDidPost,
      trainingPanels: () =>
        training.all().map((p) => {
          const m = p.delegate.shown;
          return { documentUri: p.uri.toString(), ready: p.isReady, version: m?.version, title: m?.title, description: m?.description ?? null, status: m?.run.status, step: m?.run.progress?.step, label: m?.run.verdict?.label ?? null, records: m?.run.curves.step.length ?? 0, cached: m?.cached ?? false, previous: m?.previous ?? false, stoppable: m?.stoppable ?? false, sweepValues: m?.run.progress?.values ?? null, exportDefault: exportDefaultUri(p.uri, 'csv', (u) => p.delegate.readsFile(u)).toString(), workersBusy: p.delegate.workersBusy };
        }),
      onDidPostTraining: training.onDidPost,
      trainingReceive: (documentUri, message) => training.all().find((p) => p.uri.toString() === documentUri)?.delegate.receive(message) ?? false,
      phaseMenuHidden: () => phaseMenus.notLinear(),
      settings: readSettings,
      waitForPost: (documentUri, predicate, timeoutMs = 20_000) =>
        new Promise<PostedMessage>((resolve, reject) => {
          const timer = setTimeout(() => {
            sub.dispose();
            reject(new Error(`no matching message for ${documentUri} within ${timeoutMs} ms`));
          }, timeoutMs);
          const sub = dynamics.onDidPost((p) => {
            if (p.documentUri !== documentUri || !predicate(p.message as ToDynamics)) return;
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

function panelInfo(delegate: DynamicsDelegate, p: { uri: vscode.Uri; panel: vscode.WebviewPanel; isReady: boolean }): PanelInfo {
  const { update, invalid }: { update: Update | undefined; invalid: Invalid | undefined } = delegate.shown;
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
}

/** Phase diagrams as the testing API sees them. */
export type { Diagram };

export function deactivate(): void {
  // Everything is in context.subscriptions.
}
