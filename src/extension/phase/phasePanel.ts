/**
 * The phase-diagram panel: one per experiment file, over two axes chosen by the user, of the exact
 * flow or of gradient descent (a switch in the panel: a view preference, never written to the file;
 * docs/phase-diagram.md, "The panel"). Its delegate computes the grid in the phase worker (off the
 * main thread, in chunks; a newer edit cancels the run in progress) at the side the setting
 * `featureLearningLab.phaseGridSize` gives. A click on a cell opens that configuration's dynamics as a
 * preview: an untitled copy of the experiment (the two values substituted, nothing else changed),
 * named for what it is, with its own dynamics panel, and the cell stays marked on the map; the user's
 * file is never written. Export Chart draws the core's SVG figure (PNG: rasterised by the webview);
 * Export Data prints the shown diagram in full precision, as `flab phase` does.
 */
import * as vscode from 'vscode';
import { axisShort } from '../../core/analysis/phase/phaseStyle';
import { widthPowerFormula } from '../../core/experiment/widthFormula';
import { lineAndColumn } from '../../core/experiment/diagnostic';
import { formatSignificant } from '../../core/mechanisms/explain';
import { cellExperimentText } from '../../document/cellText';
import { type ChartImage, Diagram, DocumentShown, Invalid, parseFromPhase, parsePhasePanelState, PhaseConfig, PreviewedCell, SavedPreview, ToPhase } from '../../protocol/phase';
import type { PhaseJob, PhaseOutcome, PhaseProgress } from '../../protocol/workers';
import { baseName, ComputeRequest, ComputeResult, PanelDelegate, PanelHost, PanelKind } from '../panels/livePanel';
import { PageRequests, pngOfDataUrl } from '../panels/pageRequests';
import { DelegateFactory, sameDocument, tabOf } from '../panels/panelRegistry';
import { phaseChannel } from '../channels';
import { WorkerChannel } from '../workerChannel';
import { diagramSvg } from './figure';

export const PHASE_KIND: PanelKind = {
  viewType: 'flab.phase',
  bundle: 'phase',
  noun: 'phase panel',
  title: (fileName) => `Phase: ${fileName}`,
};

/** A phase panel's options: its configuration, and for a restored panel the cell it previewed before the reload. */
export type PhaseOptions = PhaseConfig & { preview?: SavedPreview };

export interface PhaseServices {
  /** dist/phaseWorker.js. */
  workerPath: string;
  /** Opens the dynamics panel of a document (the cell preview) in `column`. */
  openDynamics(uri: vscode.Uri, column: vscode.ViewColumn | undefined): void;
}

export class PhaseDelegate implements PanelDelegate {
  private readonly channel: WorkerChannel<PhaseJob, PhaseOutcome, PhaseProgress>;
  /** The untitled copy that previews a cell, reused by later clicks while it is open. */
  private preview: vscode.Uri | undefined;
  /** The previewed cell's two values, marked on the map while its copy is open. */
  private previewed: PreviewedCell | null = null;
  /** The preview the panel had before a window reload, until a tab shows its copy (or another cell is previewed). */
  private restoredPreview: { uri: vscode.Uri; cell: PreviewedCell } | undefined;
  /** Progress is posted once a run has been going for a while. */
  private busyVersion: number | undefined;
  /** The text of the diagram shown (Export Data prints that one, whatever the document has become). */
  private shownText: string | undefined;
  private readonly chartRequests = new PageRequests<ChartImage>();
  private readonly subscriptions: vscode.Disposable[] = [];

  private config: PhaseConfig;

