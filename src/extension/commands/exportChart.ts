/**
 * "Feature Learning: Export Chart": the dynamics panel's charts as a PNG drawn by the webview, to a
 * file the user picks. Argument: `{ documentUri? }` (and, for the integration tests only, `target`).
 * Returns the file's URI string.
 */
import * as vscode from 'vscode';
import { baseName } from '../panels/livePanel';
import { choosePanel, Command, exportArgs, exportTarget, sibling } from './context';

export const exportChart: Command = {
  id: 'featureLearningLab.exportChart',
  title: 'Export Chart',
  async run(context, arg?: unknown) {
    const args = exportArgs(arg);
    const panel = await choosePanel(context, args.documentUri);
    if (!panel) return undefined;
    const target = await exportTarget(args.target, { defaultUri: sibling(panel.uri, 'png'), filters: { PNG: ['png'] }, title: 'Export Chart' });
    if (!target) return undefined;
    const png = await panel.delegate.chartImage();
    await vscode.workspace.fs.writeFile(target, png);
    void vscode.window.setStatusBarMessage(`Exported ${baseName(target)}`, 4000);
    return target.toString();
  },
};
