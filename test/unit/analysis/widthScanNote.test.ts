/**
 * `flab scaling` says where its scan contradicts its own d → ∞ statements (breaker round of
 * 2026-12-03, finding 6): the alignment example (σ = 10⁻³) printed phase kernel and analytic exponents
 * −0.5, −1, … beside fits of 0.009, −0.18, … with every width learning features, and said nothing;
 * and `--widths 1,1,2` counted width 1 twice in the fit.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { widthScan } from '../../../src/core/analysis/widthScan';
import { parseExperiment } from '../../../src/core/experiment/parse';
import { parseWidths } from '../../../src/cli/commands/scaling';

function example(name: string) {
  const { experiment } = parseExperiment(readFileSync(join(process.cwd(), 'examples', name), 'utf8'));
  assert.ok(experiment);
  return experiment;
}

test('a scan that has not reached d → ∞ says so: exponents off the analytic ones, and the predicted kernel phase not reached at the largest width', () => {
  const r = widthScan(example('alignment.flab.json'), [64, 256, 1024, 4096], 2);
  assert.equal(r.phase, 'kernel');
  for (const name of ['zetaChange', 'normChangeU', 'normChangeW', 'horizon'] as const) {
    assert.ok(r.offAnalytic.includes(name), `${name}: fitted ${r.fitted[name]}, analytic ${r.analytic[name]}`);
    assert.ok(Math.abs(r.fitted[name]! - r.analytic[name]!) > 0.15, 'beyond the tests\' tolerance (scores.test.ts)');
  }
  assert.ok(r.note !== null);
  assert.match(r.note, /^fitted exponents off the analytic ones by more than 0\.15: .*zetaChange 0\.0\d+ \(analytic -0\.5\)/);
  assert.match(r.note, /the predicted phase kernel is not reached at the largest width, d = 4096: median kernel change \d+/);
  assert.match(r.note, /statements about d → ∞: the widths 64 … 4096 have not reached it/);
});

test('a scan that agrees with its d → ∞ statements has no note (the mean-field preset)', () => {
  const r = widthScan(example('width-scaling-mean-field.flab.json'), [64, 128, 256, 512, 1024, 2048, 4096], 3);
  assert.deepEqual(r.offAnalytic, []);
  assert.equal(r.note, null);
});

test('--widths: a width listed twice is refused (it would count twice in the fit)', () => {
  assert.throws(() => parseWidths('1,1,2'), /--widths 1,1,2: width 1 is listed twice \(entries 1 and 2\)/);
  assert.throws(() => parseWidths('64, 128,64'), /width 64 is listed twice \(entries 1 and 3\)/);
  assert.deepEqual(parseWidths('1,2,4'), [1, 2, 4]);
  // A range whose widths round alike is refused too, saying how many distinct widths it holds.
  assert.throws(() => parseWidths('2:64:100'), /round to 51 distinct whole numbers/);
  assert.equal(parseWidths('2:64:6').length, new Set(parseWidths('2:64:6')).size, 'a range of distinct widths is taken');
});
