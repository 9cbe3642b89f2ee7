import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randomIndices, randomPermutationPrefix, uniformBelow } from '../../../../src/core/network/data/subset';
import { Rng } from '../../../../src/core/math/rng';

test('a full prefix is a permutation; shorter prefixes are distinct indices below the total', () => {
  for (const total of [1, 2, 7, 100]) {
    const p = Array.from(randomPermutationPrefix(total, total, 9));
    assert.deepEqual([...p].sort((a, b) => a - b), Array.from({ length: total }, (_, i) => i));
  }
  const q = randomIndices(4_000_000_000, 1000, 3);
  assert.equal(new Set(q).size, 1000);
  assert.ok(q.every((v, i) => v < 4_000_000_000 && (i === 0 || v > q[i - 1])));
  assert.deepEqual(randomPermutationPrefix(50, 10, 1), randomPermutationPrefix(50, 10, 1));
  assert.notDeepEqual(randomPermutationPrefix(50, 10, 1), randomPermutationPrefix(50, 10, 2));
});

test('every index is equally likely at every position of the prefix (χ² over 40,000 draws)', () => {
  const total = 8;
  const draws = 40_000;
  const counts = Array.from({ length: 3 }, () => new Array(total).fill(0));
  for (let seed = 0; seed < draws; seed++) {
    const p = randomPermutationPrefix(total, 3, seed);
    for (let k = 0; k < 3; k++) counts[k][p[k]]++;
  }
  const expected = draws / total;
  for (const row of counts) {
    const chi2 = row.reduce((a: number, c: number) => a + (c - expected) ** 2 / expected, 0);
    // 7 degrees of freedom: P(χ² > 24.3) = 0.001.
    assert.ok(chi2 < 24.3, `χ² = ${chi2} for ${row}`);
  }
});

test('uniformBelow stays in range, takes every value, and covers 1 and 2³²', () => {
  const rng = new Rng(5);
  const seen = new Set<number>();
  for (let i = 0; i < 2000; i++) {
    const v = uniformBelow(rng, 10);
    assert.ok(Number.isInteger(v) && v >= 0 && v < 10);
    seen.add(v);
  }
  assert.equal(seen.size, 10);
  assert.equal(uniformBelow(rng, 1), 0);
  const big = uniformBelow(rng, 2 ** 32);
  assert.ok(big >= 0 && big < 2 ** 32);
  // 3·2³⁰ rejects the top quarter of the 32-bit draws: values stay below m and are all reachable.
  const m = 3 * 2 ** 30;
  for (let i = 0; i < 1000; i++) assert.ok(uniformBelow(rng, m) < m);
});
