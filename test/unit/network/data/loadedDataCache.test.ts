// The thread's last loaded data (loadedDataCache.ts): taken again for the same spec and unchanged
// files — the same arrays, as loadDataset reads them — and read again when the spec, a file's content
// or its modification time changes; too large a set is not kept, and a failed load keeps nothing.
import assert from 'node:assert/strict';
import { utimesSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadDataset } from '../../../../src/core/network/data/loadDataset';
import { LoadedDataCache, loadedBytes } from '../../../../src/core/network/data/loadedDataCache';
import { DataSpec } from '../../../../src/core/network/data/dataSpec';
import { rejectsAt, tempDir, write } from './fixtures';

const REPO = join(__dirname, '..', '..', '..', '..', '..');
const mnistDir = join(REPO, 'media', 'mnist');
const dir = tempDir();
const o = { baseDir: dir, mnistDir };

test('the same spec and files give the kept data again; a changed spec, file or modification time reads anew', async () => {
  const cache = new LoadedDataCache();
  const mnist: DataSpec = { dataset: 'mnist', train: 300, test: 100 };
  const first = await cache.load(mnist, o);
  assert.equal(cache.hits, 0);
  assert.equal(await cache.load(mnist, o), first, 'the same arrays');
  assert.equal(cache.hits, 1);
  // What a fresh read gives.
  const fresh = await loadDataset(mnist, o);
  assert.deepEqual(first.train.x, fresh.train.x);
  assert.deepEqual(first.test!.x, fresh.test!.x);
  assert.equal(first.source, fresh.source);
  // Another spec: read again (and kept in its place).
  const more = await cache.load({ dataset: 'mnist', train: 301, test: 100 }, o);
  assert.equal(more.train.count, 301);
  assert.equal(cache.hits, 1);

  const csv: DataSpec = { format: 'csv', trainFile: 'cached.csv' };
  write(dir, 'cached.csv', 'a,b,label\n1,2,0\n3,4,1\n');
  const a = await cache.load(csv, o);
  assert.deepEqual(Array.from(a.train.x), [1, 2, 3, 4]);
  assert.equal(await cache.load(csv, o), a);
  // New content of another size.
  write(dir, 'cached.csv', 'a,b,label\n1,2,0\n3,4,1\n5,6,0\n');
  const b = await cache.load(csv, o);
  assert.deepEqual(Array.from(b.train.x), [1, 2, 3, 4, 5, 6]);
  // The same size, another modification time: read again.
  write(dir, 'cached.csv', 'a,b,label\n7,2,0\n3,4,1\n5,6,0\n');
  utimesSync(join(dir, 'cached.csv'), new Date(2020, 0, 1), new Date(2020, 0, 1));
  const c = await cache.load(csv, o);
  assert.deepEqual(Array.from(c.train.x), [7, 2, 3, 4, 5, 6]);
  assert.equal(await cache.load(csv, o), c);
  // Another folder for the same relative name: another file.
  const other = tempDir();
  write(other, 'cached.csv', 'a,b,label\n9,9,1\n8,8,0\n');
  assert.deepEqual(Array.from((await cache.load(csv, { ...o, baseDir: other })).train.x), [9, 9, 8, 8]);
});

test('a failed load keeps nothing and says what loadDataset says; a set larger than the limit is read every time', async () => {
  const cache = new LoadedDataCache();
  const csv: DataSpec = { format: 'csv', trainFile: 'later.csv' };
  await rejectsAt(cache.load(csv, o), { path: 'data.trainFile', message: /file not found/ });
  write(dir, 'later.csv', 'a,label\n1,0\n2,1\n');
  assert.deepEqual(Array.from((await cache.load(csv, o)).train.x), [1, 2]);
  const small = new LoadedDataCache(100);
  const mnist: DataSpec = { dataset: 'mnist', train: 20 };
  const d = await small.load(mnist, o);
  assert.ok(loadedBytes(d) > 100, `${loadedBytes(d)} bytes`);
  assert.notEqual(await small.load(mnist, o), d);
  assert.equal(small.hits, 0);
});
