// The training panel in the extension host: a network experiment opens it (not the dynamics panel),
// trains to its verdict, exports what `flab train --json` prints and its chart, and a finished run
// comes back from the cache when the panel opens again; a checkpoint experiment is followed.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { closeAllEditors, commandId, openFixture, panelTabs, testingApi, waitFor, workspaceFile } from './helpers';

const repo = join(__dirname, '..', '..', '..', '..');
const bridge = readFileSync(join(repo, 'examples', 'networks', 'bridge-linear-network.flab.json'), 'utf8').replace('"$schema": "../../media/flab.editor.schema.json",', '');

async function fileWith(name: string, text: string): Promise<vscode.Uri> {
  const uri = workspaceFile(name);
  await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
  return uri;
}

/** A CSV set of 16 samples of two features, its labels flipped by `flip` (another data set under the same text). */
function csvRows(flip: number): string {
  return ['a,b,label', ...Array.from({ length: 16 }, (_, i) => `${Math.sin(i)},${Math.cos(3 * i)},${(i + flip) % 2}`)].join('\n') + '\n';
}

/**
 * `stem.csv` (csvRows(0)) and `stem.flab.json`, a network named `name` trained on it from `seed`, its
 * training panel open with its finished run; `panel()` reads that panel's state as the testing API has it.
 */
async function trainedOnCsv(stem: string, name: string, seed: number) {
  const testing = await testingApi();
  const csv = workspaceFile(`${stem}.csv`);
  await vscode.workspace.fs.writeFile(csv, Buffer.from(csvRows(0), 'utf8'));
  const text = JSON.stringify({ name, model: { hidden: [8], activation: 'tanh' }, data: { format: 'csv', trainFile: `${stem}.csv` }, init: { seed }, training: { steps: 20000, learningRate: 0.05, record: { every: 2000 } } });
  const uri = await fileWith(`${stem}.flab.json`, text);
  const panel = () => testing.trainingPanels().find((p) => p.documentUri === uri.toString());
  await vscode.commands.executeCommand(commandId('Open Dynamics Panel'), uri);
  await waitFor('a finished training', () => (panel()?.status === 'finished' ? panel() : undefined), 90_000);
  return { csv, text, uri, panel };
}

/** Replaces the whole text of an open document, as a user's edit (unsaved). */
/**
 * Every training snapshot posted to any panel from now until `dispose`, as its page draws it: the file,
 * the run's status and step (for the tests that a run does not go back to step 0).
 */
function postedSteps(testing: Awaited<ReturnType<typeof testingApi>>): { steps: { uri: string; status: string; step: number | undefined }[]; dispose: () => void } {
  const steps: { uri: string; status: string; step: number | undefined }[] = [];
  const sub = testing.onDidPostTraining((p) => {
    const m = p.message as { type: string; run?: { status: string; progress: { step: number } | null } };
    if (m.type === 'training' && m.run) steps.push({ uri: p.documentUri, status: m.run.status, step: m.run.progress?.step });
  });
  return { steps, dispose: () => sub.dispose() };
}

async function replaceText(doc: vscode.TextDocument, text: string): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text);
  assert.ok(await vscode.workspace.applyEdit(edit));
}

/** The file `name` with `text`, open in an editor with its training panel, once the panel shows its finished run. */
async function openTrained(name: string, text: string) {
  const testing = await testingApi();
  const uri = await fileWith(name, text);
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc);
  await vscode.commands.executeCommand(commandId('Open Dynamics Panel'), uri);
  const panel = () => testing.trainingPanels().find((p) => p.documentUri === uri.toString());
  const done = await waitFor('a finished training', () => (panel()?.status === 'finished' ? panel() : undefined), 90_000);
  return { uri, doc, panel, done, setText: (next: string) => replaceText(doc, next) };
}

