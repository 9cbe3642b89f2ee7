/**
 * Export Data and Export Chart for a training panel (a network trained here, or checkpoints): the
 * file core/runs/trainingExport.ts prints, built by the export worker; the figure of the charts as
 * shown. Reached from the two export commands when the panel meant is a training panel.
 */
import * as vscode from 'vscode';
import { figureSvg } from '../../core/figures/chartFigure';
import type { FigureOptions } from '../../protocol/dynamics';
import { baseName, LivePanel } from '../panels/livePanel';
import type { TrainingDelegate } from '../training/trainingPanel';
import { announceExport, CommandContext, exportDefaultUri, exportTarget, sibling } from './context';

export async function exportTrainingData(context: CommandContext, panel: LivePanel<TrainingDelegate>, format: 'csv' | 'json' | undefined, requested: unknown): Promise<string | undefined> {
  if (!panel.delegate.hasRun) {
    void vscode.window.showInformationMessage(`The panel of ${baseName(panel.uri)} has no run to export yet.`);
    return undefined;
  }
  if (!format) {
    const picked = await vscode.window.showQuickPick(
      [
        { label: 'CSV', description: 'one row per record, the columns named by their JSON path', format: 'csv' as const },
        { label: 'JSON', description: 'as `flab train --json` prints it', format: 'json' as const },
      ],
      { title: 'Export Data', placeHolder: 'Format', ignoreFocusOut: true },
    );
    format = picked?.format;
  }
  if (!format) return undefined;
  const defaultUri = exportDefaultUri(panel.uri, format, (u) => panel.delegate.readsFile(u));
  const target = await exportTarget(requested, { defaultUri, filters: format === 'csv' ? { CSV: ['csv'] } : { JSON: ['json'] }, title: 'Export Data' });
  if (!target) return undefined;
  // Built by the export worker: a long run's every record, parsed and printed here, held the main thread for most of a second.
  const file = await panel.delegate.exportFile(format);
  if (!file) return undefined;
  if (file.kind === 'failed') {
    void vscode.window.showErrorMessage(`Export Data of ${baseName(panel.uri)} failed: ${file.message}. Nothing was written.`);
    return undefined;
  }
  await vscode.workspace.fs.writeFile(target, file.bytes);
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
