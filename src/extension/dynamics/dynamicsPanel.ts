/**
 * The dynamics panel: the curves of one experiment (docs/architecture.md, "Panels"). Its delegate
 * computes each state of the document in the dynamics worker (small documents are validated on the
 * main thread first: an error needs no worker round trip), publishes the file's problems, writes
 * the panel's controls back into the document as minimal undoable edits, and answers chart images.
 */
import * as vscode from 'vscode';
import { Diagnostic } from '../../core/experiment/diagnostic';
import { parseExperiment } from '../../core/experiment/parse';
import { readControls } from '../../document/controlState';
import type { FigureSpec } from '../../core/figures/chartFigure';
import { editControlValue, TextEdit } from '../../document/edits';
import { ControlKey, ControlState, DocumentShown, DynamicsView, FigureOptions, Invalid, parseFromDynamics, ToDynamics, Update } from '../../protocol/dynamics';
import type { DynamicsJob, DynamicsOutcome } from '../../protocol/workers';
import { baseName, ComputeRequest, ComputeResult, PanelDelegate, PanelHost, PanelKind } from '../panels/livePanel';
import { LatestOnlyQueue } from '../panels/latestOnly';
import { PageRequests, pngOfDataUrl } from '../panels/pageRequests';
import { DelegateFactory } from '../panels/panelRegistry';
import { MAIN_THREAD_PARSE_LIMIT, toErrorInfo, toVsDiagnostics, treeName } from '../problems';
import { dynamicsChannel } from '../channels';
import { WorkerChannel } from '../workerChannel';
import { ExportedRun } from './exportData';

export const DYNAMICS_KIND: PanelKind = {
  viewType: 'flab.dynamics',
  bundle: 'dynamics',
  noun: 'dynamics panel',
  title: (fileName) => `Dynamics: ${fileName}`,
};

type Write = { key: ControlKey; value: number; final: boolean };

/** A context key set once the panel has written a value into a document: the walkthrough's "change a value" step is done. */
export const VALUE_CHANGED_CONTEXT = 'featureLearningLab.valueChanged';

/** What the dynamics delegate needs besides its panel. */
export interface DynamicsServices {
  /** dist/dynamicsWorker.js. */
  workerPath: string;
  /** The Problems panel's collection: a panel owns its file's problems. */
  diagnostics: vscode.DiagnosticCollection;
}

export class DynamicsDelegate implements PanelDelegate {
  private readonly channel: WorkerChannel<DynamicsJob, DynamicsOutcome>;
  private readonly writes: LatestOnlyQueue<Write>;
  private readonly chartRequests = new PageRequests<{ dataUrl: string } | { figure: FigureSpec }>();
  /** A slider drag is under way: its edits so far form one undo step, closed by the `final` one. */
  private dragging = false;
  /** The webview's view preference (told after `ready`); null follows the file's compare.simulate. */
  private view: DynamicsView | null = null;

  constructor(
    private readonly host: PanelHost,
    private readonly services: DynamicsServices,
  ) {
    this.channel = dynamicsChannel(services.workerPath);
    this.writes = new LatestOnlyQueue((w) => this.write(w));
  }

  /** What the panel shows now, for Export Data; undefined before the first good result. */
  get shownRun(): ExportedRun | undefined {
    const m = this.shown.update;
    if (!m) return undefined;
    return {
      title: m.title,
      documentUri: this.host.uri.toString(),
      trajectory: m.trajectory,
      simulation: m.simulation,
      deviation: m.deviation,
      deviations: m.deviations,
      parameters: m.parameters,
      thresholds: m.thresholds,
      view: m.view,
      sweep: m.sweep ?? null,
    };
  }

  /** The last update and, while the document is invalid, the errors shown over it. */
  get shown(): { update: Update | undefined; invalid: Invalid | undefined } {
    const { result, invalid } = this.host.snapshot;
    return { update: result as Update | undefined, invalid: invalid as Invalid | undefined };
  }

  key(text: string): string {
    // The view preference is part of what is computed: a switch recomputes an unchanged document.
    return `${this.view ?? 'file'}\u0000${text}`;
  }

  documentMessage(): DocumentShown {
    return { type: 'document', documentUri: this.host.uri.toString(), fileName: baseName(this.host.uri) };
  }

  async compute({ text, document, version }: ComputeRequest): Promise<ComputeResult> {
    if (text.length <= MAIN_THREAD_PARSE_LIMIT) {
      const parsed = parseExperiment(text);
      if (!parsed.experiment) {
        this.channel.cancel();
        return this.invalid(version, text, document, parsed.diagnostics, readControls(parsed.tree, text), treeName(parsed.tree));
      }
    }
    const settings = this.host.services.settings();
    const r = await this.channel.run({ text, options: { maxPoints: settings.maxPoints, fileName: baseName(this.host.uri), ...(this.view ? { view: this.view } : {}) } });
    if (r.superseded) return undefined;
    const outcome = r.result;
    if (outcome.kind === 'invalid') {
      // A crashed worker may succeed next time: do not skip this text then.
      return { ...this.invalid(version, text, document, outcome.diagnostics, outcome.controls), retry: outcome.controls === null };
    }
    if (outcome.kind !== 'result') return undefined;
    this.services.diagnostics.set(this.host.uri, []);
    const { kind: _kind, ...result } = outcome;
    const update: Update = { type: 'update', version, ...result };
    return { kind: 'result', message: update };
  }