  constructor(
    private readonly host: PanelHost,
    { preview, ...config }: PhaseOptions,
    private readonly services: PhaseServices,
  ) {
    this.config = config;
    this.channel = phaseChannel(services.workerPath);
    // Restored after a reload: the copy VS Code kept open (hot exit) is still the preview, its cell
    // marked — once its tab is there (the extension host may learn of the restored tabs after this).
    this.restoredPreview = preview && { uri: vscode.Uri.parse(preview.uri), cell: preview.cell };
    this.adoptRestoredPreview();
    const closed = (uri: vscode.Uri) => this.preview !== undefined && sameDocument(uri, this.preview);
    this.subscriptions.push(
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (closed(d.uri)) this.setPreviewed(null);
      }),
      vscode.window.tabGroups.onDidChangeTabs(({ closed: tabs }) => {
        this.adoptRestoredPreview();
        // A restored copy's text loads only when its tab is shown: closing its tab before that closes no document.
        if (this.preview && tabs.some((t) => t.input instanceof vscode.TabInputText && closed(t.input.uri)) && !tabOf(this.preview)) this.setPreviewed(null);
      }),
    );
  }

  /** The restored preview, once a tab shows its copy: marked again, and reused by the next click. */
  private adoptRestoredPreview(): void {
    const restored = this.restoredPreview;
    const uri = restored && tabOf(restored.uri);
    if (!restored || !uri) return;
    this.preview = uri;
    this.setPreviewed(restored.cell);
  }

  get axes(): PhaseConfig {
    return this.config;
  }

  /** The last diagram (for tests and the bench). */
  get shown(): Diagram | undefined {
    return this.host.snapshot.result as Diagram | undefined;
  }

  /** The cell marked as previewed (for tests). */
  get previewedCell(): PreviewedCell | null {
    return this.previewed;
  }

  /** New axes, size or method: recompute. */
  setConfig(config: PhaseConfig): void {
    this.config = config;
    this.host.post(this.documentMessage());
    this.host.refresh();
  }

  key(text: string): string {
    return `${JSON.stringify(this.config)}\u0000${text}`;
  }

  documentMessage(): DocumentShown {
    return { type: 'document', documentUri: this.host.uri.toString(), fileName: baseName(this.host.uri), ...this.config, previewed: this.previewed, preview: this.previewed && this.preview ? this.preview.toString() : null };
  }

  busy(version: number): void {
    this.busyVersion = version;
  }

  async compute({ text, version, superseded }: ComputeRequest): Promise<ComputeResult> {
    this.busyVersion = undefined;
    const r = await this.channel.run({ text, ...this.config, fileName: baseName(this.host.uri) }, ({ rowsDone, rows }) => {
      if (this.busyVersion === version && !superseded()) this.host.post({ type: 'busy', version, rowsDone, rows } satisfies ToPhase);
    });
    if (r.superseded) return undefined;
    const outcome = r.result;
    if (outcome.kind === 'invalid') {
      const errors = outcome.diagnostics.map((d) => {
        const p = lineAndColumn(text, d.offset);
        return { message: d.message, line: p.line + 1, column: p.column + 1 };
      });
      const invalid: Invalid = { type: 'invalid', version, errors };
      return { kind: 'invalid', message: invalid };
    }
    if (outcome.kind !== 'result') return undefined;
    this.shownText = text;
    const diagram: Diagram = { ...outcome.diagram, version };
    return { kind: 'result', message: diagram };
  }

  receive(raw: unknown): boolean {
    const m = parseFromPhase(raw);
    if (!m) return false;
    switch (m.type) {
      case 'openCell':
        this.openCell(m.version, m.row, m.col).catch((err: unknown) => this.host.failed('opening a cell', err));
        return true;
      case 'setMethod':
        if (m.method !== this.config.method) this.setConfig({ ...this.config, method: m.method });
        return true;
      case 'chartImage': {
        this.chartRequests.answer(m.requestId, m);
        return true;
      }
      default:
        return false;
    }
  }

  /** The setting `phaseGridSize` changed: every diagram is drawn again at the new side. */
  settingsChanged(): void {
    const size = this.host.services.settings().phaseGridSize;
    if (size !== this.config.size) this.setConfig({ ...this.config, size });
  }

  dispose(): void {
    this.channel.dispose();
    this.subscriptions.forEach((s) => s.dispose());
    this.chartRequests.clear();
  }

  /** The shown diagram as the SVG figure `flab phase --svg` draws; undefined before the first diagram. */
  chartSvg(): string | undefined {
    const d = this.shown;
    return d && diagramSvg(d);
  }

  /** The shown diagram as a PNG at `scale` pixels per px: its SVG figure rasterised by the webview. Rejects after `timeoutMs`. */
  async chartPng(scale: number, timeoutMs = 15_000): Promise<Uint8Array> {
    const deadline = Date.now() + timeoutMs;
    const svg = this.chartSvg();
    if (!svg) throw new Error('the phase panel has no diagram yet');
    await this.host.whenReady(timeoutMs);
    const answer = await this.chartRequests.ask((requestId) => this.host.post({ type: 'rasterise', requestId, svg, scale } satisfies ToPhase), deadline - Date.now());
    if (!('dataUrl' in answer)) throw new Error(`the panel could not draw the figure: ${answer.error}`);
    return pngOfDataUrl(answer.dataUrl);
  }

  /**
   * The shown diagram as data in full precision — `flab phase --json` or `--csv` of the same text,
   * axes and method — computed again in a worker of its own (the panel's message carries single
   * precision). Undefined before the first diagram; the errors' text if the file cannot be computed.
   */
  async exportData(format: 'json' | 'csv'): Promise<{ text: string } | { error: string } | undefined> {
    const text = this.shownText;
    if (text === undefined) return undefined;
    const channel = phaseChannel(this.services.workerPath);
    try {
      const r = await channel.run({ text, ...this.config, fileName: baseName(this.host.uri), exportData: format });
      if (r.superseded) return { error: 'the export was cancelled' };
      if (r.result.kind === 'data') return { text: r.result.text };
      return { error: r.result.kind === 'invalid' ? r.result.diagnostics.map((d) => d.message).join('; ') : 'no data' };
    } finally {
      channel.dispose();
    }
  }

  private setPreviewed(cell: PreviewedCell | null): void {
    this.restoredPreview = undefined;
    this.previewed = cell;
    if (!cell) this.preview = undefined;
    this.host.post({ type: 'previewed', cell, preview: cell && this.preview ? this.preview.toString() : null } satisfies ToPhase);
  }

  /** Opens the dynamics of one cell: an untitled copy of the experiment with the two values substituted. */
  private async openCell(version: number, row: number, col: number): Promise<void> {
    const d = this.shown;
    if (!d || d.version !== version || row >= d.y.values.length || col >= d.x.values.length) return;
    const document = await this.host.document();
    if (!document) return;
    const xv = d.x.values[col];
    const yv = d.y.values[row];
    // Named in the paper's symbols: "basic at γ = 0.01, η_W = 3.2"; a base of a width power as what it is, "γ = 0.01·d^(−1/2)".
    const at = (axis: typeof d.x, v: number): string => (axis.widthPower && axis.widthPower.exponent !== 0 ? widthPowerFormula(axisShort(axis.path), axis.widthPower.exponent, formatSignificant(v, 4)) : `${axisShort(axis.path)} = ${formatSignificant(v, 4)}`);
    const name = `${baseName(this.host.uri).replace(/\.flab\.json$/i, '')} at ${at(d.x, xv)}, ${at(d.y, yv)}`;
    const text = cellExperimentText(document.getText(), [{ path: d.x.path, value: xv }, { path: d.y.path, value: yv }], name);
    const preview = this.preview;
    // A copy restored after a reload has a tab but no document until its tab is shown: loaded here.
    const open = preview && (vscode.workspace.textDocuments.find((t) => sameDocument(t.uri, preview) && !t.isClosed) ?? (tabOf(preview) ? await vscode.workspace.openTextDocument(preview) : undefined));
    let target: vscode.TextDocument;
    if (open) {
      const edit = new vscode.WorkspaceEdit();
      edit.replace(open.uri, new vscode.Range(open.positionAt(0), open.positionAt(open.getText().length)), text);
      await vscode.workspace.applyEdit(edit);
      target = open;
    } else {
      target = await openCellCopy(this.host.uri, text);
      this.preview = target.uri;
    }
    // The copy in an editor beside the diagram (so it can be saved, and the diagram stays in view),
    // its dynamics panel over it in the same group: an existing neighbouring group, never a third one.
    const column = besideColumn(this.host.panel.viewColumn, vscode.window.tabGroups.all.map((g) => g.viewColumn));
    const editor = await vscode.window.showTextDocument(target, { viewColumn: column, preserveFocus: true, preview: true });
    this.setPreviewed({ x: xv, y: yv });
    this.services.openDynamics(target.uri, editor.viewColumn);
  }
}

