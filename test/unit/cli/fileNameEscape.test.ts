/**
 * The experiment file's own name in the command line's located messages (a breaker's finding,
 * 2026-12-03): a name with a line feed printed it raw, so that `e<LF>fake:1:1: error: x.flab.json`
 * started a second line that looked like one of flab's own errors (an ESC was already escaped, by
 * `runCli`). Now the name is escaped as strings from inside the file are (`visibleName`): `\n`,
 * `\u001b`. `train`, `sweep`, `simulate`, `checkpoints` and a file that cannot be read, as processes
 * of the built CLI.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';

const CLI = resolve(__dirname, '../../../../dist/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'flab-name-'));
const NAME = 'e\u001b[31mvil\nfake:1:1: error: x';
const SHOWN = 'e\\u001b[31mvil\\nfake:1:1: error: x';

function flab(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000, cwd: dir });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A file named NAME + `suffix` in a folder of its own, holding `text`. */
function file(folder: string, suffix: string, text: string): string {
  mkdirSync(join(dir, folder), { recursive: true });
  const f = join(dir, folder, NAME + suffix);
  writeFileSync(f, text);
  return f;
}

/** Every line of standard error begins with the file's escaped name; none is forged by it. */
function escaped(stderr: string, f: string, what: string): void {
  const shown = f.slice(0, f.length - NAME.length - '.flab.json'.length) + SHOWN;
  const lines = stderr.trimEnd().split('\n');
  assert.ok(lines.length >= 1 && stderr.length > 0, `${what}: something on standard error`);
  for (const line of lines) assert.ok(line.startsWith(shown), `${what}: a line not of the file's escaped name: ${JSON.stringify(line)}`);
  assert.ok(!stderr.includes('\u001b') && !/^fake/m.test(stderr), `${what}: ${JSON.stringify(stderr)}`);
}

const XOR = { model: { hidden: [2] }, data: { train: { x: [[0, 0], [0, 1], [1, 0], [1, 1]], y: [0, 1, 1, 0] } }, training: { learningRate: 0.1, steps: 2 } };

test('flab train: an error and a note of a file whose name has a line feed and an ESC print the name escaped', () => {
  const bad = file('train', '.flab.json', JSON.stringify({ ...XOR, training: { learningRate: 'fast', steps: 2 } }));
  const r = flab('train', bad, '--summary');
  assert.equal(r.code, 1);
  escaped(r.stderr, bad, 'train, an error');
  const noted = file('train-note', '.flab.json', JSON.stringify({ ...XOR, sweep: { 'training.learningRate': [0.1, 0.2] } }));
  const n = flab('train', noted, '--summary');
  assert.equal(n.code, 0, n.stderr);
  escaped(n.stderr, noted, 'train, its sweep note');
});

test('flab sweep: a failed value\'s located error and the note under it print the name escaped', () => {
  // Value 1 asks 100 samples of six: its error, then the note that value 0 trained.
  const f = file('sweep', '.flab.json', JSON.stringify({ ...XOR, data: { format: 'csv', trainFile: 'six.csv', train: 4 }, sweep: { 'data.train': [4, 100] } }));
  writeFileSync(join(dir, 'sweep', 'six.csv'), 'a,b,y\n0,1,0\n1,0,1\n1,1,1\n0,0,0\n2,1,1\n1,2,0\n');
  const r = flab('sweep', f, '--summary');
  assert.equal(r.code, 1);
  escaped(r.stderr, f, 'sweep');
  assert.match(r.stderr, /error: sweep value 1, data\.train = 100: 100 training samples asked for/);
  assert.match(r.stderr, /note: 1 of 2 sweep values trained and printed/);
  // A value past a limit, refused before any value trains.
  const wide = file('sweep-wide', '.flab.json', JSON.stringify({ ...XOR, sweep: { 'model.hidden[0]': [2, 1e7] } }));
  const w = flab('sweep', wide, '--table');
  assert.equal(w.code, 1);
  escaped(w.stderr, wide, 'sweep, refused');
});

test('flab simulate and flab checkpoints: a located error prints the name escaped; so does a file that cannot be read', () => {
  const linear = file('simulate', '.flab.json', '{ "widthh": 3 }');
  const s = flab('simulate', linear);
  assert.equal(s.code, 1);
  escaped(s.stderr, linear, 'simulate');
  const checkpoints = file('checkpoints', '.flab.json', '{ "checkpoints": { "path": 3 } }');
  const c = flab('checkpoints', checkpoints);
  assert.equal(c.code, 1);
  escaped(c.stderr, checkpoints, 'checkpoints');
  const missing = join(dir, 'missing', NAME + '.flab.json');
  const m = flab('train', missing);
  assert.equal(m.code, 1);
  escaped(m.stderr, missing, 'a file that cannot be read');
});

test('flab train: the note of the checkpoints written into the default folder, named after the file, prints the folder escaped', () => {
  const f = file('written', '.flab.json', JSON.stringify({ ...XOR, training: { learningRate: 0.1, steps: 2, checkpoints: { every: 1 } } }));
  const r = flab('train', f, '--summary');
  assert.equal(r.code, 0, r.stderr);
  escaped(r.stderr, f, 'train, its checkpoints');
  assert.ok(r.stderr.includes(`written into ${join(dir, 'written', 'runs', SHOWN)} (`), r.stderr);
});
