/**
 * The initial weights' draw order (src/core/linearFlow/reduce.ts, `InitialDraws`) against an
 * independent generator drawing u_1 … u_d, then W row by row; `initialLayers` against the same draws
 * projected in float64; and `normaliseExponent`'s one-factor path against ldexp entry by entry, at
 * the exponents where ldexp changes how it multiplies.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normaliseExponent } from '../../../src/core/linearFlow/plane';
import { forEachInitialNeuron, InitialDraws, initialLayers } from '../../../src/core/linearFlow/reduce';
import { binaryExponent, ldexp } from '../../../src/core/math/logDomain';
import { Rng } from '../../../src/core/math/rng';

test('random weights are drawn u first, then W row by row, from one generator', () => {
  const [d, D, seed, su, sw] = [7, 3, 11, 0.5, 2];
  const rng = new Rng(seed);
  const u = Array.from({ length: d }, () => su * rng.normal());
  const W = Array.from({ length: d }, () => Array.from({ length: D }, () => sw * rng.normal()));
  const init = { kind: 'random' as const, scaleU: su, scaleW: sw, seed };
  const draws = new InitialDraws(init, d, D);
  assert.deepEqual([...draws.u], u);
  const row = new Float64Array(D);
  for (let i = 0; i < d; i++) {
    draws.nextRow(row);
    assert.deepEqual([...row], W[i], `row ${i}`);
  }
  assert.throws(() => draws.nextRow(row), /W has 7 rows/);
  const visited: number[][] = [];
  forEachInitialNeuron(init, d, D, (i, ui, r) => visited.push([i, ui, ...r]));
  assert.deepEqual(visited, W.map((w, i) => [i, u[i], ...w]));
});

test('explicit weights are read in the same order', () => {
  const init = { kind: 'explicit' as const, u: [1, -2], W: [[3, 4], [5, 6]] };
  const draws = new InitialDraws(init, 2, 2);
  assert.deepEqual([...draws.u], [1, -2]);
  const row = new Float64Array(2);
  draws.nextRow(row);
  assert.deepEqual([...row], [3, 4]);
  draws.nextRow(row);
  assert.deepEqual([...row], [5, 6]);
});

test('initialLayers projects the drawn rows on the data direction', () => {
  const [d, seed] = [50, 3];
  const n = [0.6, 0, -0.8];
  for (const [su, sw] of [[1, 1], [0.3, 7], [1e-300, 1e300]]) {
    const init = { kind: 'random' as const, scaleU: su, scaleW: sw, seed };
    const layers = initialLayers(init, d, n);
    // The same draws at unit scale (initialLayers keeps σ apart where σ·N(0,1) is not plainly representable).
    const plain = (s: number) => s >= 2 ** -900 && s <= 2 ** 900;
    const draws = new InitialDraws({ ...init, scaleU: plain(su) ? su : 1, scaleW: plain(sw) ? sw : 1 }, d, n.length);
    const row = new Float64Array(n.length);
    const v: number[] = [];
    for (let i = 0; i < d; i++) {
      draws.nextRow(row);
      v.push(row[0] * n[0] + row[1] * n[1] + row[2] * n[2]);
    }
    const unit = (x: { m: number; e: number }) => x.m * 2 ** x.e;
    const uScale = unit(layers.sU) / (plain(su) ? 1 : su);
    const wScale = unit(layers.sW) / (plain(sw) ? 1 : sw);
    for (let i = 0; i < d; i++) {
      assert.ok(Math.abs(layers.g[i] * uScale - draws.u[i]) <= 1e-15 * Math.abs(draws.u[i]), `u ${i} at σ ${su}`);
      assert.ok(Math.abs(layers.h[i] * wScale - v[i]) <= 1e-14 * Math.max(...v.map(Math.abs)), `v ${i} at σ ${sw}`);
    }
    assert.ok(Math.max(...layers.g.map(Math.abs)) < 1 && Math.max(...layers.g.map(Math.abs)) >= 0.5);
  }
});

test('normaliseExponent scales exactly as ldexp entry by entry, on either side of its one-factor range', () => {
  const rng = new Rng(5);
  // Largest entries of 2^(e−1)…2^e for e from −1074 to 1024: the factor 2^(−e) normal or not, results subnormal or not.
  for (const e of [-1073, -1050, -1022, -1021, -1020, -1000, -999, -100, -1, 1, 2, 100, 999, 1000, 1001, 1021, 1022, 1023, 1024]) {
    const top = ldexp(1.5, e - 1);
    const x = Float64Array.from({ length: 40 }, (_, i) => (i === 0 ? top : top * rng.uniform() * 2 ** -Math.floor(60 * rng.uniform())));
    const expected = Array.from(x, (v) => ldexp(v, -binaryExponent(top)));
    const got = x.slice();
    assert.equal(normaliseExponent(got), binaryExponent(top), `exponent at 2^${e}`);
    assert.deepEqual([...got], expected, `entries at 2^${e}`);
  }
  const zeros = new Float64Array(3);
  assert.equal(normaliseExponent(zeros), 0);
});
