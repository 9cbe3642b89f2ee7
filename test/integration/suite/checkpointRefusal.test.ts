// The training panel refuses, before it trains, what `flab train` and `flab sweep` refuse of a file's
// checkpoints (2026-12-03): a checkpoint folder that is a dangling link, more checkpoints than a
// checkpoint experiment reads — known from the steps, or only once the data gives the epochs' steps —
// and a sweep one of whose values would write too many, checked for every value before any trains.
// Until then the panel trained such a file (it writes no checkpoints itself) and said nothing.
// The refusal is located at its key in Problems, the last run stays on screen, the text is the user's.
import * as assert from 'node:assert/strict';
import { readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { closeAllEditors, commandId, testingApi, waitFor, workspaceFile } from './helpers';

const repo = join(__dirname, '..', '..', '..', '..');
const bridge = readFileSync(join(repo, 'examples', 'networks', 'bridge-linear-network.flab.json'), 'utf8').replace('"$schema": "../../media/flab.editor.schema.json",', '').replace('"seed": 3', '"seed": 11');

/** Replaces the whole text of an open document, as a user's edit (unsaved). */
async function replaceText(doc: vscode.TextDocument, text: string): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text);
  assert.ok(await vscode.workspace.applyEdit(edit));
}

describe('training panel: the checkpoints flab train would refuse', () => {
  after(closeAllEditors);

  it('refuses them before the run, located, the last run kept on screen and the text as typed', async function () {
    this.timeout(240_000);
    const testing = await testingApi();
    const uri = workspaceFile('refused-checkpoints.flab.json');
    await vscode.workspace.fs.writeFile(uri, Buffer.from(bridge, 'utf8'));
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand(commandId('Open Dynamics Panel'), uri);
    const panel = () => testing.trainingPanels().find((p) => p.documentUri === uri.toString());
    const done = await waitFor('a finished training', () => (panel()?.status === 'finished' ? panel() : undefined), 90_000);
    assert.equal(done.step, 1500);
    const errors = () => vscode.languages.getDiagnostics(uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
    // Every status the panel shows meanwhile: a refused file must not start a run.
    const statuses = new Set<string | undefined>([panel()?.status]);
    const watch = setInterval(() => statuses.add(panel()?.status), 10);
    const refused = async (what: string, text: string, message: RegExp, at: number) => {
      await replaceText(doc, text);
      const found = await waitFor(what, () => {
        const ds = errors();
        return ds.length > 0 ? ds : undefined;
      }, 60_000);
      assert.equal(found.length, 1, found.map((d) => d.message).join('\n'));
      assert.match(found[0].message, message);
      assert.ok(at > 0);
      assert.equal(doc.offsetAt(found[0].range.start), at, 'located at the key');
      const shown = panel()!;
      assert.deepEqual([shown.status, shown.step, shown.previous], ['finished', 1500, false], JSON.stringify(shown));
      assert.equal(doc.getText(), text, 'the text as typed');
    };
    const dangling = workspaceFile('dangling-checkpoints').fsPath;
    rmSync(dangling, { force: true });
    symlinkSync('no-such-folder-anywhere', dangling);
    try {
      // A checkpoint folder that is a dangling link: refused at training.checkpoints.path.
      const link = bridge.replace('"record": { "every": 10 }', '"record": { "every": 10 }, "checkpoints": { "every": 100, "path": "dangling-checkpoints" }');
      assert.notEqual(link, bridge);
      await refused('the dangling link refused', link, /cannot write checkpoints into .*dangling-checkpoints: .*a dangling link/, link.indexOf('"dangling-checkpoints"'));
      await replaceText(doc, bridge);
      await waitFor('the refusal gone', () => (errors().length === 0 ? true : undefined), 60_000);
      // 3 samples a step-of-one epoch, 1,000 epochs: 3,000 steps, a checkpoint each — known only once the
      // data is read, before the first step.
      const epochs = bridge.replace('"batchSize": "full", "steps": 1500, "record": { "every": 10 }', '"batchSize": 1, "epochs": 1000, "record": { "every": 1 }, "checkpoints": { "every": 1 }');
      assert.notEqual(epochs, bridge);
      await refused('too many checkpoints refused', epochs, /^training\.checkpoints\.every 1 writes 3,001 checkpoints over the run's 3,000 steps .* more than the 2,000 a checkpoint experiment reads/, epochs.indexOf('"checkpoints": { "every": 1 }') + '"checkpoints": { "every": '.length);
      await replaceText(doc, bridge);
      await waitFor('the refusal gone', () => (errors().length === 0 ? true : undefined), 60_000);
      // A sweep: its second value writes 2,501 checkpoints; refused before the first value trains.
      const sweep = bridge.replace('"record": { "every": 10 }', '"record": { "every": 2 }, "checkpoints": { "every": 2 }').replace(/\n}\s*$/, ',\n  "sweep": { "training.steps": [100, 5000] }\n}\n');
      assert.notEqual(sweep, bridge);
      await refused('the sweep refused', sweep, /^sweep value 1, training\.steps = 5000: training\.checkpoints\.every 2 writes 2,501 checkpoints/, sweep.indexOf('5000]'));
    } finally {
      clearInterval(watch);
      rmSync(dangling, { force: true });
    }
    assert.deepEqual([...statuses], ['finished'], 'no refused file trained');
  });
});
