// What a new user meets first, as the vscode API sees it: the walkthrough (contributed, each step's
// command registered and working on the example), and one Problems entry per fault — ours, with the
// CLI's message, and not VS Code's schema check of the same fault beside it.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { closeAllEditors, openFixture, ourExtension, testingApi, waitFor, workspaceFile } from './helpers';

interface Step {
  id: string;
  title: string;
  description: string;
  media: { markdown?: string };
  completionEvents?: string[];
}

function walkthrough(): { id: string; steps: Step[] } {
  const pkg = ourExtension().packageJSON as { contributes?: { walkthroughs?: { id: string; steps: Step[] }[] } };
  const w = pkg.contributes?.walkthroughs?.[0];
  assert.ok(w, 'no walkthrough contributed');
  return w;
}

/** The command links of a step's description: id and JSON arguments. */
function links(step: Step): { command: string; args: unknown[] }[] {
  return [...step.description.matchAll(/\(command:([\w.]+)(?:\?([^)]*))?\)/g)].map((m) => ({ command: m[1], args: m[2] ? (JSON.parse(decodeURIComponent(m[2])) as unknown[]) : [] }));
}

describe('first steps', () => {
  after(closeAllEditors);

  it('contributes a walkthrough whose four steps open an example, the panel, change a value and open a phase diagram', async () => {
    const w = walkthrough();
    assert.deepEqual(w.steps.map((s) => s.id), ['openExample', 'openPanel', 'changeValue', 'phaseDiagram']);
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const step of w.steps) {
      assert.ok(step.media.markdown, `${step.id} has its page`);
      await vscode.workspace.fs.stat(vscode.Uri.joinPath(ourExtension().extensionUri, step.media.markdown));
      const found = links(step);
      assert.ok(found.length >= 1, `${step.id} has a button`);
      for (const l of found) assert.ok(registered.has(l.command), `${step.id}: ${l.command} is registered`);
    }
    assert.deepEqual(w.steps[2].completionEvents, ['onContext:featureLearningLab.valueChanged']);
  });

  it('runs its steps\' commands: the example is created with its panel, and a phase diagram opens on it', async function () {
    this.timeout(120_000);
    const testing = await testingApi();
    const w = walkthrough();
    const [create] = links(w.steps[0]);
    assert.deepEqual(create.args, [{ template: 'alignment' }]);
    const created = (await vscode.commands.executeCommand(create.command, ...create.args)) as string;
    assert.match(created, /\/alignment(-\d+)?\.flab\.json$/);
    const uri = vscode.Uri.parse(created);
    await waitFor('the example\'s panel with a result', () => testing.panels().find((p) => p.documentUri === created && p.update));
    const [open] = links(w.steps[1]);
    await vscode.commands.executeCommand(open.command, uri);
    const [phase] = links(w.steps[3]);
    // The button asks for the axes; here they are given, as a keybinding would.
    await vscode.commands.executeCommand(phase.command, { documentUri: uri.toString(), x: 'outputScale=1e-2:1e2', y: 'init.scaleU=1e-4:1', size: 32 });
    await waitFor('the phase diagram', () => testing.phasePanels().find((p) => p.documentUri === created && p.version !== undefined), 60_000);
    await closeAllEditors();
    await vscode.workspace.fs.delete(uri);
  });

  it('puts one entry per fault into Problems: ours, not also VS Code\'s schema check', async function () {
    this.timeout(60_000);
    // A value out of range and a duplicate key: the duplicate only VS Code's JSON service reports, so
    // once it is there, that service has checked the document against the schema it was given.
    const uri = workspaceFile('one-entry.flab.json');
    const text = '{\n  "name": "a",\n  "name": "b",\n  "model": { "width": 0 },\n  "data": { "x": [1], "y": 1 },\n  "init": { "scaleU": 0.1, "scaleW": 0.1, "seed": 1 },\n  "learningRates": { "u": 0.1, "W": 0.1 }\n}\n';
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    await openFixture('one-entry.flab.json');
    const all = await waitFor('ours and the JSON service\'s diagnostics', () => {
      const d = vscode.languages.getDiagnostics(uri);
      const ours = d.filter((x) => x.source === 'flab');
      const json = d.filter((x) => x.source !== 'flab' && /duplicate/i.test(x.message));
      return ours.length > 0 && json.length > 0 ? d : undefined;
    }, 30_000);
    const widthLine = 3;
    const onWidth = all.filter((d) => d.range.start.line === widthLine);
    assert.equal(onWidth.length, 1, `one entry for the width: ${JSON.stringify(onWidth.map((d) => [d.source, d.message]))}`);
    assert.equal(onWidth[0].source, 'flab');
    assert.match(onWidth[0].message, /model\.width must be ≥ 1, got 0/);
    await closeAllEditors();
    await vscode.workspace.fs.delete(uri);
    // Likewise for a file that names its schema, as the examples do: they name the editor schema (with
    // the full one, its minimum was a second entry, "Value is below the minimum of 1.").
    const named = workspaceFile('named-schema.flab.json');
    const schema = vscode.Uri.file(join(__dirname, '..', '..', '..', '..', 'media', 'flab.editor.schema.json')).toString();
    await vscode.workspace.fs.writeFile(named, new TextEncoder().encode(text.replace('{\n', `{\n  "$schema": ${JSON.stringify(schema)},\n`)));
    await openFixture('named-schema.flab.json');
    const again = await waitFor('ours and the JSON service\'s diagnostics', () => {
      const d = vscode.languages.getDiagnostics(named);
      return d.some((x) => x.source === 'flab') && d.some((x) => x.source !== 'flab' && /duplicate/i.test(x.message)) ? d : undefined;
    }, 30_000);
    const width = again.filter((d) => d.range.start.line === widthLine + 1);
    assert.deepEqual(width.map((d) => d.source), ['flab'], JSON.stringify(width.map((d) => [d.source, d.message])));
    await closeAllEditors();
    await vscode.workspace.fs.delete(named);
  });
});
