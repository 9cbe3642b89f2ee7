// Open Phase Diagram in the explorer's context menu and the editor's title (src/extension/phase/phaseMenus.ts):
// left out for the open files that are network or checkpoint experiments, through the context key their
// `when` clauses test — kept to the documents' texts as they are edited, change kind, are renamed,
// deleted and written again; a file never opened is offered (the command's refusal says why).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { closeAllEditors, ourExtension, revert, testingApi, waitFor, workspaceFile } from './helpers';

const repo = join(__dirname, '..', '..', '..', '..');
const example = (path: string) => readFileSync(join(repo, 'examples', path), 'utf8').replace(/"\$schema": "[^"]*",/, '');
const network = example('networks/bridge-linear-network.flab.json');
const checkpoints = example('checkpoints/follow-mlp.flab.json');
const linear = example('alignment.flab.json');

async function fileWith(name: string, text: string): Promise<vscode.Uri> {
  const uri = workspaceFile(name);
  await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
  return uri;
}

async function replaceText(doc: vscode.TextDocument, text: string): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text);
  assert.ok(await vscode.workspace.applyEdit(edit));
}

describe('Open Phase Diagram in the menus (extension host)', () => {
  afterEach(closeAllEditors);

  it('is left out of the explorer\'s and the editor title\'s menus by the context key of the open non-linear experiments', () => {
    const menus = (ourExtension().packageJSON as { contributes: { menus: Record<string, { command: string; when?: string }[]> } }).contributes.menus;
    for (const where of ['explorer/context', 'editor/title']) {
      const entry = menus[where].find((m) => m.command === 'featureLearningLab.openPhaseDiagram');
      assert.match(entry?.when ?? '', /&& resourcePath not in featureLearningLab\.notLinearExperiments$/, where);
    }
  });

  it('lists the open network and checkpoint experiments as their texts are, through edits, a change of kind, a rename and a deletion', async () => {
    const testing = await testingApi();
    const hidden = (uri: vscode.Uri) => testing.phaseMenuHidden().includes(uri.fsPath);
    const until = (what: string, uri: vscode.Uri, want: boolean) => waitFor(what, () => (hidden(uri) === want ? true : undefined), 10_000);
    const net = await fileWith('menu-network.flab.json', network);
    const ckpt = await fileWith('menu-checkpoints.flab.json', checkpoints);
    const lin = await fileWith('menu-linear.flab.json', linear);
    // Never opened: not known, offered.
    assert.deepEqual([hidden(net), hidden(ckpt), hidden(lin)], [false, false, false]);
    const [netDoc, , linDoc] = await Promise.all([net, ckpt, lin].map((u) => vscode.workspace.openTextDocument(u)));
    await vscode.window.showTextDocument(netDoc);
    await until('the network experiment left out', net, true);
    await until('the checkpoint experiment left out', ckpt, true);
    assert.equal(hidden(lin), false, 'the linear model: offered');
    // The text changes kind (unsaved): the menus follow it, both ways.
    await replaceText(netDoc, linear);
    await until('the network file, now linear, offered', net, false);
    await replaceText(linDoc, network);
    await until('the linear file, now a network, left out', lin, true);
    await revert(linDoc);
    await until('the linear file reverted, offered', lin, false);
    await revert(netDoc);
    await until('the network file reverted, left out', net, true);
    // Renamed: the new name is the network, the old one is no longer listed.
    const renamed = workspaceFile('menu-network-renamed.flab.json');
    const rename = new vscode.WorkspaceEdit();
    rename.renameFile(net, renamed, { overwrite: true });
    assert.ok(await vscode.workspace.applyEdit(rename));
    await until('the new name left out', renamed, true);
    await until('the old name gone', net, false);
    // Deleted, then written again as the linear model at the same name: offered (the document, if still
    // open, is read again from the file; closed, it is not known).
    const remove = new vscode.WorkspaceEdit();
    remove.deleteFile(renamed);
    assert.ok(await vscode.workspace.applyEdit(remove));
    await fileWith('menu-network-renamed.flab.json', linear);
    await until('the file written again as the linear model, offered', renamed, false);
    for (const u of [renamed, ckpt, lin]) await vscode.workspace.fs.delete(u);
  });
});
