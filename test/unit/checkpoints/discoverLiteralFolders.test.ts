import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CheckpointReader, readCheckpoints } from '../../../src/core/checkpoints/checkpointReader';
import { findCheckpointFiles } from '../../../src/core/checkpoints/discover';
import { writeSafetensors } from '../../../src/core/checkpoints/writeSafetensors';

const dir = mkdtempSync(join(tmpdir(), 'flab-glob-literal-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Folder names that hold each character a glob reads as a pattern: ( ) [ ] { } * ? ! | and the extglob heads. */
const NAMES = ['exp (copy)', 'lr{1,2}', 'x*(y)', '@(a)', '!neg', 'a+(b)', 'set [ab]', 'q?x', 'a|b', 'one]', 'two['];

test('a folder whose name holds glob characters and exists with exactly that name is matched by its name', async () => {
  for (const name of NAMES) {
    const folder = join(dir, 'runs', name);
    mkdirSync(join(folder, 'inner (1)'), { recursive: true });
    for (const f of ['ckpt_1.safetensors', 'ckpt_2.safetensors', 'other.txt']) writeFileSync(join(folder, f), '');
    writeFileSync(join(folder, 'inner (1)', 'ckpt_3.safetensors'), '');
  }
  for (const name of NAMES) {
    // `runs/exp (copy)/ckpt_*.safetensors` matched nothing until 2026-12: "(copy)" was read as a group.
    const found = await findCheckpointFiles(`runs/${name}/ckpt_*.safetensors`, dir);
    assert.deepEqual(found.files, [join(dir, 'runs', name, 'ckpt_1.safetensors'), join(dir, 'runs', name, 'ckpt_2.safetensors')], name);
    assert.equal(found.folder, join(dir, 'runs', name), name);
    assert.equal(found.readAsPattern, null, name);
    // Nested, and absolute.
    const nested = await findCheckpointFiles(join(dir, 'runs', name, 'inner (1)', '*.safetensors'), '/');
    assert.deepEqual(nested.files, [join(dir, 'runs', name, 'inner (1)', 'ckpt_3.safetensors')], name);
    assert.deepEqual(nested.literalFolders, [name, 'inner (1)'], name);
  }
  // Past a wildcard, names are the pattern's: "*" then a literal-looking name is read as a pattern.
  assert.deepEqual((await findCheckpointFiles('runs/*/inner (1)/*.safetensors', dir)).files, []);
  // A file-name part stays a pattern, and a wildcard folder still matches every folder.
  assert.equal((await findCheckpointFiles('runs/*/ckpt_*.safetensors', dir)).files.length, 2 * NAMES.length);
});

test('a folder name read as a pattern because no folder has that name is said, with its characters and how to match only the name', async () => {
  mkdirSync(join(dir, 'runs2', 'exp copy'), { recursive: true });
  writeFileSync(join(dir, 'runs2', 'exp copy', 'ckpt_1.safetensors'), '');
  // Read as a pattern, "(copy)" is a group: it matches "exp copy", as before.
  const group = await findCheckpointFiles('runs2/exp (copy)/*.safetensors', dir);
  assert.deepEqual(group.files, [join(dir, 'runs2', 'exp copy', 'ckpt_1.safetensors')]);
  assert.deepEqual(group.readAsPattern, { parent: join(dir, 'runs2'), name: 'exp (copy)', characters: ['(', ')'] });
  // "**" and "*" are wildcards meant as such: nothing to say.
  assert.equal((await findCheckpointFiles('runs2/**/*.safetensors', dir)).readAsPattern, null);
  assert.equal((await findCheckpointFiles('runs2/*/*.safetensors', dir)).readAsPattern, null);

  const result = await readCheckpoints({ path: 'runs2/exp (other)/ckpt_*.safetensors' }, { baseDir: dir });
  assert.deepEqual(result.problems, [
    {
      file: null,
      message: `no file matches the checkpoint path "runs2/exp (other)/ckpt_*.safetensors" (in ${dir}): in the folder name "exp (other)", "(" and ")" are read as a pattern (a group, "(a|b)"), as no folder of exactly that name is in runs2 (a folder that is, is matched by its name, those characters included); to match only that name, write each such character as a set of one: "exp [(]other[)]"`,
      key: 'checkpoints.path',
    },
  ]);
  const braces = await readCheckpoints({ path: 'runs2/lr{1,2} [x]/*.safetensors' }, { baseDir: dir });
  assert.match(braces.problems[0].message, /in the folder name "lr\{1,2\} \[x\]", "\{", "\}", "\[" and "\]" are read as a pattern \(alternatives, "\{a,b\}"; a set of characters, "\[abc\]"\), .*: "lr\[\{\]1,2\[\}\] \[\[\]x\[\]\]"$/);
  // The advice works: written so, the name is matched literally, even where a folder of the pattern's reading exists.
  mkdirSync(join(dir, 'runs2', 'lr{1,2} [x]'));
  writeFileSync(join(dir, 'runs2', 'lr{1,2} [x]', 'a.safetensors'), '');
  assert.deepEqual((await findCheckpointFiles('runs2/lr[{]1,2[}] [[]x[]]/*.safetensors', dir)).files, [join(dir, 'runs2', 'lr{1,2} [x]', 'a.safetensors')]);
});

test('the default metrics file is in the literal folder the glob names, found again when that folder appears', async () => {
  const base = join(dir, 'metrics');
  const folder = join(base, 'exp (copy)');
  mkdirSync(folder, { recursive: true });
  for (const step of [0, 10]) {
    await writeSafetensors(join(folder, `ckpt_${step}.safetensors`), [{ name: 'fc1.weight', dtype: 'F32', shape: [2, 2], data: [1, step, 0, 1] }]);
  }
  writeFileSync(join(folder, 'metrics.jsonl'), '{"step": 0, "loss": 2, "accuracy": 0.1}\n{"step": 10, "loss": 1, "accuracy": 0.5}\n');
  const result = await readCheckpoints({ path: 'exp (copy)/ckpt_*.safetensors' }, { baseDir: base });
  assert.deepEqual(result.step, [0, 10]);
  assert.deepEqual(result.files, ['exp (copy)/ckpt_0.safetensors', 'exp (copy)/ckpt_10.safetensors']);
  assert.equal(result.metrics?.file, 'exp (copy)/metrics.jsonl');
  assert.deepEqual(result.loss, [2, 1]);
  assert.deepEqual(result.accuracy, [0.1, 0.5]);
  assert.deepEqual(result.problems, []);

  // A live reader made before the folder exists reads the metrics file in it once it does.
  const later = join(base, 'later (2)');
  const reader = new CheckpointReader({ path: 'later (2)/ckpt_*.safetensors' }, { baseDir: base, settleMs: 0 });
  await reader.refresh();
  assert.equal(reader.result().metrics, undefined);
  assert.match(reader.result().problems[0].message, /^no file matches the checkpoint path "later \(2\)\/ckpt_\*\.safetensors" .*: in the folder name "later \(2\)"/);
  mkdirSync(later);
  for (const step of [0, 10]) {
    await writeSafetensors(join(later, `ckpt_${step}.safetensors`), [{ name: 'fc1.weight', dtype: 'F32', shape: [2, 2], data: [1, step, 0, 1] }]);
  }
  writeFileSync(join(later, 'metrics.jsonl'), '{"step": 10, "loss": 1, "accuracy": 0.5}\n');
  await reader.refresh();
  assert.equal(reader.result().metrics?.file, 'later (2)/metrics.jsonl');
  assert.deepEqual(reader.result().accuracy, [null, 0.5]);
  reader.close();
});
