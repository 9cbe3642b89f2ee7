// The extension as the vscode API sees it: installed, activated, its commands registered.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { commandId, contributedCommands, ourExtension } from './helpers';

const TITLES = ['Open Dynamics Panel', 'New Experiment', 'Export Data', 'Export Chart'];

describe('extension', () => {
  it('is installed and activates', async () => {
    const ext = ourExtension();
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  it('contributes the four commands under "Feature Learning"', () => {
    for (const title of TITLES) commandId(title);
  });

  it('registers every contributed command', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributedCommands()
      .map((c) => c.command)
      .filter((id) => !registered.has(id));
    assert.deepEqual(missing, []);
  });
});
