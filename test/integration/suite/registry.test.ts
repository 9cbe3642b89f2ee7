// What every panel kind gets from the one panel registry (src/extension/panels/panelRegistry.ts),
// shown on the phase panel, whose own manager once lacked them: it follows a renamed folder, closes
// when its file is deleted outside VS Code, and picks up a changed `debounceMs` setting.
import * as assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import * as vscode from 'vscode';
import { closeAllEditors, commandId, testingApi, waitFor, workspaceFile } from './helpers';

const AXES = { x: 'model.outputScale=1e-2:1e2', y: 'init.scaleU=1e-3:1', size: 16 };

/** A fresh folder with a copy of the basic fixture, and its phase panel with a first diagram. */
async function phaseIn(folder: string): Promise<vscode.Uri> {
  const testing = await testingApi();
  const dir = workspaceFile(folder);
  await vscode.workspace.fs.createDirectory(dir);
  const uri = vscode.Uri.joinPath(dir, 'phase.flab.json');
  await vscode.workspace.fs.copy(workspaceFile('basic.flab.json'), uri, { overwrite: true });
  await vscode.commands.executeCommand(commandId('Open Phase Diagram'), { documentUri: uri.toString(), ...AXES });
  await waitFor('a phase diagram', () => testing.phasePanels().find((p) => p.documentUri === uri.toString() && p.version !== undefined));
  return uri;
}

describe('every panel kind: renames, outside deletes, settings', () => {
  afterEach(closeAllEditors);

  it('a phase panel follows its file when the folder holding it is renamed', async () => {
    const testing = await testingApi();
    const uri = await phaseIn('phase-folder-before');
    const renamedFolder = workspaceFile('phase-folder-after');
    const edit = new vscode.WorkspaceEdit();
    edit.renameFile(workspaceFile('phase-folder-before'), renamedFolder, { overwrite: true });
    assert.ok(await vscode.workspace.applyEdit(edit));
    const moved = vscode.Uri.joinPath(renamedFolder, 'phase.flab.json').toString();
    const panel = await waitFor('the phase panel on the moved file', () => testing.phasePanels().find((p) => p.documentUri === moved));
    assert.equal(testing.phasePanels().find((p) => p.documentUri === uri.toString()), undefined, 'still on the old path');
    // It keeps computing for the file at its new place.
    const before = panel.version ?? 0;
    await waitFor('a diagram after the move', () => testing.phasePanels().find((p) => p.documentUri === moved && (p.version ?? 0) > before));
  });

  it('a phase panel closes when its file is deleted outside VS Code', async () => {
    const testing = await testingApi();
    const uri = await phaseIn('phase-outside-delete');
    // As a terminal or git would: straight on the disk, not through VS Code.
    rmSync(uri.fsPath);
    await waitFor('the phase panel closed', () => (testing.phasePanels().some((p) => p.documentUri === uri.toString()) ? undefined : true), 20_000);
  });

  it('a phase panel closes when the folder holding its file is deleted outside VS Code', async () => {
    const testing = await testingApi();
    const uri = await phaseIn('phase-folder-outside-delete');
    rmSync(workspaceFile('phase-folder-outside-delete').fsPath, { recursive: true });
    await waitFor('the phase panel closed', () => (testing.phasePanels().some((p) => p.documentUri === uri.toString()) ? undefined : true), 20_000);
  });

  it('a phase panel picks up a changed debounceMs', async () => {
    const testing = await testingApi();
    const uri = await phaseIn('phase-settings');
    const config = vscode.workspace.getConfiguration('featureLearningLab');
    const panel = () => testing.phasePanels().find((p) => p.documentUri === uri.toString());
    assert.equal(panel()?.coalescingMs, testing.settings().debounceMs);
    try {
      await config.update('debounceMs', 123, vscode.ConfigurationTarget.Global);
      await waitFor('the new coalescing window', () => (panel()?.coalescingMs === 123 ? true : undefined));
    } finally {
      await config.update('debounceMs', undefined, vscode.ConfigurationTarget.Global);
    }
    await waitFor('the default again', () => (panel()?.coalescingMs === 40 ? true : undefined));
  });
});
