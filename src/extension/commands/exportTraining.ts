/**
 * Export Data and Export Chart for a training panel (a network trained here, or checkpoints): the
 * JSON `flab train --json` (or `flab checkpoints --json`, or `flab sweep --json`) prints, or its CSV —
 * `#` lines saying what the run is (as the linear panel's CSV opens), then one row per record, the
 * columns named by their JSON path (docs/networks.md, "Runs and output"); the figure of the charts as
 * shown. Reached from the two export commands when the panel meant is a training panel.
 */
import * as vscode from 'vscode';
import { figureSvg } from '../../core/figures/chartFigure';
import type { CheckpointsResult } from '../../core/checkpoints/checkpointReader';
import { checkpointColumns, columnsCsv, trainColumns } from '../../core/runs/layerCsv';
import type { TrainResult } from '../../core/runs/train';
import type { Parameter } from '../../core/figures/parameters';
import type { FigureOptions } from '../../protocol/dynamics';
import { baseName, LivePanel } from '../panels/livePanel';
import type { TrainingDelegate, TrainingExport } from '../training/trainingPanel';
import { announceExport, CommandContext, exportTarget, sibling } from './context';

/**
 * The commented lines at the top of a training panel's CSV (docs/panel.md, "Export Data"): the title,
 * the file, the parameters as run, the label (each of a sweep's values') and its thresholds. Every
 * line starts with `#`: pandas reads the file with `read_csv(path, comment='#')`.
 */
export function trainingCsvHeader(title: string, documentUri: string, parameters: readonly Parameter[], data: TrainingExport): string {
  const line = (s: string) => `# ${s.replace(/[\r\n]+/g, ' ')}\n`;
  const said = (label: string | null, status?: string) => label ?? `none${status && status !== 'finished' ? ` (${status})` : ''}`;
  let out = line(`Feature Learning Lab: ${title}`) + line(`file: ${documentUri}`) + line('parameters, as run:');
  for (const p of parameters) out += line(`  ${p.path} (${p.symbol}) = ${p.value}`);
  if ('runs' in data) {
    out += line(`sweep over ${data.path}: ${data.runs.length} runs; the first column is each run's value`);
    data.runs.forEach((r, i) => (out += line(`  ${data.path} = ${data.values[i]}: label ${r ? said(r.summary.label, r.summary.status) : 'none (not run)'}`)));
    const first = data.runs.find((r) => r !== null);
    if (first) out += line(`thresholds of the label: ${thresholdsOf(first.summary.thresholds)}`);
    return out;
  }
  const status = 'status' in data.summary ? data.summary.status : undefined;
  return out + line(`label: ${said(data.summary.label, status)}`) + line(`thresholds of the label: ${thresholdsOf(data.summary.thresholds)}`);
}

function thresholdsOf(t: object): string {
  return Object.entries(t).map(([k, v]) => `${k} ${v}`).join(', ');
}

/** CSV of a training export: one run as `flab train --csv`, a sweep with the swept value in a first column. */
export function trainingCsv(data: TrainingExport): string {
  if ('runs' in data) {
    let header = true;
    return data.runs
      .map((r, i) => {
        if (!r) return '';
        const block = columnsCsv(trainColumns(r), [{ name: data.key, value: data.values[i] }], header);
        header = false;
        return block;
      })
      .join('');
  }
  return 'epoch' in data ? columnsCsv(trainColumns(data as TrainResult)) : columnsCsv(checkpointColumns(data as CheckpointsResult));
}

export async function exportTrainingData(context: CommandContext, panel: LivePanel<TrainingDelegate>, format: 'csv' | 'json' | undefined, requested: unknown): Promise<string | undefined> {
  const shown = panel.delegate.exported;
  if (!shown) {
    void vscode.window.showInformationMessage(`The panel of ${baseName(panel.uri)} has no run to export yet.`);
    return undefined;
  }
  if (!format) {
    const picked = await vscode.window.showQuickPick(
      [
        { label: 'CSV', description: 'one row per record, the columns named by their JSON path', format: 'csv' as const },
        { label: 'JSON', description: 'as `flab train --json` prints it', format: 'json' as const },
      ],
      { title: 'Export Data', placeHolder: 'Format' },
    );
    format = picked?.format;
  }
  if (!format) return undefined;
  const target = await exportTarget(requested, { defaultUri: sibling(panel.uri, format), filters: format === 'csv' ? { CSV: ['csv'] } : { JSON: ['json'] }, title: 'Export Data' });
  if (!target) return undefined;
  const text = format === 'csv' ? trainingCsvHeader(shown.title, panel.uri.toString(), shown.parameters, shown.data) + trainingCsv(shown.data) : `${JSON.stringify(shown.data, null, 2)}\n`;
  await vscode.workspace.fs.writeFile(target, Buffer.from(text, 'utf8'));
  announceExport(target, `the data (${format.toUpperCase()})`, context.log);
  return target.toString();
}

export async function exportTrainingChart(context: CommandContext, panel: LivePanel<TrainingDelegate>, options: FigureOptions, requested: unknown): Promise<string | undefined> {
  const ext = options.format;
  const target = await exportTarget(requested, { defaultUri: sibling(panel.uri, ext), filters: ext === 'png' ? { PNG: ['png'] } : { SVG: ['svg'] }, title: 'Export Chart' });
  if (!target) return undefined;
  const answer = await panel.delegate.chartFigure(options);
  const bytes = 'png' in answer ? answer.png : Buffer.from(figureSvg(answer.figure), 'utf8');
  await vscode.workspace.fs.writeFile(target, bytes);
  announceExport(target, ext === 'png' ? `the chart (PNG, ${options.scale}×)` : 'the chart (SVG)', context.log);
  return target.toString();
}
