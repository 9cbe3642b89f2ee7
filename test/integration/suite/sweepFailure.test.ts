// The training panel's sweep when one value fails (a breaker's finding, 2026-12-03): the values that
// trained stay shown, the failed one is in Problems at its sweep entry. Until then the value's error
// made the whole sweep invalid: the page showed the run before it, or nothing.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { closeAllEditors, commandId, testingApi, waitFor, workspaceFile } from './helpers';

const repo = join(__dirname, '..', '..', '..', '..');

describe('training panel: a sweep value that fails', () => {
  after(closeAllEditors);

  it('keeps the values that trained, shows the sweep finished, and puts the failed value in Problems', async function () {
    this.timeout(180_000);
    const testing = await testingApi();
    const rows = ['a,b,label', ...Array.from({ length: 16 }, (_, i) => `${Math.sin(i)},${Math.cos(3 * i)},${i % 2}`)].join('\n') + '\n';
    await vscode.workspace.fs.writeFile(workspaceFile('sweep-fail.csv'), Buffer.from(rows, 'utf8'));
    const text = JSON.stringify({ name: 'A sweep with a value the data cannot give', model: { hidden: [4] }, data: { format: 'csv', trainFile: 'sweep-fail.csv', train: 8 }, training: { steps: 200, learningRate: 0.05, record: { every: 20 } }, sweep: { 'data.train': [8, 100, 12] } }, null, 2);
    const uri = workspaceFile('sweep-fail.flab.json');
    await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
    const panel = () => testing.trainingPanels().find((p) => p.documentUri === uri.toString());
    await vscode.commands.executeCommand(commandId('Open Dynamics Panel'), uri);
    const done = await waitFor('the sweep ended', () => {
      const p = panel();
      return p && p.status !== undefined && p.status !== 'loading' && p.status !== 'training' ? p : undefined;
    }, 150_000);
    assert.equal(done.status, 'finished', JSON.stringify(done));
    assert.equal(done.sweepValues?.done, 3);
    assert.equal(done.sweepValues?.count, 3);
    assert.ok(done.records > 0, 'the trained values\' records are drawn');
    const problems = await waitFor('the failed value in Problems', () => {
      const ds = vscode.languages.getDiagnostics(uri);
      return ds.length > 0 ? ds : undefined;
    });
    assert.equal(problems.length, 1, problems.map((d) => d.message).join('\n'));
    assert.match(problems[0].message, /^sweep value 1, data\.train = 100: 100 training samples asked for, sweep-fail\.csv has 16/);
    const at = text.indexOf('100');
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.equal(doc.offsetAt(problems[0].range.start), at, 'at the value in the sweep');

    // Export Data writes what flab sweep prints (a fresh tester's L5): the JSON's keys, widthPower among
    // them, and its runs; the CSV's rows after the `#` lines, the failed value's row and status included.
    await waitFor('the page ready', () => panel()?.ready);
    const flab = (format: string) => spawnSync(process.execPath, [join(repo, 'dist', 'cli.js'), 'sweep', uri.fsPath, format], { encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
    const jsonFile = workspaceFile('sweep-fail-export.json');
    await vscode.commands.executeCommand(commandId('Export Data'), { format: 'json', target: jsonFile, documentUri: uri });
    const exported = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(jsonFile))) as Record<string, unknown>;
    const cliJson = flab('--json');
    assert.equal(cliJson.status, 1, 'a value failed');
    const { failed, ...printed } = JSON.parse(cliJson.stdout) as Record<string, unknown>;
    assert.ok(Array.isArray(failed), 'flab sweep lists the failed value (the panel says it in Problems)');
    assert.deepEqual(Object.keys(exported), Object.keys(printed));
    assert.equal(exported.widthPower, null);
    assert.deepEqual((exported.runs as ({ summary: { label: string | null; status: string } } | null)[]).map((r) => r && [r.summary.label, r.summary.status]), (printed.runs as ({ summary: { label: string | null; status: string } } | null)[]).map((r) => r && [r.summary.label, r.summary.status]));
    const csvFile = workspaceFile('sweep-fail-export.csv');
    await vscode.commands.executeCommand(commandId('Export Data'), { format: 'csv', target: csvFile, documentUri: uri });
    const written = new TextDecoder().decode(await vscode.workspace.fs.readFile(csvFile)).split('\n').filter((l) => !l.startsWith('#')).join('\n');
    assert.equal(written, flab('--csv').stdout);
    assert.ok(/\n100,+failed\n/.test(written), 'the failed value\'s row, status failed');

    // An edit of the description alone (which keeps a finished run on screen) keeps the failed value in
    // Problems, at its place in the new text.
    await vscode.window.showTextDocument(doc);
    const edited = text.replace('"name": "A sweep with a value the data cannot give",', '"name": "A sweep with a value the data cannot give",\n  "description": "Three sizes of the training set; the second is more than the file has.",');
    assert.notEqual(edited, text);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), edited);
    assert.ok(await vscode.workspace.applyEdit(edit));
    await waitFor('the edited sweep ended', () => {
      const p = panel();
      return p && p.description !== null && p.status === 'finished' ? p : undefined;
    }, 150_000);
    const moved = await waitFor('the failed value in Problems, in the new text', () => {
      const ds = vscode.languages.getDiagnostics(uri);
      return ds.length === 1 && doc.offsetAt(ds[0].range.start) === edited.indexOf('100') ? ds : undefined;
    });
    assert.match(moved[0].message, /^sweep value 1, data\.train = 100: /);
  });

  it('keeps such a sweep in the cache of finished runs: reopened, and undone to, it comes back at once with its failure in Problems', async function () {
    // Until 2026-12-03 a sweep with a failed value was not kept: reopening the panel trained it again.
    this.timeout(240_000);
    const testing = await testingApi();
    const rows = ['a,b,label', ...Array.from({ length: 16 }, (_, i) => `${Math.sin(i)},${Math.cos(3 * i)},${i % 2}`)].join('\n') + '\n';
    await vscode.workspace.fs.writeFile(workspaceFile('sweep-fail-cached.csv'), Buffer.from(rows, 'utf8'));
    const text = JSON.stringify({ name: 'A failed sweep, kept', model: { hidden: [4] }, data: { format: 'csv', trainFile: 'sweep-fail-cached.csv', train: 8 }, training: { steps: 200, learningRate: 0.05, record: { every: 20 } }, sweep: { 'data.train': [8, 100, 12] } }, null, 2);
    const uri = workspaceFile('sweep-fail-cached.flab.json');
    await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
    const panel = () => testing.trainingPanels().find((p) => p.documentUri === uri.toString());
    const failure = () => {
      const ds = vscode.languages.getDiagnostics(uri);
      return ds.length === 1 && /^sweep value 1, data\.train = 100: /.test(ds[0].message) ? ds[0] : undefined;
    };
    await vscode.commands.executeCommand(commandId('Open Dynamics Panel'), uri);
    const done = await waitFor('the sweep ended', () => (panel()?.status === 'finished' ? panel() : undefined), 150_000);
    assert.equal(done.cached, false);
    await waitFor('the failed value in Problems', failure);
    await closeAllEditors();
    await waitFor('the panel closed', () => (panel() ? undefined : true));
    // Closing the panel lets its problems go: they come back with the sweep from the cache.
    await waitFor('Problems emptied', () => (vscode.languages.getDiagnostics(uri).length === 0 ? true : undefined));
    await vscode.commands.executeCommand(commandId('Open Dynamics Panel'), uri);
    const again = await waitFor('the sweep again', () => (panel()?.status === 'finished' ? panel() : panel()?.status === 'loading' || panel()?.status === 'training' ? panel() : undefined), 60_000);
    assert.deepEqual([again.status, again.cached, again.sweepValues?.done, again.records], ['finished', true, 3, done.records], 'from the cache, not trained again');
    const back = await waitFor('the failure in Problems again', failure);
    assert.equal(back.range.start.line, (await vscode.workspace.openTextDocument(uri)).positionAt(text.indexOf('100')).line, 'at its sweep entry');

    // An edit of the run trains it; undoing to the failed sweep's text shows it from the cache, its failure with it.
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const edit = new vscode.WorkspaceEdit();
    const at = text.indexOf('0.05');
    edit.replace(uri, new vscode.Range(doc.positionAt(at), doc.positionAt(at + 4)), '0.04');
    assert.ok(await vscode.workspace.applyEdit(edit));
    await waitFor('the edited sweep ended', () => (panel()?.status === 'finished' && !panel()?.cached && panel()!.version! > again.version! ? true : undefined), 150_000);
    await vscode.commands.executeCommand('undo');
    assert.equal(doc.getText(), text);
    const undone = await waitFor('the failed sweep from the cache', () => (panel()?.status === 'finished' && panel()?.cached ? panel() : undefined), 30_000);
    assert.equal(undone.records, done.records);
    await waitFor('its failure in Problems', failure);
  });
});
