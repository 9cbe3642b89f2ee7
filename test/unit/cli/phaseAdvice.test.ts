/**
 * `flab phase`'s advice of a --size, and zero-width axes (a breaker's findings, 2026-12-03): a refused
 * size is advised a square grid that every limit accepts at once — it had been the limit's own largest,
 * which another limit then refused (--descent --size 3000: "at most 953 × 953" by the cells, then "at
 * most 463 × 463" by the work; the redraws advised 1375 × 1375, past the JSON output's 975) — and an
 * axis whose ends are equal (or round to one whole number) is refused at its flag instead of drawing every
 * column at one value.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { largestPhaseSide, PhaseComputation, phaseWorkFits } from '../../../src/core/analysis/phase/phaseDiagram';
import { parseExperiment } from '../../../src/core/experiment/parse';
import { FileReader } from '../../../src/cli/experimentFile';
import { runCli } from '../../../src/cli/run';
import { MAX_PHASE_SIZE } from '../../../src/protocol/phase';
import { runPhase } from '../../../src/workers/phaseRun';

const FILE = JSON.stringify({ model: { width: 256, outputScale: 1 }, data: { x: [1], y: 1 }, init: { scaleU: 0.1, scaleW: 0.1, seed: 5 }, learningRates: { u: 1, W: 1 }, time: { end: 10000 } });

function run(args: string[]) {
  const reader: FileReader = {
    readText: (f) => {
      if (f !== 'f.flab.json') throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      return FILE;
    },
  };
  return runCli(args, reader);
}

/** The side of the square a refusal advises ("at most N × N"). */
function advised(stderr: string): number {
  const m = /at most ([\d,]+) × \1/.exec(stderr);
  assert.ok(m, stderr);
  return Number(m[1].replace(/,/g, ''));
}

/**
 * Whether `flab phase … --size N` starts computing — no refusal within 5 s (every limit is checked
 * before the first cell, in milliseconds): a process of the built CLI, stopped then.
 */
function starts(args: string[]): { started: boolean; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'flab-phase-advice-'));
  writeFileSync(join(dir, 'f.flab.json'), FILE);
  const r = spawnSync(process.execPath, [resolve(__dirname, '../../../../dist/cli.js'), ...args], { encoding: 'utf8', timeout: 5_000, cwd: dir });
  return { started: r.status === null && r.stderr === '', stderr: r.stderr };
}

const DESCENT = ['phase', 'f.flab.json', '--x', 'outputScale=0.01:100', '--y', 'learningRates.u=0.01:10', '--descent'];
const REDRAWN = ['phase', 'f.flab.json', '--x', 'model.width=1:1000000', '--y', 'learningRates.u=0.01:10'];

test('a --size over the cell limit is advised the largest square that the work of --descent accepts too', async () => {
  const r = await run([...DESCENT, '--size', '3000']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^flab: --size 3000: 9,000,000 cells, over the limit of 4,000,000 for one diagram \(docs\/limits\.md\): use at most 463 × 463\n/);
  // One more a side is refused by the work (advising the same), the advice itself is not refused.
  const over = await run([...DESCENT, '--size', '464']);
  assert.equal(over.code, 2);
  assert.match(over.stderr, /^flab: --size 464x464, time\.end: 215296 cells × 10000 gradient-descent steps = .*\(at most 463 × 463 at these steps\)/);
  assert.deepEqual(starts([...DESCENT, '--size', String(advised(r.stderr))]), { started: true, stderr: '' });
  // The output's limit and the figure's side advise the same when the work is the tightest.
  assert.equal(advised((await run([...DESCENT, '--size', '2000', '--csv'])).stderr), 463);
  assert.equal(advised((await run([...DESCENT, '--size', '1025', '--svg', '-'])).stderr), 463);
});

test('a slow axis whose redraws pass their limit is advised a square that the output accepts too', async () => {
  const r = await run([...REDRAWN, '--size', '2000x2']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^flab: --x, --y: an axis over model\.width redraws the initial weights .* use a smaller --size \(at most 975 × 975 with these axes\)/);
  assert.match((await run([...REDRAWN, '--size', '976'])).stderr, /^flab: --size 976: a 976 × 976 grid in JSON could print up to/);
  assert.deepEqual(starts([...REDRAWN, '--size', '975']), { started: true, stderr: '' });
  // In CSV the output allows fewer (895 a side), and the advice says so.
  assert.equal(advised((await run([...REDRAWN, '--size', '2000x2', '--csv'])).stderr), 895);
});

test('a file that cannot be read keeps the advice of the flags\' own limits (the output of --descent in JSON: 953 a side)', async () => {
  const r = await run(['phase', 'missing.flab.json', '--x', 'outputScale=0.01:100', '--y', 'learningRates.u=0.01:10', '--descent', '--size', '3000']);
  assert.equal(r.code, 2);
  assert.equal(advised(r.stderr), 953);
});

