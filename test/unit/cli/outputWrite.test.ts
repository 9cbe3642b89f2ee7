/**
 * How `flab phase --svg OUT` writes its figure (a breaker's finding 8, 2026-12-03): a new file renamed
 * over OUT, never written through the file there — OUT hard-linked to the user's my-figure.svg replaced
 * my-figure.svg's content too. The built CLI in a process, and `writeOutputFile` in-process.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, linkSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { writeOutputFile } from '../../../src/cli/outputFile';

const CLI = resolve(__dirname, '../../../../dist/cli.js');
const ROOT = resolve(__dirname, '../../../..');

test('phase --svg OUT hard-linked to another figure replaces OUT only: the other name keeps its content', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flab-output-write-'));
  writeFileSync(join(dir, 'al.flab.json'), readFileSync(join(ROOT, 'examples/alignment.flab.json')));
  const mine = '<svg xmlns="http://www.w3.org/2000/svg"><text>my own figure</text></svg>\n';
  writeFileSync(join(dir, 'my-figure.svg'), mine);
  linkSync(join(dir, 'my-figure.svg'), join(dir, 'out.svg'));
  chmodSync(join(dir, 'out.svg'), 0o640);
  const r = spawnSync(process.execPath, [CLI, 'phase', 'al.flab.json', '--x', 'learningRates.u=0.01:1', '--y', 'model.outputScale=0.1:10', '--size', '4', '--svg', 'out.svg'], { encoding: 'utf8', cwd: dir, timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(readFileSync(join(dir, 'my-figure.svg'), 'utf8'), mine, 'the hard link\'s other name is untouched');
  const out = readFileSync(join(dir, 'out.svg'), 'utf8');
  assert.match(out, /^<svg[^>]*>/);
  assert.notEqual(out, mine);
  assert.equal(statSync(join(dir, 'my-figure.svg')).nlink, 1);
  assert.equal(statSync(join(dir, 'out.svg')).nlink, 1);
  assert.equal(statSync(join(dir, 'out.svg')).mode & 0o777, 0o640, 'the replaced file\'s permissions are kept');
  assert.deepEqual(readdirSync(dir).sort(), ['al.flab.json', 'my-figure.svg', 'out.svg'], 'no temporary file is left');
});

test('writeOutputFile creates a new file, replaces an old one by rename, and leaves nothing behind on failure', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flab-output-write-'));
  const path = join(dir, 'fig.svg');
  writeOutputFile(path, '<svg>1</svg>');
  assert.equal(readFileSync(path, 'utf8'), '<svg>1</svg>');
  const before = statSync(path).ino;
  writeOutputFile(path, '<svg>2</svg>');
  assert.equal(readFileSync(path, 'utf8'), '<svg>2</svg>');
  assert.notEqual(statSync(path).ino, before, 'a new file, not the old one written in place');
  // A folder where the file should be: the rename fails, the error is thrown, no temporary file stays.
  assert.throws(() => writeOutputFile(dir, '<svg/>'));
  assert.deepEqual(readdirSync(dir), ['fig.svg']);
});

// As another user (root cannot be refused a folder): OUT writable in a folder that takes no new file.
const asNobody = process.getuid?.() === 0 && existsSync('/usr/bin/setpriv');
test('phase --svg OUT in a folder that takes no new file is refused before the work, as the rename needs one', { skip: !asNobody }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'flab-output-write-'));
  writeFileSync(join(dir, 'al.flab.json'), readFileSync(join(ROOT, 'examples/alignment.flab.json')));
  writeFileSync(join(dir, 'out.svg'), '<svg/>');
  chmodSync(join(dir, 'out.svg'), 0o666);
  chmodSync(dir, 0o755);
  // The bundle as another user can read it: a clean clone under mktemp -d (mode 700, as CI makes it) is not.
  const bin = mkdtempSync(join(tmpdir(), 'flab-output-cli-'));
  copyFileSync(CLI, join(bin, 'cli.js'));
  chmodSync(join(bin, 'cli.js'), 0o644);
  chmodSync(bin, 0o755);
  const r = spawnSync('/usr/bin/setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, join(bin, 'cli.js'), 'phase', 'al.flab.json', '--x', 'learningRates.u=0.01:1', '--y', 'model.outputScale=0.1:10', '--size', '4', '--svg', 'out.svg'], { encoding: 'utf8', cwd: dir, timeout: 60_000 });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /^flab: --svg out\.svg: cannot write the figure there: files cannot be created in \. \(permission denied\): the figure is written as a new file there and renamed over out\.svg\n/);
  assert.equal(readFileSync(join(dir, 'out.svg'), 'utf8'), '<svg/>');
});