  busy(version: number, ended: Promise<void>): void {
    this.host.post({ type: 'busy', version } satisfies ToDynamics);
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Solving ${baseName(this.host.uri)}` }, () => ended);
  }

  receive(raw: unknown): boolean {
    const message = parseFromDynamics(raw);
    if (!message) return false;
    switch (message.type) {
      case 'setValue':
        // While dragging only the newest value is written; the release (`final`) is written too.
        void this.writes.push({ key: message.key, value: message.value, final: message.final });
        break;
      case 'setView':
        // A view preference: recomputed, never written to the file.
        if (this.view !== message.view) {
          this.view = message.view;
          this.host.refresh();
        }
        break;
      case 'chartImage':
      case 'chartFigure': {
        this.chartRequests.answer(message.requestId, message.type === 'chartImage' ? { dataUrl: message.dataUrl } : { figure: message.figure });
        break;
      }
    }
    return true;
  }

  retargeted(oldUri: vscode.Uri): void {
    this.services.diagnostics.delete(oldUri);
  }

  settingsChanged(): void {
    // maxPoints changes what is sent: recompute even an unchanged document.
    this.host.refresh(true);
  }

  dispose(): void {
    this.channel.dispose();
  }

  /**
   * Asks the webview for its charts as drawn now (view, zoom, sweep): a PNG's bytes, or the figure
   * the host draws as SVG (src/core/figures/chartFigure.ts). Rejects after `timeoutMs`.
   */
  async chartFigure(options: FigureOptions, timeoutMs = 15_000): Promise<{ png: Uint8Array } | { figure: FigureSpec }> {
    const deadline = Date.now() + timeoutMs;
    await this.host.whenReady(timeoutMs);
    const answer = await this.chartRequests.ask((requestId) => this.host.post({ type: 'exportChart', requestId, ...options } satisfies ToDynamics), deadline - Date.now());
    if ('figure' in answer) {
      if (options.format !== 'svg') throw new Error('the panel sent a figure where a PNG was asked for');
      return { figure: answer.figure };
    }
    if (options.format !== 'png') throw new Error('the panel sent a PNG where a figure was asked for');
    return { png: pngOfDataUrl(answer.dataUrl) };
  }

  private invalid(version: number, text: string, document: vscode.TextDocument, diagnostics: Diagnostic[], controls: ControlState[] | null, title: string | null = null): ComputeResult & { kind: 'invalid' } {
    this.services.diagnostics.set(this.host.uri, toVsDiagnostics(diagnostics, text, document));
    const message: Invalid = { type: 'invalid', version, errors: toErrorInfo(diagnostics, text), controls, title };
    return { kind: 'invalid', message };
  }

  /** Writes one control's value into the document as a minimal, undoable edit. */
  private async write(w: Write): Promise<void> {
    const what = w.key;
    // A document edited between computing and applying the edit makes applyEdit fail: recompute then.
    for (let attempt = 0; attempt < 3; attempt++) {
      const document = await this.host.document();
      if (!document) return;
      const text = document.getText();
      const edits = editControlValue(text, w.key, w.value);
      if (edits === null) {
        this.host.services.log.info(`${what} cannot be set in ${baseName(this.host.uri)} in its current form; the file is unchanged`);
        vscode.window.setStatusBarMessage(`Feature Learning: ${what} cannot be set in this file's current form`, 4000);
        // Put the webview's control back to what the document says.
        this.host.refresh(true);
        return;
      }
      if (edits.length === 0) {
        if (w.final) this.dragging = false;
        return;
      }
      const version = document.version;
      if (await this.apply(document, edits, w)) {
        void vscode.commands.executeCommand('setContext', VALUE_CHANGED_CONTEXT, true);
        return;
      }
      if (document.version === version) {
        this.host.services.log.warn(`could not write ${what} into ${this.host.uri.toString()}`);
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
    if (!editor) {
      const edit = new vscode.WorkspaceEdit();
      for (const e of edits) edit.replace(document.uri, new vscode.Range(document.positionAt(e.offset), document.positionAt(e.offset + e.length)), e.content);
      return vscode.workspace.applyEdit(edit);
    }
    const final = w.final;
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
}

/** The dynamics panel's factory: it has no options (the document says everything). */
export function dynamicsFactory(services: DynamicsServices): DelegateFactory<DynamicsDelegate, Record<string, never>> {
  return {
    create: (host) => new DynamicsDelegate(host, services),
    restore: () => ({}),
  };
}