test('a phase axis without width (equal ends, or whole-number ends that round alike) is refused at its flag; one cell along it is not', async () => {
  for (const [x, message] of [
    ['outputScale=1:1', '--x: model.outputScale=1:1: a phase axis needs a range, two different ends, got 1 at both'],
    ['outputScale=2.5e-3:0.0025', '--x: model.outputScale=2.5e-3:0.0025: a phase axis needs a range, two different ends, got 0.0025 at both'],
    ['model.width=10.2:10.4', '--x: model.width=10.2:10.4: a phase axis needs a range, and this key takes whole numbers: 10.2 and 10.4 both round to 10'],
  ]) {
    const r = await run(['phase', 'f.flab.json', '--x', x, '--y', 'learningRates.u=0.01:10', '--size', '8']);
    assert.equal(r.code, 2, x);
    assert.ok(r.stderr.startsWith(`flab: ${message}`), r.stderr);
  }
  const y = await run(['phase', 'f.flab.json', '--x', 'outputScale=0.1:10', '--y', 'data.x[0]=-1:-1', '--linear', '--size', '4']);
  assert.ok(y.stderr.startsWith('flab: --y: data.x[0]=-1:-1: a phase axis needs a range, two different ends, got -1 at both'), y.stderr);
  // An axis of one cell is the one value asked for.
  assert.equal((await run(['phase', 'f.flab.json', '--x', 'outputScale=1:1', '--y', 'learningRates.u=0.01:10', '--size', '1x4'])).code, 0);
  // The core refuses it too (the panel's axis box refuses equal ends as they are typed).
  const e = parseExperiment(FILE).experiment!;
  assert.throws(() => new PhaseComputation(e, { key: 'outputScale', from: 1, to: 1 }, { key: 'learningRates.u', from: 0.01, to: 10 }, 4), /^RangeError: model\.outputScale: a phase axis needs a range/);
  assert.throws(() => new PhaseComputation(e, { key: 'model.width', from: 10.2, to: 10.4 }, { key: 'learningRates.u', from: 0.01, to: 10 }, 4), /both round to 10/);
  assert.equal(new PhaseComputation(e, { key: 'outputScale', from: 1, to: 1 }, { key: 'learningRates.u', from: 0.01, to: 10 }, [1, 4]).cols, 1);
});

test('read from standard input (-), the file\'s limits advise the size too, as for a file by name', async () => {
  // The real standard input: read once, so that the advice's second reading found it at its end and
  // fell back to the flags' own limits (953 for the output of --descent in JSON, which the work refuses).
  const args = ['phase', '-', '--x', 'outputScale=0.01:100', '--y', 'learningRates.u=0.01:10', '--descent', '--size', '3000'];
  const piped = spawnSync(process.execPath, [resolve(__dirname, '../../../../dist/cli.js'), ...args], { encoding: 'utf8', input: FILE, timeout: 60_000 });
  assert.equal(piped.status, 2, piped.stderr);
  assert.equal(advised(piped.stderr), 463);
  // A reader that, as standard input does, gives its text once.
  let reads = 0;
  const once: FileReader = { readText: (f) => (f === '-' && reads++ === 0 ? FILE : '') };
  assert.equal(advised((await runCli(args, once)).stderr), 463);
});

test('the phase panel\'s work-limit message advises a size that every limit accepts, as the CLI\'s does', async () => {
  // The plain loop (relu) over a width axis: the work limit's own square is the file's width's (16),
  // which the axis's end (4096) refuses; the advice is the square that passes at every width.
  const relu = JSON.stringify({ model: { width: 16, outputScale: 1, activation: 'relu' }, data: { samples: [{ x: [1], y: 1 }, { x: [2], y: 1.5 }] }, init: { scaleU: 0.1, scaleW: 0.1, seed: 5 }, learningRates: { u: 0.1, W: 0.1 }, time: { end: 20000 } });
  const x = { key: 'model.width', from: 16, to: 4096, scale: 'log' as const };
  const y = { key: 'learningRates.u', from: 0.01, to: 1, scale: 'log' as const };
  const o = await runPhase(relu, x, y, 256, { fileName: 'f.flab.json', method: 'descent' });
  assert.equal(o.kind, 'invalid');
  const message = o.kind === 'invalid' ? o.diagnostics[0].message : '';
  const side = advised(message);
  const e = parseExperiment(relu).experiment!;
  assert.equal(side, largestPhaseSide(e, x, y, 'descent', (n) => n <= MAX_PHASE_SIZE));
  assert.ok(phaseWorkFits(e, x, y, [side, side], 'descent'), `${side} × ${side} is accepted`);
  assert.ok(!phaseWorkFits(e, x, y, [side + 1, side + 1], 'descent'), 'and is the largest');
  // The CLI advises the same square for the same file and axes.
  const cli = await runCli(['phase', 'f.flab.json', '--x', 'model.width=16:4096', '--y', 'learningRates.u=0.01:1', '--descent', '--size', '256'], { readText: () => relu });
  assert.equal(advised(cli.stderr), side, cli.stderr);
});
