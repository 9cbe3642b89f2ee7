// Helpers for the in-host suite: find the extension, open fixtures, wait for conditions.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { FeatureLearningLabApi } from '../../../src/extension/extension';

export const EXTENSION_NAME = 'feature-learning-lab';

/** The extension under test, whatever its install path (copied folder, .vsix or development path). */
export function ourExtension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.all.find((e) => (e.packageJSON as { name?: string }).name === EXTENSION_NAME);
  assert.ok(ext, `extension ${EXTENSION_NAME} is not installed`);
  return ext;
}

export interface ContributedCommand {
  command: string;
  title: string;
  category?: string;
}

export function contributedCommands(): ContributedCommand[] {
  const pkg = ourExtension().packageJSON as { contributes?: { commands?: ContributedCommand[] } };
  return pkg.contributes?.commands ?? [];
}

/** The command id whose palette title is `Feature Learning: <title>`. */
export function commandId(title: string): string {
  const c = contributedCommands().find((x) => x.category === 'Feature Learning' && x.title === title);
  assert.ok(c, `no contributed command "Feature Learning: ${title}"`);
  return c.command;
}

export function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder open');
  return vscode.Uri.joinPath(folder.uri, name);
}

/** Polls `probe` until it returns a value other than undefined (or throws after `timeoutMs`). */
export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function openFixture(name: string, column = vscode.ViewColumn.One): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(workspaceFile(name));
  return vscode.window.showTextDocument(doc, { viewColumn: column, preview: false });
}

/** The testing API the extension's activate() returns (type only: nothing of the extension is bundled here). */
export async function testingApi(): Promise<FeatureLearningLabApi['testing']> {
  const api = (await ourExtension().activate()) as FeatureLearningLabApi | undefined;
  assert.ok(api?.testing, 'activate() returned no testing API');
  return api.testing;
}

/** Webview tabs of our panels (their viewType contains the panel's type). */
export function panelTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview);
}

/** Closes every editor and panel, reverting dirty documents first (a save prompt would block). */
export async function closeAllEditors(): Promise<void> {
  for (const doc of vscode.workspace.textDocuments) if (doc.isDirty && !doc.isUntitled) await revert(doc);
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** Reverts a document to its saved text (so closing editors never asks to save). */
export async function revert(doc: vscode.TextDocument): Promise<void> {
  await vscode.window.showTextDocument(doc, { preview: false });
  await vscode.commands.executeCommand('workbench.action.files.revert');
  await waitFor(`${doc.fileName} reverted`, () => (doc.isDirty ? undefined : true));
}
