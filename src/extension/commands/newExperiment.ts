/**
 * "Feature Learning: New Experiment": creates `<template>.flab.json` (a saved file, so that schema
 * validation, the panel's restore after reload and the file's history all work) in the folder given
 * (the explorer's folder), else next to the active experiment, else in the first workspace folder,
 * else where the user chooses; opens it, and its panel beside it. Argument for tests:
 * `{ template: 'alignment', folder?: Uri }`. Returns the new file's URI string.
 */
import * as vscode from 'vscode';
import { isExperimentFile } from '../problems';
import { ExperimentTemplate, TEMPLATES } from '../templates';
import { Command } from './context';

export const newExperiment: Command = {
  id: 'featureLearningLab.newExperiment',
  title: 'New Experiment',
  async run({ dynamics }, arg?: unknown) {
    const options = (typeof arg === 'object' && arg !== null && !(arg instanceof vscode.Uri) ? arg : {}) as { template?: unknown; folder?: unknown };
    let template: ExperimentTemplate | undefined = TEMPLATES.find((t) => t.id === options.template);
    if (!template) {
      const picked = await vscode.window.showQuickPick(
        TEMPLATES.map((t) => ({ label: t.label, detail: t.detail, template: t })),
        { title: 'New Experiment', placeHolder: 'Start from which experiment?', matchOnDetail: true },
      );
      template = picked?.template;
    }
    if (!template) return undefined;

    let folder = arg instanceof vscode.Uri ? arg : options.folder instanceof vscode.Uri ? options.folder : undefined;
    if (folder) {
      const stat = await vscode.workspace.fs.stat(folder);
      if (stat.type !== vscode.FileType.Directory) folder = vscode.Uri.joinPath(folder, '..');
    }
    const active = vscode.window.activeTextEditor?.document.uri;
    if (!folder && active && active.scheme === 'file' && isExperimentFile(active)) folder = vscode.Uri.joinPath(active, '..');
    folder ??= vscode.workspace.workspaceFolders?.[0]?.uri;

    let target: vscode.Uri | undefined;
    if (folder) {
      target = await freeName(folder, template.id);
    } else {
      target = await vscode.window.showSaveDialog({ title: 'New Experiment', saveLabel: 'Create', filters: { Experiments: ['flab.json'] } });
      if (target && !isExperimentFile(target)) target = target.with({ path: target.path.replace(/(\.json)?$/, '.flab.json') });
    }
    if (!target) return undefined;
    await vscode.workspace.fs.writeFile(target, Buffer.from(template.text, 'utf8'));
    const document = await vscode.workspace.openTextDocument(target);
    // The file where the user works (first group unless an editor is active), its panel beside it.
    await vscode.window.showTextDocument(document, { preview: false, viewColumn: vscode.window.activeTextEditor?.viewColumn ?? vscode.ViewColumn.One });
    dynamics.open(target, {});
    return target.toString();
  },
};

/** `<stem>.flab.json`, or `<stem>-2.flab.json`, … whichever does not exist yet. */
async function freeName(folder: vscode.Uri, stem: string): Promise<vscode.Uri> {
  for (let i = 1; ; i++) {
    const candidate = vscode.Uri.joinPath(folder, `${stem}${i === 1 ? '' : `-${i}`}.flab.json`);
    try {
      await vscode.workspace.fs.stat(candidate);
    } catch {
      return candidate;
    }
  }
}
