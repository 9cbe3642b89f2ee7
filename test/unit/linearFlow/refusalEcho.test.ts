/**
 * Issue 8, kinds 2 and 7 (review round 2): what a refusal echoes and what it suggests.
 * - A value written as a width power `{ widthExponent, base }` is refused at its `base`, and the
 *   remedy is a value of `base` (the user cannot write γ itself there): γ = base·d^exponent.
 * - A number is echoed as written (5e-324, not 4.9e-324 from its logarithm).
 * - gradient descent's step limit names the run's number of steps (time.end), not the first grid
 *   point past the limit (1e15/99 was printed for time.end 1e15).
 * Each stated remedy is tried: the file with that value runs.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { simulate } from '../../../src/core/runs/simulate';
import { solve } from '../../../src/core/runs/solve';
import { trajectoryProblems } from '../../reference/compare';
import { experimentOf, refusal } from './finiteConfigs';

function statedBound(message: string): number {
  const m = /must be (?:≤|≥) about ([0-9.e+-]+)/.exec(message);
  assert.ok(m, message);
  return Number(m[1]);
}

const pair = { data: { x: [1], y: 1 }, init: { u: [1, 0.5], W: [[0.5], [0.25]] }, learningRates: { u: 1, W: 1 } };

for (const base of [1e300, 5e-324]) {
  test(`outputScale { widthExponent 4, base ${base} }: refused at model.outputScale.base, echoed as written, and the stated base runs`, () => {
    const e = refusal(() => solve(experimentOf({ model: { width: 2, outputScale: { widthExponent: 4, base } }, ...pair })));
    assert.equal(e.path, 'model.outputScale.base');
    assert.match(e.message, new RegExp(`^model\\.outputScale\\.base = ${String(base).replace('e+', 'e')}:`));
    assert.match(e.message, /model\.outputScale\.base must be/);
    const fixed = statedBound(e.message);
    // γ = base·2⁴ at width 2: the stated base, not a γ (1.3e153 for 1e300, 1.3e-304 for 5e-324).
    assert.ok(base > 1 ? fixed < 1.3e153 / 16 * 1.1 && fixed > 1.3e153 / 16 / 1.1 : fixed > 1.3e-304 / 16 / 1.1 && fixed < 1.3e-304 / 16 * 1.1, `bound ${fixed}`);
    const t = solve(experimentOf({ model: { width: 2, outputScale: { widthExponent: 4, base: fixed } }, ...pair }));
    assert.deepEqual(trajectoryProblems(t), []);
  });
}

test('outputScale 1e300 under parameterisation ntk is the base of γ = b·d^-0.5: the remedy is a value to write there', () => {
  const raw = (gamma: number) => ({ parameterisation: 'ntk', model: { width: 4, outputScale: gamma }, data: { x: [1], y: 1 }, init: { u: [1, 0.5, 1, 1], W: [[0.5], [0.25], [1], [1]] }, learningRates: { u: 1, W: 1 } });
  const e = refusal(() => solve(experimentOf(raw(1e300))));
  assert.equal(e.path, 'model.outputScale');
  assert.match(e.message, /^model\.outputScale = 1e300 \(the base b/);
  const fixed = statedBound(e.message);
  assert.deepEqual(trajectoryProblems(solve(experimentOf(raw(fixed)))), []);
});

test('values are echoed as written: 5e-324 (a rate, a scale, an input), not 4.9e-324', () => {
  const cases: [object, string][] = [
    [{ model: { width: 2, outputScale: 5e-324 }, ...pair }, 'model.outputScale = 5e-324'],
    [{ model: { width: 2 }, ...pair, data: { x: [5e-324], y: 1 } }, 'data.x (its length |x|) = 5e-324'],
  ];
  for (const [raw, head] of cases) {
    const e = refusal(() => solve(experimentOf(raw)));
    assert.ok(e.message.startsWith(`${head}:`), e.message);
    assert.ok(!e.message.includes('4.9e-324'), e.message);
  }
});

test("gradient descent's step limit names the run's steps: time.end 1e15 and 12345678, time.at up to 2e7", () => {
  for (const [time, text, path] of [
    [{ end: 1e15 }, '1e15', 'time.end'],
    [{ end: 12345678, points: 7 }, '12345678', 'time.end'],
    [{ at: [0, 5, 10, 2e7] }, '20000000', 'time.at'],
  ] as const) {
    const e = refusal(() => simulate(experimentOf({ model: { width: 2 }, ...pair, time })));
    assert.equal(e.path, path);
    assert.ok(e.message.startsWith(`${text} gradient-descent steps exceed the limit of 10000000`), e.message);
  }
});

for (const y of [-1e308, 1e308, -1e200]) {
  test(`a target of ${y}: refused at data.y with a bound on its own side of zero, and the stated value runs`, () => {
    // Review round 3: −1e308 was told "data.y must be ≤ about 2.4e153", which it already is.
    const file = { model: { width: 2 }, data: { x: [1], y }, init: { scaleU: 1, scaleW: 1, seed: 1 }, learningRates: { u: 1, W: 1 } };
    const e = refusal(() => solve(experimentOf(file)));
    assert.equal(e.path, 'data.y');
    assert.match(e.message, y < 0 ? /data\.y must be ≥ about -\d/ : /data\.y must be ≤ about \d/);
    const bound = statedBound(e.message);
    assert.ok(Math.sign(bound) === Math.sign(y) && Math.abs(bound) < Math.abs(y), `${bound}`);
    assert.deepEqual(trajectoryProblems(solve(experimentOf({ ...file, data: { x: [1], y: bound } }))), []);
  });
}

test('a weight decay too strong for 64 bits is echoed as a file writes it (1e300, not 1e+300)', () => {
  const e = refusal(() => solve(experimentOf({ model: { width: 4 }, data: { x: [1], y: 1 }, init: { scaleU: 1, scaleW: 1, seed: 1 }, learningRates: { u: 0.1, W: 0.1 }, weightDecay: 1e300 })));
  assert.equal(e.path, 'weightDecay');
  assert.match(e.message, /^weightDecay = 1e300 over t ≤ [0-9.e-]+: /);
});