describe('training panel (extension host)', () => {
  afterEach(closeAllEditors);

  it('opens for a network experiment, trains to its verdict, and exports its data and chart', async function () {
    this.timeout(120_000);
    const testing = await testingApi();
    const uri = await fileWith('bridge.flab.json', bridge);
    await vscode.commands.executeCommand(commandId('Open Dynamics Panel'), uri);
    const done = await waitFor('a finished training', () => testing.trainingPanels().find((p) => p.documentUri === uri.toString() && p.status === 'finished'), 90_000);
    assert.equal(done.label, 'alignment');
    assert.equal(done.step, 1500);
    assert.equal(testing.panels().find((p) => p.documentUri === uri.toString()), undefined, 'no dynamics panel for a network file');
    await waitFor('the page ready', () => testing.trainingPanels().find((p) => p.documentUri === uri.toString() && p.ready));

    const json = workspaceFile('bridge-export.json');
    await vscode.commands.executeCommand(commandId('Export Data'), { format: 'json', target: json, documentUri: uri });
    const exported = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(json))) as Record<string, unknown> & { step: number[]; summary: { label: string } };
    const cli = spawnSync(process.execPath, [join(repo, 'dist', 'cli.js'), 'train', uri.fsPath, '--json'], { encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
    assert.equal(cli.status, 0, cli.stderr);
    const printed = JSON.parse(cli.stdout) as Record<string, unknown> & { step: number[]; summary: { label: string } };
    assert.deepEqual(Object.keys(exported).sort(), Object.keys(printed).sort(), 'the keys flab train --json prints');
    assert.deepEqual(exported.step, printed.step);
    assert.equal(exported.summary.label, printed.summary.label);

    const csv = workspaceFile('bridge-export.csv');
    await vscode.commands.executeCommand(commandId('Export Data'), { format: 'csv', target: csv, documentUri: uri });
    const all = new TextDecoder().decode(await vscode.workspace.fs.readFile(csv)).trim().split('\n');
    // `#` lines first, saying what the run is (as the linear panel's CSV), then the records.
    const comments = all.filter((l) => l.startsWith('#'));
    assert.match(comments.join('\n'), /^# Feature Learning Lab: .*\n# file: .*bridge.*\n# parameters, as run:\n(# {3}.*\n)+# label: \S+\n# thresholds of the label: kernelChange 0\.1, /);
    const lines = all.filter((l) => !l.startsWith('#'));
    assert.ok(lines[0].startsWith('step,epoch,trainLoss') && lines[0].includes('alignment[0].zeta'), lines[0]);
    assert.equal(lines.length - 1, printed.step.length);

    const png = workspaceFile('bridge-chart.png');
    await vscode.commands.executeCommand(commandId('Export Chart'), { target: png, documentUri: uri, format: 'png', scale: 2, background: 'light' });
    const bytes = await vscode.workspace.fs.readFile(png);
    assert.deepEqual([...bytes.slice(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'a PNG');
  });

  it('exports the run under way, not the one before it: its records so far under its parameters (summary.status "training"), and a sweep\'s values so far, those not started listed', async function () {
    // Until 2026-12-03 Export Data during a run wrote the previous text's finished run under this run's
    // parameters (a fresh user's report: "epochs = 42" over the 41-epoch run's rows), and a sweep exported
    // during its first run held no record, "not run" for every value.
    this.timeout(240_000);
    const { uri, panel, setText } = await openTrained('export-live.flab.json', bridge.replace('"seed": 3', '"seed": 9'));
    const long = bridge.replace('"seed": 3', '"seed": 9').replace('"steps": 1500', '"steps": 3000000').replace('"every": 10', '"every": 1000');
    await setText(long);
    const from = await waitFor('the long run under way', () => (panel()?.status === 'training' && !panel()?.previous && (panel()?.step ?? 0) >= 5_000 ? panel()!.step! : undefined), 90_000);
    const json = workspaceFile('export-live.json');
    // The snapshots posted to the page while Export Data runs: the one of the exported records among them.
    const testing = await testingApi();
    const drawnUpTo: number[] = [];
    const listening = testing.onDidPostTraining((p) => {
      const m = p.message as { type: string; run?: { curves: { step: number[] } } };
      if (p.documentUri === uri.toString() && m.type === 'training' && m.run) drawnUpTo.push(m.run.curves.step[m.run.curves.step.length - 1]);
    });
    try {
      await vscode.commands.executeCommand(commandId('Export Data'), { format: 'json', target: json, documentUri: uri });
    } finally {
      listening.dispose();
    }
    const shownAfter = panel()!;
    const exported = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(json))) as { step: number[]; summary: { status: string; totalSteps: number } };
    const last = exported.step[exported.step.length - 1];
    assert.equal(exported.summary.status, 'training', 'marked as the records so far');
    assert.equal(exported.summary.totalSteps, 3_000_000, 'this run\'s records, not the 1500-step run\'s');
    assert.ok(last >= from - 1000, `the export ends at step ${last}, the panel was at ${from}`);
    assert.equal(shownAfter.status, 'training');
    assert.ok(shownAfter.step! >= last, `the panel at step ${shownAfter.step}, the export's last record at ${last}`);
    assert.ok(drawnUpTo.includes(last), `the page was drawn the exported records (to step ${last}) while Export Data ran: ${drawnUpTo.join(', ')}`);
    const csv = workspaceFile('export-live.csv');
    await vscode.commands.executeCommand(commandId('Export Data'), { format: 'csv', target: csv, documentUri: uri });
    const lines = new TextDecoder().decode(await vscode.workspace.fs.readFile(csv)).split('\n');
    assert.ok(lines.some((l) => /^# {3}training\.steps .*= 3,?000,?000$/.test(l)), lines.filter((l) => l.startsWith('#')).join('\n'));
    assert.ok(lines.some((l) => /^# status: training: its records so far, to step [\d,]+ of 3,000,000; the label is read from them$/.test(l)), lines.filter((l) => l.startsWith('#')).join('\n'));
    const rows = lines.filter((l) => l !== '' && !l.startsWith('#')).slice(1);
    assert.ok(Number(rows[rows.length - 1].split(',')[0]) >= last, 'its rows are this run\'s');

    // A sweep exported during its first run: each value training so far, the values not started listed.
    const lanes = availableParallelism();
    const values = Array.from({ length: lanes + 1 }, (_, i) => 3_000_000 + i);
    await setText(long.replace(/\n\}\s*$/, `,\n  "sweep": { "training.steps": [${values.join(', ')}] }\n}\n`));
    await waitFor('the sweep under way', () => (panel()?.status === 'training' && !panel()?.previous && panel()?.sweepValues?.count === values.length && (panel()?.step ?? 0) >= 5_000 * lanes ? true : undefined), 90_000);
    const sweepJson = workspaceFile('export-live-sweep.json');
    await vscode.commands.executeCommand(commandId('Export Data'), { format: 'json', target: sweepJson, documentUri: uri });
    const sweep = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(sweepJson))) as { values: number[]; runs: ({ step: number[]; summary: { status: string; totalSteps: number } } | null)[]; failed?: { index: number; error: string }[] };
    assert.deepEqual(sweep.values, values);
    assert.deepEqual(sweep.runs.map((r) => r && [r.summary.status, r.summary.totalSteps]), [...values.slice(0, lanes).map((v) => ['training', v]), null]);
    assert.ok(sweep.runs.slice(0, lanes).every((r) => r!.step.length > 1), 'each value\'s records so far');
    assert.deepEqual(sweep.failed?.map((f) => f.index), [lanes]);
    assert.match(sweep.failed![0].error, /: not started: the sweep was still training/);
    await closeAllEditors();
  });

  it('opens in the column of an open dynamics panel, not beside it', async () => {
    const testing = await testingApi();
    const linear = await openFixture('basic.flab.json');
    await vscode.commands.executeCommand(commandId('Open Dynamics Panel'), linear.document.uri);
    const column = await waitFor('the dynamics panel', () => testing.panels().find((p) => p.documentUri === linear.document.uri.toString())?.viewColumn);
    await vscode.commands.executeCommand('workbench.action.focusSecondEditorGroup');
    const uri = await fileWith('bridge-beside.flab.json', bridge);
    await vscode.commands.executeCommand(commandId('Open Dynamics Panel'), uri);
    await waitFor('the training panel', () => testing.trainingPanels().find((p) => p.documentUri === uri.toString()));
    const tabs = await waitFor('both panels\' tabs', () => (panelTabs().length === 2 ? panelTabs() : undefined));
    assert.deepEqual(tabs.map((t) => t.group.viewColumn), [column, column], 'both panels in one column');
    assert.equal(vscode.window.tabGroups.all.length, 2, 'no third column');
  });

  it('shows a finished run from the cache when the panel opens again', async function () {
    this.timeout(120_000);
    const testing = await testingApi();
    const uri = await fileWith('cached.flab.json', bridge.replace('"seed": 3', '"seed": 4'));
    await vscode.commands.executeCommand(commandId('Open Dynamics Panel'), uri);
    await waitFor('a finished training', () => testing.trainingPanels().find((p) => p.documentUri === uri.toString() && p.status === 'finished'), 90_000);
    await closeAllEditors();
    await waitFor('the panel closed', () => (testing.trainingPanels().some((p) => p.documentUri === uri.toString()) ? undefined : true));
    const t0 = Date.now();
    await vscode.commands.executeCommand(commandId('Open Dynamics Panel'), uri);
    const again = await waitFor('the run again', () => testing.trainingPanels().find((p) => p.documentUri === uri.toString() && p.status === 'finished'), 30_000);
    assert.equal(again.cached, true, 'from the cache of finished runs');
    assert.ok(Date.now() - t0 < 10_000, `${Date.now() - t0} ms`);
  });

  it('shows a sweep as one run: loading at once, training with Stop until every value has ended, then finished', async function () {
    // Until 2026-12 nothing was shown before the first value ended, and then the header was that value's
    // own run: "Finished", with no Stop, while the others still trained.
    this.timeout(180_000);
    const testing = await testingApi();
    const text = bridge.replace('"steps": 1500, "record": { "every": 10 }', '"steps": 1500, "record": { "every": 500 }').replace(/\n\}\s*$/, ',\n  "sweep": { "training.steps": [30, 40000, 40001] }\n}\n');
    assert.ok(text.includes('"sweep"') && text.includes('"every": 500'), text);
    const uri = await fileWith('sweep-status.flab.json', text);
    const seen: { status?: string; done?: number; stoppable: boolean }[] = [];
    const panel = () => testing.trainingPanels().find((p) => p.documentUri === uri.toString());
    await vscode.commands.executeCommand(commandId('Open Dynamics Panel'), uri);
    await waitFor('the sweep finished', () => {
      const p = panel();
      if (p) seen.push({ status: p.status, done: p.sweepValues?.done, stoppable: p.stoppable });
      return p?.status === 'finished' ? p : undefined;
    }, 150_000);
    const before = seen.filter((x) => x.done === 0 || x.done === undefined);
    assert.ok(before.some((x) => x.status === 'loading' || x.status === 'training'), `shown before any value ended: ${JSON.stringify(seen.slice(0, 5))}`);
    const partway = seen.filter((x) => x.done !== undefined && x.done >= 1 && x.done < 3);
    assert.ok(partway.length > 0, 'seen while the long values trained');
    assert.deepEqual([...new Set(partway.map((x) => `${x.status} ${x.stoppable}`))], ['training true'], 'training, with Stop, until every value has ended');
    assert.deepEqual(panel()?.sweepValues, { done: 3, count: 3, sized: 3 });
  });

  it('trains again when a data file changed since the cached run (the cache held the old file\'s numbers)', async function () {
    this.timeout(120_000);
    const { csv, text, uri, panel } = await trainedOnCsv('cached-data', 'A CSV set', 5);
    const reopen = async () => {
      await closeAllEditors();
      await waitFor('the panel closed', () => (panel() ? undefined : true));
      await vscode.commands.executeCommand(commandId('Open Dynamics Panel'), uri);
      return waitFor('a finished training', () => (panel()?.status === 'finished' ? panel() : undefined), 90_000);
    };
    assert.equal((await reopen()).cached, true, 'the same text and the same file: from the cache');
    // The labels flipped: another data set under the same text.
    await vscode.workspace.fs.writeFile(csv, Buffer.from(csvRows(1), 'utf8'));
    assert.equal((await reopen()).cached, false, 'the file changed: trained again');
    assert.equal((await reopen()).cached, true, 'and that run is cached in turn');
    // An edit of the name alone keeps the finished run on screen — unless the data changed meanwhile:
    // then it trains again (the run on screen was the old file's).
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    // A run this panel trains itself (another seed: not in the cache), then the file changes under it.
    const seeded = text.replace('"seed":5', '"seed":6');
    assert.notEqual(seeded, text);
    await replaceText(doc, seeded);
    await waitFor('the seed-6 run finished', () => (panel()?.status === 'finished' && !panel()?.cached && panel()?.records === 11 ? true : undefined), 90_000);
    await vscode.workspace.fs.writeFile(csv, Buffer.from(csvRows(0), 'utf8'));
    const seen = new Set<string | undefined>();
    await replaceText(doc, seeded.replace('"A CSV set"', '"A CSV set, renamed"'));
    await waitFor('the renamed run trained again', () => {
      const p = panel();
      seen.add(p?.status);
      return p?.title === 'A CSV set, renamed' && p.status === 'finished' && seen.has('training') ? p : undefined;
    }, 45_000);
  });

  it('trains again when a data file is written, deleted or put back while the panel is open, with no edit of the experiment', async function () {
    // Until 2026-12 only an edit of the experiment looked at its data files again: a saved CSV left the
    // old run on screen as current, a deleted one no error, a restored one its "file not found".
    this.timeout(180_000);
    const { csv, uri, panel } = await trainedOnCsv('watched-data', 'A watched CSV', 7);
    const errors = () => vscode.languages.getDiagnostics(uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
    const trainedAgain = async (what: string) => {
      const seen = new Set<string | undefined>();
      await waitFor(what, () => {
        const p = panel();
        seen.add(p?.status);
        return seen.has('training') && p?.status === 'finished' && !p.cached && errors().length === 0 ? true : undefined;
      }, 90_000);
    };
    // Written (outside the editor): trained again on the new labels.
    await vscode.workspace.fs.writeFile(csv, Buffer.from(csvRows(1), 'utf8'));
    await trainedAgain('the run of the rewritten file');
    // Deleted: its error is located, the last run stays.
    await vscode.workspace.fs.delete(csv);
    await waitFor('the missing file located', () => (errors().some((d) => /watched-data\.csv: file not found/.test(d.message)) ? true : undefined), 30_000);
    assert.equal(panel()?.status, 'finished', 'the last run kept on screen');
    // Put back: the error goes, and it trains again.
    await vscode.workspace.fs.writeFile(csv, Buffer.from(csvRows(0), 'utf8'));
    await waitFor('the file found again', () => (errors().length === 0 && panel()?.status === 'finished' ? true : undefined), 90_000);
  });

  it('offers Export Data another name than the data file\'s: data.flab.json trains on data.csv, and its export is data.export.csv', async function () {
    this.timeout(120_000);
    const testing = await testingApi();
    const csv = workspaceFile('data.csv');
    await vscode.workspace.fs.writeFile(csv, Buffer.from(['a,b,label', ...Array.from({ length: 16 }, (_, i) => `${Math.sin(i)},${Math.cos(i)},${i % 2}`)].join('\n') + '\n', 'utf8'));
    const uri = await fileWith('data.flab.json', JSON.stringify({ model: { hidden: [4] }, data: { format: 'csv', trainFile: 'data.csv' }, training: { steps: 10 } }));
    const panel = () => testing.trainingPanels().find((p) => p.documentUri === uri.toString());
    await vscode.commands.executeCommand(commandId('Open Dynamics Panel'), uri);
    await waitFor('a finished training', () => (panel()?.status === 'finished' ? panel() : undefined), 90_000);
    assert.equal(panel()?.exportDefault, workspaceFile('data.export.csv').toString());
    // Another experiment on the same data: its own name, as before.
    const other = await fileWith('other.flab.json', JSON.stringify({ model: { hidden: [4] }, data: { format: 'csv', trainFile: 'data.csv' }, training: { steps: 10 } }));
    await vscode.commands.executeCommand(commandId('Open Dynamics Panel'), other);
    await waitFor('its finished training', () => (testing.trainingPanels().find((p) => p.documentUri === other.toString())?.status === 'finished' ? true : undefined), 90_000);
    assert.equal(testing.trainingPanels().find((p) => p.documentUri === other.toString())?.exportDefault, workspaceFile('other.csv').toString());
  });

  it('shows the run of the text on screen after undo and redo: a redo back to a run shown from the cache is that run, not the one undone to', async function () {
    // Until 2026-12 the redone text kept the undone-to run on screen "from the cache" (another rate, another
    // number of steps), and Export Data wrote its parameters.
    this.timeout(180_000);
    const a = bridge.replace('"seed": 3', '"seed": 8');
    const { doc, panel } = await openTrained('redo.flab.json', a);
    assert.equal(panel()?.step, 1500);
    const b = a.replace('"steps": 1500', '"steps": 400');
    assert.notEqual(b, a);
    await replaceText(doc, b);
    await waitFor('the 400-step run', () => (panel()?.status === 'finished' && panel()?.step === 400 ? true : undefined), 90_000);
    // Undo: the 1500-step run from the cache; redo: the 400-step one, from the cache too.
    await replaceText(doc, a);
    await waitFor('the 1500-step run again', () => (panel()?.status === 'finished' && panel()?.step === 1500 && panel()?.cached ? true : undefined), 30_000);
    await replaceText(doc, b);
    await waitFor('the 400-step run again', () => (panel()?.status === 'finished' && panel()?.step === 400 ? true : undefined), 30_000);
  });

  it('keeps the last run on screen through an edit that cannot load, and continues a run that an invalid edit interrupted', async function () {
    this.timeout(180_000);
    const { uri, panel, setText } = await openTrained('interrupted.flab.json', bridge.replace('"seed": 3', '"seed": 6'));
    const errors = () => (vscode.languages.getDiagnostics(uri).some((d) => d.severity === vscode.DiagnosticSeverity.Error) ? true : undefined);
    // A data file that does not exist: the error is located, and the finished run stays (before, the
    // panel showed the new run's loading state under "showing the last valid run", with Stop).
    await setText(bridge.replace('"seed": 3', '"seed": 6').replace(/"data": \{.*\},\n/, '"data": { "format": "csv", "trainFile": "nowhere.csv" },\n'));
    await waitFor('the missing file located', errors, 30_000);
    await waitFor('the last run shown again', () => (panel()?.status === 'finished' && panel()?.step === 1500 && !panel()?.previous ? true : undefined), 30_000);
    // A long run, broken by a stray character while it trains: it stops, and the text coming back
    // continues it from its step instead of training again from step 0.
    const long = bridge.replace('"seed": 3', '"seed": 6').replace('"steps": 1500', '"steps": 3000000').replace('"every": 10', '"every": 1000');
    await setText(long);
    const before = await waitFor('the long run under way', () => (panel()?.status === 'training' && (panel()?.step ?? 0) >= 5_000 ? panel()!.step! : undefined), 90_000);
    await setText(long.replace('"training":', '"training": ,'));
    await waitFor('the syntax error located', errors, 30_000);
    const stoppedAt = await waitFor('the run stopped', () => (panel()?.status === 'stopped' ? panel()!.step! : undefined), 30_000);
    assert.ok(stoppedAt >= before, `${stoppedAt} < ${before}`);
    // A second invalid text before the first is mended (another stray character; or Resume clicked
    // meanwhile): the run stays the one the first interrupted — it took it for stopped by the user, and
    // the text coming back left it stopped (a fresh user's report).
    await setText(long.replace('"training":', '"training": x,'));
    await waitFor('the second error located', () => (vscode.languages.getDiagnostics(uri).some((d) => d.severity === vscode.DiagnosticSeverity.Error && /x/.test(d.message)) ? true : undefined), 30_000);
    await setText(long);
    const resumed = await waitFor('the run going again', () => (panel()?.status === 'training' && panel()!.step! > stoppedAt ? panel()!.step! : panel()?.status === 'training' && panel()!.step! < stoppedAt ? -panel()!.step! : undefined), 60_000);
    assert.ok(resumed > stoppedAt, `the run started again at step ${-resumed} instead of continuing from ${stoppedAt}`);
  });

  it('continues a run under way when its file is renamed, or its folder: the panel follows it and the records go on from the step reached, not from step 0; stopped, it stays stopped and Resume continues it', async function () {
    // Until 2026-12-03 the rename computed the file again and its run trained again from step 0 (a tester's report).
    this.timeout(240_000);
    const testing = await testingApi();
    const long = bridge.replace('"seed": 3', '"seed": 9').replace('"steps": 1500', '"steps": 3000000').replace('"every": 10', '"every": 1000');
    const first = await fileWith('renamed-run.flab.json', long);
    await vscode.commands.executeCommand(commandId('Open Dynamics Panel'), first);
    const at = (uri: vscode.Uri) => testing.trainingPanels().find((p) => p.documentUri === uri.toString());
    // Every step posted for the file after the rename, as the page draws it.
    const { steps, dispose } = postedSteps(testing);
    try {
      const rename = async (from: vscode.Uri, to: vscode.Uri) => {
        const edit = new vscode.WorkspaceEdit();
        edit.renameFile(from, to);
        assert.ok(await vscode.workspace.applyEdit(edit));
      };
      const before = await waitFor('the long run under way', () => (at(first)?.status === 'training' && (at(first)?.step ?? 0) >= 5_000 ? at(first)!.step! : undefined), 90_000);
      const second = workspaceFile('renamed-run-2.flab.json');
      steps.length = 0;
      await rename(first, second);
      const after = await waitFor('the panel on the new name, training past the step before the rename', () => (at(second)?.status === 'training' && at(second)!.step! > before ? at(second)!.step! : undefined), 60_000);
      const restarted = steps.filter((s) => s.uri === second.toString() && (s.status === 'loading' || (s.step ?? 0) < before));
      assert.deepEqual(restarted, [], `the run after the rename went back below step ${before} (then reached ${after})`);
      // A folder renamed: the panel follows the file in it, and the run goes on.
      const folder = workspaceFile('run-folder');
      const inFolder = vscode.Uri.joinPath(folder, 'renamed-run.flab.json');
      await rename(second, inFolder);
      const inside = await waitFor('the run in the folder', () => (at(inFolder)?.status === 'training' ? at(inFolder)!.step! : undefined), 60_000);
      const moved = workspaceFile('run-folder-2');
      const movedFile = vscode.Uri.joinPath(moved, 'renamed-run.flab.json');
      steps.length = 0;
      await rename(folder, moved);
      await waitFor('the panel on the file in the renamed folder, training on', () => (at(movedFile)?.status === 'training' && at(movedFile)!.step! > inside ? true : undefined), 60_000);
      assert.deepEqual(steps.filter((s) => s.uri === movedFile.toString() && (s.status === 'loading' || (s.step ?? 0) < inside)), [], `the run after the folder's rename went back below step ${inside}`);
      // Stopped, then renamed: still stopped at its step; Resume continues from it.
      assert.ok(testing.trainingReceive(movedFile.toString(), { type: 'stop' }));
      const stoppedAt = await waitFor('the run stopped', () => (at(movedFile)?.status === 'stopped' ? at(movedFile)!.step! : undefined), 30_000);
      const last = workspaceFile('renamed-run-3.flab.json');
      await rename(movedFile, last);
      await waitFor('the panel on the last name', () => at(last), 30_000);
      await new Promise((r) => setTimeout(r, 1500));
      assert.deepEqual([at(last)?.status, at(last)?.step], ['stopped', stoppedAt], 'still stopped where it stopped');
      steps.length = 0;
      assert.ok(testing.trainingReceive(last.toString(), { type: 'resume' }));
      await waitFor('the run resumed past its stop', () => (at(last)?.status === 'training' && at(last)!.step! > stoppedAt ? true : undefined), 60_000);
      assert.deepEqual(steps.filter((s) => s.uri === last.toString() && s.status === 'training' && (s.step ?? 0) < stoppedAt), [], `Resume after the rename trained from below step ${stoppedAt}`);
    } finally {
      dispose();
    }
  });

  it('shows a stopped run again when its text comes back after a valid edit (an undo), its step and curves, and Resume continues it from there', async function () {
    // Until 2026-12-03 the edit's run dropped the stopped one, and the undo trained from step 0 (while an
    // invalid edit and its fix continued it: a tester's report).
    this.timeout(240_000);
    const testing = await testingApi();
    const long = bridge.replace('"seed": 3', '"seed": 10').replace('"steps": 1500', '"steps": 3000000').replace('"every": 10', '"every": 1000');
    const uri = await fileWith('stopped-undo.flab.json', long);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand(commandId('Open Dynamics Panel'), uri);
    const panel = () => testing.trainingPanels().find((p) => p.documentUri === uri.toString());
    await waitFor('the long run under way', () => (panel()?.status === 'training' && (panel()?.step ?? 0) >= 5_000 ? true : undefined), 90_000);
    assert.ok(testing.trainingReceive(uri.toString(), { type: 'stop' }));
    const stopped = await waitFor('the run stopped', () => (panel()?.status === 'stopped' ? panel() : undefined), 30_000);
    // A valid edit: another length trains, from step 0.
    const edited = long.replace('"steps": 3000000', '"steps": 2999000');
    assert.notEqual(edited, long);
    await replaceText(doc, edited);
    await waitFor('the edit\'s run under way', () => (panel()?.status === 'training' && (panel()?.step ?? 0) > 0 && (panel()?.step ?? 0) < stopped.step! ? true : undefined), 90_000);
    // Undo: the stopped run, as it was.
    await replaceText(doc, long);
    const back = await waitFor('the stopped run back', () => (panel()?.status === 'stopped' ? panel() : panel()?.status === 'training' && (panel()?.step ?? 0) < stopped.step! ? panel() : undefined), 30_000);
    assert.deepEqual([back.status, back.step, back.records], ['stopped', stopped.step, stopped.records], 'the stopped run, its step and its records');
    // Export Data at once: the stopped run's records, not the edit's run.
    const json = workspaceFile('stopped-undo.json');
    await vscode.commands.executeCommand(commandId('Export Data'), { format: 'json', target: json, documentUri: uri });
    const exported = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(json))) as { step: number[]; summary: { status: string; totalSteps: number } };
    assert.deepEqual([exported.summary.status, exported.summary.totalSteps], ['stopped', 3_000_000], 'the stopped run exported');
    // (Its last record may be past the step shown at Stop: the worker took steps before Stop reached it.)
    assert.ok(exported.step[exported.step.length - 1] > stopped.step! - 1000, `its records to step ${exported.step[exported.step.length - 1]}, stopped at ${stopped.step}`);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(panel()?.status, 'stopped', 'and it stays stopped');
    const { steps, dispose } = postedSteps(testing);
    try {
      assert.ok(testing.trainingReceive(uri.toString(), { type: 'resume' }));
      await waitFor('the run resumed past its stop', () => (panel()?.status === 'training' && panel()!.step! > stopped.step! ? true : undefined), 60_000);
      assert.deepEqual(steps.filter((s) => s.uri === uri.toString() && (s.status === 'loading' || (s.status === 'training' && (s.step ?? 0) < stopped.step!))), [], `Resume trained from below step ${stopped.step}`);
    } finally {
      dispose();
    }
  });

  it('a sweep too: renamed while it trains it goes on from its steps; stopped, then a valid edit and its undo, it is back stopped and Resume continues it', async function () {
    this.timeout(240_000);
    const testing = await testingApi();
    const text = bridge.replace('"seed": 3', '"seed": 12').replace('"steps": 1500, "record": { "every": 10 }', '"steps": 1500, "record": { "every": 1000 }').replace(/\n\}\s*$/, ',\n  "sweep": { "training.steps": [3000000, 3000001] }\n}\n');
    assert.ok(text.includes('"sweep"') && text.includes('"every": 1000'), text);
    const first = await fileWith('sweep-kept.flab.json', text);
    await vscode.commands.executeCommand(commandId('Open Dynamics Panel'), first);
    const at = (uri: vscode.Uri) => testing.trainingPanels().find((p) => p.documentUri === uri.toString());
    const { steps, dispose } = postedSteps(testing);
    try {
      const before = await waitFor('the sweep under way', () => (at(first)?.status === 'training' && (at(first)?.step ?? 0) >= 5_000 ? at(first)!.step! : undefined), 90_000);
      const second = workspaceFile('sweep-kept-2.flab.json');
      steps.length = 0;
      const edit = new vscode.WorkspaceEdit();
      edit.renameFile(first, second);
      assert.ok(await vscode.workspace.applyEdit(edit));
      await waitFor('the sweep training on under its new name', () => (at(second)?.status === 'training' && at(second)!.step! > before ? true : undefined), 60_000);
      assert.deepEqual(steps.filter((s) => s.uri === second.toString() && (s.status === 'loading' || (s.step ?? 0) < before)), [], `the sweep after the rename went back below step ${before}`);
      assert.ok(testing.trainingReceive(second.toString(), { type: 'stop' }));
      const stopped = await waitFor('the sweep stopped', () => (at(second)?.status === 'stopped' ? at(second) : undefined), 30_000);
      const doc = await vscode.workspace.openTextDocument(second);
      await replaceText(doc, text.replace('3000001', '3000002'));
      await waitFor('the edit\'s sweep under way', () => (at(second)?.status === 'training' && !at(second)?.previous && (at(second)?.step ?? 0) < stopped.step! ? true : undefined), 90_000);
      await replaceText(doc, text);
      const back = await waitFor('the stopped sweep back', () => (at(second)?.status === 'stopped' ? at(second) : undefined), 30_000);
      assert.deepEqual([back.step, back.records], [stopped.step, stopped.records]);
      steps.length = 0;
      assert.ok(testing.trainingReceive(second.toString(), { type: 'resume' }));
      await waitFor('the sweep resumed past its stop', () => (at(second)?.status === 'training' && at(second)!.step! > stopped.step! ? true : undefined), 60_000);
      assert.deepEqual(steps.filter((s) => s.uri === second.toString() && (s.status === 'loading' || (s.status === 'training' && (s.step ?? 0) < stopped.step!))), [], `Resume trained the sweep from below step ${stopped.step}`);
    } finally {
      dispose();
    }
  });

  it('an edit of a sweep into one run leaves no value training on the other workers', async function () {
    // Until 2026-12-03 the values under way on the workers past the first trained on to their end.
    this.timeout(240_000);
    if (availableParallelism() < 2) this.skip();
    const testing = await testingApi();
    const one = bridge.replace('"seed": 3', '"seed": 13').replace('"steps": 1500, "record": { "every": 10 }', '"steps": 3000000, "record": { "every": 1000 }');
    const text = one.replace(/\n\}\s*$/, ',\n  "sweep": { "init.seed": [13, 14] }\n}\n');
    const uri = await fileWith('sweep-to-one.flab.json', text);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.commands.executeCommand(commandId('Open Dynamics Panel'), uri);
    const panel = () => testing.trainingPanels().find((p) => p.documentUri === uri.toString());
    await waitFor('both values training', () => (panel()?.status === 'training' && panel()!.workersBusy === 2 && (panel()?.step ?? 0) > 2000 ? true : undefined), 90_000);
    await replaceText(doc, one);
    await waitFor('the one run training', () => (panel()?.status === 'training' && !panel()?.previous && panel()?.sweepValues === null ? true : undefined), 90_000);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(panel()?.workersBusy, 1, 'one worker at work: the one run\'s');
  });

  it('brings the last run back, without Resume, when an invalid edit interrupts a run before its first record', async function () {
    // Before, the panel showed "Stopped" over the greyed last run, with an animated bar and a Resume
    // that had nothing to resume (a fresh user's report, typing a rate digit by digit into "-1").
    this.timeout(180_000);
    const text = bridge.replace('"seed": 3', '"seed": 7');
    // Three million rows: seconds of loading, during which the new run has no record.
    await vscode.workspace.fs.writeFile(workspaceFile('slow.csv'), Buffer.from(`x,y\n${'0.5,1.0\n'.repeat(3_000_000)}`, 'utf8'));
    const { uri, panel, setText } = await openTrained('before-first-record.flab.json', text);
    const slow = text.replace(/"data": \{.*\},\n/, '"data": { "format": "csv", "trainFile": "slow.csv", "task": "regression" },\n');
    await setText(slow);
    await waitFor('the new run loading, the last one greyed', () => (panel()?.previous && panel()?.status === 'loading' ? true : undefined), 30_000);
    await setText(slow.replace('"training":', '"training": ,'));
    await waitFor('the syntax error located', () => (vscode.languages.getDiagnostics(uri).some((d) => d.severity === vscode.DiagnosticSeverity.Error) ? true : undefined), 30_000);
    const shown = await waitFor('the last run back', () => (panel()?.previous === false ? panel() : undefined), 30_000);
    assert.deepEqual([shown.status, shown.step, shown.records > 0], ['finished', 1500, true], JSON.stringify(shown));
  });

  it('does not train again for an edit of the name or description: the finished run stays, under the new header', async function () {
    // Before, every keystroke in the description stopped the run on screen and trained from step 0.
    this.timeout(180_000);
    const { uri, doc, panel, done } = await openTrained('description.flab.json', bridge.replace('"seed": 3', '"seed": 8'));
    // Every status the panel shows through the edit: the one before, each 10 ms, and the one after (the
    // edit can be shown within the first 10 ms, when the interval has not run yet).
    const statuses = new Set<string | undefined>([panel()?.status]);
    const watch = setInterval(() => statuses.add(panel()?.status), 10);
    try {
      const edit = new vscode.WorkspaceEdit();
      const at = doc.getText().indexOf('The bridge to the exact solution');
      edit.insert(uri, doc.positionAt(at), 'Edited: ');
      assert.ok(await vscode.workspace.applyEdit(edit));
      const shown = await waitFor('the new description shown', () => (panel()?.description?.startsWith('Edited: ') ? panel() : undefined), 30_000);
      assert.deepEqual([shown.status, shown.step, shown.records, shown.label], ['finished', done.step, done.records, done.label]);
      assert.ok(shown.version! > done.version!, 'shown as the new version of the text');
    } finally {
      clearInterval(watch);
      statuses.add(panel()?.status);
    }
    assert.deepEqual([...statuses], ['finished'], 'nothing trained again');
    // A change of the run itself trains again.
    const rate = new vscode.WorkspaceEdit();
    const r = doc.getText().indexOf('[0.02, 0.02]');
    rate.replace(uri, new vscode.Range(doc.positionAt(r), doc.positionAt(r + '[0.02, 0.02]'.length)), '[0.03, 0.03]');
    assert.ok(await vscode.workspace.applyEdit(rate));
    await waitFor('a new run', () => (panel()?.status !== 'finished' || panel()?.label !== done.label || panel()!.version! > done.version! + 1 ? true : undefined), 30_000);
  });

  it('follows a checkpoint folder', async function () {
    this.timeout(60_000);
    const testing = await testingApi();
    // The committed example folder, by an absolute glob.
    const folder = join(repo, 'examples', 'checkpoints', 'run').split('\\').join('/');
    const uri = await fileWith('follow.flab.json', JSON.stringify({ name: 'follow', checkpoints: { path: `${folder}/*.safetensors`, metrics: `${folder}/metrics.jsonl` } }));
    await vscode.commands.executeCommand(commandId('Open Dynamics Panel'), uri);
    const shown = await waitFor('the checkpoints', () => testing.trainingPanels().find((p) => p.documentUri === uri.toString() && p.status === 'following' && p.records === 6), 45_000);
    assert.equal(typeof shown.label, 'string');
  });
});
