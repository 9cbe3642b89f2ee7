import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { findCheckpointFiles, FoundCheckpoints } from '../../../src/core/checkpoints/discover';

const dir = mkdtempSync(join(tmpdir(), 'flab-glob-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const none = { count: 0, first: [] };
/** What these tests compare of a search: the files, the skipped and the links not followed. */
const core = async (found: Promise<FoundCheckpoints>) => {
  const { files, skipped, linksNotFollowed } = await found;
  return { files, skipped, linksNotFollowed };
};

test('the glob matches files relative to the experiment folder, in natural order, not folders; symbolic links are followed', async () => {
  mkdirSync(join(dir, 'run'));
  mkdirSync(join(dir, 'run', 'odd.safetensors')); // a folder that matches the pattern
  for (const name of ['step10', 'step2', 'step1']) writeFileSync(join(dir, 'run', `${name}.safetensors`), '');
  writeFileSync(join(dir, 'run', 'notes.txt'), '');
  symlinkSync(join(dir, 'run', 'step1.safetensors'), join(dir, 'run', 'step3.safetensors'));
  const found = await core(findCheckpointFiles('run/*.safetensors', dir));
  assert.deepEqual(found, { files: ['step1', 'step2', 'step3', 'step10'].map((n) => join(dir, 'run', `${n}.safetensors`)), skipped: [], linksNotFollowed: none });
  assert.deepEqual((await findCheckpointFiles(join(dir, 'run', 'step1*.safetensors'), '/')).files, [join(dir, 'run', 'step1.safetensors'), join(dir, 'run', 'step10.safetensors')]);
  assert.deepEqual(await core(findCheckpointFiles('nothing/*.safetensors', dir)), { files: [], skipped: [], linksNotFollowed: none });
});

test('a glob that matches too many files, an empty pattern or a backslash is refused with a message', async () => {
  await assert.rejects(findCheckpointFiles('run/*.safetensors', dir, { maxFiles: 3, timeoutMs: 10_000 }), /the checkpoint path "run\/\*.safetensors" matches (at least )?4 files, more than the 3 allowed: narrow it/);
  await assert.rejects(findCheckpointFiles('  ', dir), /the checkpoint path is empty/);
  await assert.rejects(findCheckpointFiles('run\\*.safetensors', dir), /contains "\\": globs use "\/"/);
  await assert.rejects(findCheckpointFiles('**/*.safetensors', dir, { maxFiles: 100, timeoutMs: 0 }), /was still being searched after 0 s/);
});

test('the time limit holds inside the crawl: in a wide folder between batches of its entries, and down a deep tree', async () => {
  const wide = join(dir, 'wide');
  mkdirSync(wide);
  for (let i = 0; i < 4000; i++) writeFileSync(join(wide, `c${i}.bin`), '');
  // A clock that advances 1 s each time it is read: the limit of 10 s is over after ten looks, long
  // before the 4,000 entries of the folder are read (one look per 256 entries).
  let t = 0;
  const clock = () => (t += 1000);
  await assert.rejects(findCheckpointFiles('wide/*.safetensors', dir, { maxFiles: 100, timeoutMs: 10_000, now: clock }), (err: Error) => {
    assert.match(err.message, /^the checkpoint path "wide\/\*\.safetensors" was still being searched after 10 s, the limit \(1 folders and (\d[\d,]*) entries read\): name the folder the checkpoints are in, e.g. "runs\/exp1\/\*.safetensors", rather than "\*\*" over a large tree such as \/ or \/proc$/);
    const read = Number(/and ([\d,]+) entries/.exec(err.message)![1].replace(/,/g, ''));
    assert.ok(read < 4000, `${read} entries read: the limit was not checked inside the folder`);
    return true;
  });
  let deep = join(dir, 'deep');
  for (let i = 0; i < 60; i++) mkdirSync((deep = join(deep, `d${i}`)), { recursive: true });
  t = 0;
  await assert.rejects(findCheckpointFiles('deep/**/*.safetensors', dir, { maxFiles: 100, timeoutMs: 20_000, now: clock }), /was still being searched after 20 s, the limit \(\d+ folders/);
  // With a real clock the same searches end in time.
  assert.deepEqual(await core(findCheckpointFiles('deep/**/*.safetensors', dir)), { files: [], skipped: [], linksNotFollowed: none });
});

test('matches that cannot be checkpoints are skipped with the reason, never silently and never opened: pipes, devices, dangling or looping links, names not UTF-8', async () => {
  const odd = join(dir, 'odd');
  mkdirSync(odd);
  writeFileSync(join(odd, 'step1.safetensors'), '');
  execFileSync('mkfifo', [join(odd, 'pipe2.safetensors')]);
  symlinkSync(join(odd, 'pipe2.safetensors'), join(odd, 'toPipe3.safetensors'));
  symlinkSync('/dev/null', join(odd, 'null4.safetensors'));
  symlinkSync(join(odd, 'gone'), join(odd, 'dangling5.safetensors'));
  symlinkSync(join(odd, 'loop6.safetensors'), join(odd, 'loop6.safetensors'));
  writeFileSync(Buffer.from(`${odd}/bad\xff7.safetensors`, 'latin1'), '');
  mkdirSync(Buffer.from(`${odd}/sub\xfe`, 'latin1'));
  writeFileSync(Buffer.from(`${odd}/sub\xfe/step8.safetensors`, 'latin1'), '');
  symlinkSync(odd, join(odd, 'again')); // a link to its own folder: "**" does not loop through it
  writeFileSync(join(odd, 'notes.txt'), '');
  execFileSync('mkfifo', [join(odd, 'pipe.txt')]); // matches no pattern here: not reported
  const found = await findCheckpointFiles('odd/**/*.safetensors', dir);
  assert.deepEqual(found.files, [join(odd, 'step1.safetensors')]);
  assert.deepEqual(found.linksNotFollowed, { count: 1, first: [join(odd, 'again')] });
  const why = Object.fromEntries(found.skipped.map((s) => [s.path.slice(odd.length + 1), s.problem]));
  assert.deepEqual(why, {
    'bad\uFFFD7.safetensors': 'its name is not UTF-8 (bad\\xff7.safetensors): skipped, as paths are read as UTF-8 text — rename it',
    'dangling5.safetensors': `is a symbolic link to "${join(odd, 'gone')}", which does not exist: skipped — fix or remove the link`,
    'loop6.safetensors': `is a symbolic link to "${join(odd, 'loop6.safetensors')}", which loops: skipped — fix or remove the link`,
    'null4.safetensors': 'is a symbolic link to a character device, not a file: skipped without being opened (a checkpoint is a regular file)',
    'pipe2.safetensors': 'is a named pipe, not a file: skipped without being opened (a checkpoint is a regular file)',
    'sub\uFFFD/step8.safetensors': 'a folder of its path has a name that is not UTF-8: skipped, as paths are read as UTF-8 text — rename it',
    'toPipe3.safetensors': 'is a symbolic link to a named pipe, not a file: skipped without being opened (a checkpoint is a regular file)',
  });
});

test('a glob that matches more than maxFiles is refused as soon as more are found, not after crawling the whole tree', async () => {
  // "**" over a large tree collected every match before refusing them (8 s and 523 MB over /).
  // The clock is looked at once at the start, once per folder read and once per 256 entries of one:
  // how often it is read says how much of the tree was crawled.
  let looks = 0;
  const clock = () => (looks++, 0);
  const limits = { maxFiles: 10, timeoutMs: 10_000, now: clock };
  // A chain of 40 folders of 50 files each.
  let deep = join(dir, 'dense');
  for (let i = 0; i < 40; i++) {
    mkdirSync((deep = join(deep, `d${i}`)), { recursive: true });
    for (let j = 0; j < 50; j++) writeFileSync(join(deep, `f${j}.safetensors`), '');
  }
  await assert.rejects(findCheckpointFiles('dense/**', dir, limits), {
    message: 'the checkpoint path "dense/**" matches at least 11 files, more than the 10 allowed: narrow it (e.g. "ckpt_*000.safetensors" for every 1000th step)',
  });
  assert.ok(looks <= 4, `the clock was read ${looks} times: the crawl went on after 11 files (it reads 41 folders)`);
  // One folder of 5,000 files.
  const wide = join(dir, 'many');
  mkdirSync(wide);
  for (let i = 0; i < 5000; i++) writeFileSync(join(wide, `step${i}.safetensors`), '');
  looks = 0;
  await assert.rejects(findCheckpointFiles('many/*.safetensors', dir, limits), /matches at least 11 files, more than the 10 allowed/);
  assert.ok(looks <= 3, `the clock was read ${looks} times: the folder was read on after 11 files (it has 5,000)`);
});

test('files that do not match do not count toward maxFiles: the limit, and one more, among many other files', async () => {
  const mixed = join(dir, 'mixed');
  mkdirSync(mixed);
  for (let i = 0; i < 100; i++) writeFileSync(join(mixed, `notes${i}.txt`), '');
  for (let i = 1; i <= 10; i++) writeFileSync(join(mixed, `step${i}.safetensors`), '');
  const limits = { maxFiles: 10, timeoutMs: 10_000 };
  const found = await findCheckpointFiles('mixed/*.safetensors', dir, limits);
  assert.deepEqual(found.files, Array.from({ length: 10 }, (_, i) => join(mixed, `step${i + 1}.safetensors`)));
  writeFileSync(join(mixed, 'step11.safetensors'), '');
  await assert.rejects(findCheckpointFiles('mixed/*.safetensors', dir, limits), /^Error: the checkpoint path "mixed\/\*\.safetensors" matches (at least )?11 files, more than the 10 allowed/);
});

test('"**" does not descend through a symbolic link to a folder, which is counted; a link the pattern names before any "**" is followed, as is a link to a file', async () => {
  // "/proc/**/*.safetensors" went through /proc/<pid>/cwd and /proc/<pid>/root into other processes' folders and /.
  const tree = join(dir, 'links');
  const outside = join(dir, 'outside');
  const elsewhere = join(dir, 'elsewhere');
  mkdirSync(join(tree, 'exp1'), { recursive: true });
  mkdirSync(join(outside, 'deep'), { recursive: true });
  mkdirSync(elsewhere);
  writeFileSync(join(elsewhere, 'step5.safetensors'), '');
  writeFileSync(join(tree, 'exp1', 'step1.safetensors'), '');
  writeFileSync(join(outside, 'step2.safetensors'), '');
  writeFileSync(join(outside, 'deep', 'step3.safetensors'), '');
  symlinkSync(outside, join(tree, 'exp2'));
  symlinkSync(elsewhere, join(tree, 'exp1', 'cwd')); // as /proc/<pid>/cwd
  symlinkSync(join(outside, 'step2.safetensors'), join(tree, 'exp1', 'step4.safetensors'));
  symlinkSync(tree, join(tree, 'up')); // followed before the "**": read once, no loop
  const at = (...names: string[]) => join(tree, ...names);
  assert.deepEqual(await core(findCheckpointFiles('links/**/*.safetensors', dir)), {
    files: [at('exp1', 'step1.safetensors'), at('exp1', 'step4.safetensors')],
    skipped: [],
    linksNotFollowed: { count: 3, first: [at('exp1', 'cwd'), at('exp2'), at('up')] },
  });
  // Named by "*" before the "**": followed there, not below.
  assert.deepEqual(await core(findCheckpointFiles('links/*/**/*.safetensors', dir)), {
    files: [at('exp1', 'step1.safetensors'), at('exp1', 'step4.safetensors'), at('exp2', 'deep', 'step3.safetensors'), at('exp2', 'step2.safetensors')],
    skipped: [],
    linksNotFollowed: { count: 1, first: [at('exp1', 'cwd')] },
  });
  // Named by the pattern's fixed part, or by a pattern without "**".
  assert.deepEqual((await findCheckpointFiles(join(tree, 'exp2', '**', '*.safetensors'), '/')).files, [at('exp2', 'deep', 'step3.safetensors'), at('exp2', 'step2.safetensors')]);
  assert.deepEqual((await findCheckpointFiles('links/*/*/*.safetensors', dir)).files, [at('exp1', 'cwd', 'step5.safetensors'), at('exp2', 'deep', 'step3.safetensors')]);
});

test('links are reported only when a "**" skipped them: not those of the folders crawled on the way to the fixed folder, nor any without "**"', async () => {
  // "/var/tmp/ok/*.safetensors" warned "6 symbolic links to folders were not followed: /lib, /lib64, /sbin …":
  // the crawl reads / on its way, and those links were counted although the pattern has no "**".
  const way = join(dir, 'way');
  mkdirSync(join(way, 'ok'), { recursive: true });
  mkdirSync(join(way, 'exp'));
  writeFileSync(join(way, 'ok', 'step1.safetensors'), '');
  symlinkSync(join(way, 'ok'), join(way, 'lib')); // as /lib → usr/lib, beside the path to the fixed folder
  symlinkSync(dir, join(way, 'ok', 'up')); // below the fixed folder, in a pattern without "**"
  const step1 = join(way, 'ok', 'step1.safetensors');
  assert.deepEqual(await core(findCheckpointFiles('../ok/*.safetensors', join(way, 'exp'))), { files: [step1], skipped: [], linksNotFollowed: none });
  assert.deepEqual(await core(findCheckpointFiles('../nothing/*.safetensors', join(way, 'exp'))), { files: [], skipped: [], linksNotFollowed: none });
  assert.deepEqual(await core(findCheckpointFiles('../ok/*/*.safetensors', join(way, 'exp'))), { files: [], skipped: [], linksNotFollowed: none });
  assert.deepEqual(await core(findCheckpointFiles(join(way, 'ok', '*.safetensors'), join(way, 'exp'))), { files: [step1], skipped: [], linksNotFollowed: none });
  // With "**", the links below it are counted, and only those.
  assert.deepEqual(await core(findCheckpointFiles('../ok/**/*.safetensors', join(way, 'exp'))), { files: [step1], skipped: [], linksNotFollowed: { count: 1, first: [join(way, 'ok', 'up')] } });
});

test('".." beyond / is / as the system resolves it: more ".." than the experiment folder is deep still reaches the files', async () => {
  const far = join(dir, 'far');
  mkdirSync(far);
  writeFileSync(join(far, 'step1.safetensors'), '');
  const up = '../'.repeat(far.split('/').length + 3); // more than enough to reach /
  const found = await core(findCheckpointFiles(`${up}${far.slice(1)}/*.safetensors`, far));
  assert.deepEqual(found, { files: [join(far, 'step1.safetensors')], skipped: [], linksNotFollowed: none });
  assert.deepEqual((await findCheckpointFiles(`/../..${far}/*`, far)).files, [join(far, 'step1.safetensors')]);
  assert.deepEqual((await findCheckpointFiles(`./${up}${far.slice(1)}/*`, far)).folder, far);
});
