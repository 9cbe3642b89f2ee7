/**
 * "Feature Learning: Open Dynamics Panel": the panel of the explorer's selection, the given URI,
 * the active editor's document, or an experiment picked from the workspace. Returns the file's URI string.
 */
import * as vscode from 'vscode';
import { activeExperiment, Command, pickExperiment, uriArgument } from './context';

export const openPanel: Command = {
  id: 'featureLearningLab.openPanel',
  title: 'Open Dynamics Panel',
  async run({ dynamics }, uri?: unknown, uris?: unknown) {
    const targets: vscode.Uri[] = Array.isArray(uris) && uris.every((u) => u instanceof vscode.Uri) ? uris : [];
    if (targets.length === 0) {
      const target = uriArgument(uri) ?? activeExperiment() ?? (await pickExperiment('Open Dynamics Panel'));
      if (!target) return undefined;
      targets.push(target);
    }
    for (const t of targets) dynamics.open(t, {});
    return targets[targets.length - 1].toString();
  },
};
