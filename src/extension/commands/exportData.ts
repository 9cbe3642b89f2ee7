/**
 * "Feature Learning: Export Data": the series the dynamics panel shows — every run of a sweep, not only
 * the file's own — as CSV (its parameters and label in commented header lines) or JSON; a training
 * panel's run as `flab train` prints it (exportTraining.ts); or the phase
 * diagram a phase panel shows, in full precision, as `flab phase --csv` or `--json` print it. To a file
 * the user picks, then a notification with the path and an Open action. Argument:
 * `{ format?, documentUri?, panel?: 'dynamics' | 'training' | 'phase' }` (and, for the integration tests only,
 * `target`). Returns the file's URI string.
 */
import * as vscode from 'vscode';
import { exportCsv, exportJson } from '../dynamics/exportData';
import { baseName, type LivePanel } from '../panels/livePanel';
import type { PhaseDelegate } from '../phase/phasePanel';
import { announceExport, chooseExportPanel, Command, CommandContext, ExportArgs, exportTarget, exportArgs, sibling } from './context';
import { exportTrainingData } from './exportTraining';

async function askFormat(given: 'csv' | 'json' | undefined, csv: string, json: string): Promise<'csv' | 'json' | undefined> {
  if (given) return given;
  const picked = await vscode.window.showQuickPick(
    [
      { label: 'CSV', description: csv, format: 'csv' as const },
      { label: 'JSON', description: json, format: 'json' as const },
    ],
    { title: 'Export Data', placeHolder: 'Format', ignoreFocusOut: true },
  );
  return picked?.format;
}

/** The phase diagram as data: recomputed in full precision (the panel holds single precision) and printed as the CLI prints it. */
async function exportPhaseData(context: CommandContext, panel: LivePanel<PhaseDelegate>, args: ExportArgs): Promise<string | undefined> {
  if (!panel.delegate.shown) {
    void vscode.window.showInformationMessage(`The phase diagram of ${baseName(panel.uri)} has no result to export yet.`);
    return undefined;
  }
  const format = await askFormat(args.format, 'one row per cell: x, y, (outcome,) label and every score (descent: deadStep last), as flab phase --csv', 'as flab phase --json: axes, labels, scores (and outcomes and critical lines for gradient descent)');
  if (!format) return undefined;
  const target = await exportTarget(args.target, { defaultUri: sibling(panel.uri, `phase.${format}`), filters: format === 'csv' ? { CSV: ['csv'] } : { JSON: ['json'] }, title: 'Export Data' });
  if (!target) return undefined;
  const data = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Exporting the phase diagram of ${baseName(panel.uri)}` }, () => panel.delegate.exportData(format));
  if (!data || 'error' in data) {
    void vscode.window.showWarningMessage(`Feature Learning: Export Data failed: ${data ? data.error : 'no diagram'}`);
    return undefined;
  }
  await vscode.workspace.fs.writeFile(target, Buffer.from(data.text, 'utf8'));
  announceExport(target, `the phase diagram (${format.toUpperCase()})`, context.log);
  return target.toString();
}

export const exportData: Command = {
  id: 'featureLearningLab.exportData',
  title: 'Export Data',
  async run(context, arg?: unknown) {
    const args = exportArgs(arg);
    const chosen = await chooseExportPanel(context, args);
    if (!chosen) return undefined;
    if (chosen.kind === 'phase') return exportPhaseData(context, chosen.panel, args);
    if (chosen.kind === 'training') return exportTrainingData(context, chosen.panel, args.format, args.target);
    const panel = chosen.panel;
    const run = panel.delegate.shownRun;
    if (!run) {
      void vscode.window.showInformationMessage(`The panel of ${baseName(panel.uri)} has no result to export yet${panel.delegate.shown.invalid ? ': the file has errors' : ''}.`);
      return undefined;
    }
    const format = await askFormat(args.format, 'one row per time point (and per run of a sweep), the parameters in # comment lines', 'columns and summaries, as `flab solve --json` (a sweep\'s runs under panel.sweep)');
    if (!format) return undefined;
    const target = await exportTarget(args.target, { defaultUri: sibling(panel.uri, format), filters: format === 'csv' ? { CSV: ['csv'] } : { JSON: ['json'] }, title: 'Export Data' });
    if (!target) return undefined;
    await vscode.workspace.fs.writeFile(target, Buffer.from(format === 'csv' ? exportCsv(run) : exportJson(run), 'utf8'));
    announceExport(target, `the data (${format.toUpperCase()})`, context.log);
    return target.toString();
  },
};
