/**
 * "Feature Learning: Export Data": the series the dynamics panel shows, as CSV (its parameters and
 * label in commented header lines) or JSON, to a file the user picks, then a notification with the
 * path and an Open action. Argument: `{ format?, documentUri? }` (and, for the integration tests only,
 * `target`). Returns the file's URI string.
 */
import * as vscode from 'vscode';
import { exportCsv, exportJson } from '../dynamics/exportData';
import { baseName } from '../panels/livePanel';
import { announceExport, choosePanel, Command, exportArgs, exportTarget, sibling } from './context';

export const exportData: Command = {
  id: 'featureLearningLab.exportData',
  title: 'Export Data',
  async run(context, arg?: unknown) {
    const args = exportArgs(arg);
    const panel = await choosePanel(context, args.documentUri);
    if (!panel) return undefined;
    const run = panel.delegate.shownRun;
    if (!run) {
      void vscode.window.showInformationMessage(`The panel of ${baseName(panel.uri)} has no result to export yet${panel.delegate.shown.invalid ? ': the file has errors' : ''}.`);
      return undefined;
    }
    let format = args.format;
    if (!format) {
      const picked = await vscode.window.showQuickPick(
        [
          { label: 'CSV', description: 'one row per time point, the parameters in # comment lines', format: 'csv' as const },
          { label: 'JSON', description: 'columns and summaries, as `flab solve --json`', format: 'json' as const },
        ],
        { title: 'Export Data', placeHolder: 'Format' },
      );
      format = picked?.format;
    }
    if (!format) return undefined;
    const target = await exportTarget(args.target, { defaultUri: sibling(panel.uri, format), filters: format === 'csv' ? { CSV: ['csv'] } : { JSON: ['json'] }, title: 'Export Data' });
    if (!target) return undefined;
    await vscode.workspace.fs.writeFile(target, Buffer.from(format === 'csv' ? exportCsv(run) : exportJson(run), 'utf8'));
    announceExport(target, `the data (${format.toUpperCase()})`, context.log);
    return target.toString();
  },
};