/** How many names `openCellCopy` tries before it settles for a plain untitled document. */
const COPY_NAMES = 20;

/**
 * A cell's copy as an untitled document named for what it is — `basic (phase cell).flab.json`
 * beside the experiment — rather than "Untitled-1": its tab and its dynamics panel say so, and Save
 * writes it under that name. One copy is reused for every cell while it is open (its text and its
 * "name" say which cell), so the name carries no values that a later click would make stale. A name
 * already taken on disk or by an open copy is numbered ("(phase cell 2)"); a file that is not on
 * disk gets a plain untitled copy.
 */
async function openCellCopy(source: vscode.Uri, text: string): Promise<vscode.TextDocument> {
  if (source.scheme === 'file') {
    const base = baseName(source).replace(/\.flab\.json$/i, '');
    const folder = vscode.Uri.joinPath(source, '..');
    for (let n = 1; n <= COPY_NAMES; n++) {
      const uri = vscode.Uri.joinPath(folder, `${base} (phase cell${n > 1 ? ` ${n}` : ''}).flab.json`).with({ scheme: 'untitled' });
      if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString())) continue;
      let document: vscode.TextDocument;
      try {
        // Refused when a file of that name exists: try the next name.
        document = await vscode.workspace.openTextDocument(uri);
      } catch {
        continue;
      }
      const edit = new vscode.WorkspaceEdit();
      edit.replace(uri, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), text);
      if (await vscode.workspace.applyEdit(edit)) return document;
    }
  }
  return vscode.workspace.openTextDocument({ language: 'jsonc', content: text });
}

/**
 * Where a cell's dynamics open: the editor group next to the diagram's (the one before it, else the
 * one after it, else any other), or a new group beside it when the diagram is alone — so a click
 * never makes a third group (issue 10).
 */
export function besideColumn(diagram: vscode.ViewColumn | undefined, groups: readonly vscode.ViewColumn[]): vscode.ViewColumn {
  const own = diagram ?? vscode.ViewColumn.One;
  const others = groups.filter((c) => c !== own);
  if (others.includes(own - 1)) return own - 1;
  if (others.includes(own + 1)) return own + 1;
  return others[0] ?? vscode.ViewColumn.Beside;
}

/** The phase panel's factory: its options are the axes, the grid size and the method, restored from the webview's state. */
export function phaseFactory(services: PhaseServices): DelegateFactory<PhaseDelegate, PhaseOptions> {
  return {
    create: (host, options) => new PhaseDelegate(host, options, services),
    restore: (state) => {
      const saved = parsePhasePanelState(state);
      return saved ? { x: saved.x, y: saved.y, size: saved.size, method: saved.method, ...(saved.preview ? { preview: saved.preview } : {}) } : undefined;
    },
    reopen: (delegate, { x, y, size, method }) => delegate.setConfig({ x, y, size, method }),
  };
}
