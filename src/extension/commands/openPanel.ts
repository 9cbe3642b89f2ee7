/**
 * "Feature Learning: Open Dynamics Panel": the panel of the explorer's selection, the given URI,
 * the active editor's document, or an experiment picked from the workspace — the dynamics panel for
 * the two-layer linear model, the training panel for a network or a checkpoint experiment (the
 * file's kind, as the schema reads it), beside the editor or in the group of the panels already open
 * (`PanelPlacement`). Returns the file's URI string.
 */
import * as vscode from 'vscode';
import { parseJsonText } from '../../core/experiment/parse';
import { experimentKind } from '../../core/experiment/kind';
import { activeExperiment, Command, CommandContext, pickExperiment, uriArgument } from './context';

/** Which panel a file gets: by its kind when its text is JSON, else the dynamics panel (which shows the errors). */
async function kindOf(uri: vscode.Uri): Promise<'linear' | 'network' | 'checkpoints'> {
  try {
    const document = await vscode.workspace.openTextDocument(uri);
    const { tree } = parseJsonText(document.getText());
    return tree ? experimentKind(tree) : 'linear';
  } catch {
    return 'linear';
  }
}

/** Opens the right panel for `uri`, in `column` when given. */
export async function openPanelFor({ dynamics, training }: CommandContext, uri: vscode.Uri, column?: vscode.ViewColumn): Promise<void> {
  if ((await kindOf(uri)) === 'linear') dynamics.open(uri, {}, column);
  else training.open(uri, {}, column);
}

export const openPanel: Command = {
  id: 'featureLearningLab.openPanel',
  title: 'Open Dynamics Panel',
  async run(context, uri?: unknown, uris?: unknown) {
    const targets: vscode.Uri[] = Array.isArray(uris) && uris.every((u) => u instanceof vscode.Uri) ? uris : [];
    if (targets.length === 0) {
      const target = uriArgument(uri) ?? activeExperiment() ?? (await pickExperiment('Open Dynamics Panel'));
      if (!target) return undefined;
      targets.push(target);
    }
    for (const t of targets) await openPanelFor(context, t);
    return targets[targets.length - 1].toString();
  },
};
