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
import { EXPONENT_TOLERANCE, widthScan } from '../../../src/core/analysis/widthScan';
import { parseExperiment } from '../../../src/core/experiment/parse';
import { parseWidths } from '../../../src/cli/commands/scaling';

function example(name: string, changes: Record<string, unknown> = {}) {
  // The scan writes each width and seed into the file as written (`source`): a change is made there.
  const { experiment } = parseExperiment(JSON.stringify({ ...JSON.parse(readFileSync(join(process.cwd(), 'examples', name), 'utf8')), ...changes }));
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
  assert.match(r.note, /^fitted exponents off the analytic ones by more than 0\.15 and 3 standard errors of the fit \(± its standard error\): .*zetaChange 0\.0\d+ \(analytic -0\.5, ± [\d.e-]+\)/);
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

test('the ntk and standard examples at their documented command (widths 64 … 65536, 5 seeds) have no note: their fits are within 3 standard errors of the analytic exponents', () => {
  // Decision (2026-12-03): over 40 disjoint sets of 5 seeds the fits' means were within 0.012 of the
  // analytic exponents and their spread 0.04–0.11; seeds 1 … 5 fit tangentChange −0.657 (ntk) and
  // −1.166 (standard), 0.157 and 0.166 off — beyond 0.15 alone, which blamed the widths or the seeds.
  const widths = Array.from({ length: 11 }, (_, k) => 64 * 2 ** k);
  for (const [name, analytic] of [['width-scaling-ntk.flab.json', -0.5], ['width-scaling-standard.flab.json', -1]] as const) {
    const r = widthScan(example(name), widths, 5);
    assert.equal(r.analytic.tangentChange, analytic);
    assert.ok(Math.abs(r.fitted.tangentChange! - analytic) > EXPONENT_TOLERANCE, `${name}: the fit ${r.fitted.tangentChange} is off by more than the tolerance alone`);
    assert.ok(r.fittedError.tangentChange! > 0.05 && r.fittedError.tangentChange! < 0.1, `${name}: standard error ${r.fittedError.tangentChange}`);
    assert.deepEqual(r.offAnalytic, [], name);
    assert.equal(r.note, null, name);
  }
});

test('a fixed end (classify.at "end", time.end) that cuts the runs short: the note blames the end, from the runs\' t → ∞ fits, not the widths or the seeds', () => {
  // The standard preset's horizon falls like 1/d: at T = 0.05 every run is cut, and the fits at T are
  // −1.19, −0.23, … against −2, −1, …; over t → ∞ the same runs fit −2.09, −1.17, ….
  const e = example('width-scaling-standard.flab.json', { time: { end: 0.05, points: 3 }, classify: { at: 'end' } });
  const r = widthScan(e, [64, 256, 1024, 4096, 16384], 5);
  assert.equal(r.scoredOver, 'end');
  assert.ok(r.offAnalytic.includes('tangentChange') && r.offAnalytic.includes('kernelChange'), r.offAnalytic.join(', '));
  assert.ok(r.note !== null);
  assert.match(r.note, /Every run is scored at the same fixed end T = 0\.05 \(classify\.at "end", time\.end\), and T is short of the training time \(the default horizon[^)]*\) of 25 of 25 runs, at every width/);
  assert.match(r.note, /the horizon moves with the width \(fitted exponent -1\.0\d*\)/);
  assert.match(r.note, /scored over t → ∞ the same runs fit kernelChange -2\.\d+, tangentChange -1\.\d+.*within the analytic exponents: the discrepancy comes of the fixed end, not of the widths or the seeds/);
  assert.match(r.note, /classify\.at "infinity"\) or give time\.end of at least \d/);
  assert.doesNotMatch(r.note, /have not reached it|too noisy/);
});

test('a fixed end past every run\'s horizon, or one whose cut is the same at every width (ntk: horizon ∝ d⁰), is not blamed', () => {
  const ntk = (changes: Record<string, unknown> = {}) => example('width-scaling-ntk.flab.json', changes);
  const widths = [64, 256, 1024, 4096, 16384];
  // T = 1 cuts every ntk run, by the same T/horizon at every width: a constant factor, the exponents unchanged.
  const cut = widthScan(ntk({ time: { end: 1, points: 3 }, classify: { at: 'end' } }), widths, 5);
  assert.ok(cut.scores.horizon.every((h) => h! > 1), 'every run is cut at T = 1');
  assert.equal(cut.note, null, cut.note ?? '');
  // Past every horizon the scores at T are the t → ∞ ones: the same fits as over t → ∞.
  const past = widthScan(ntk({ time: { end: 1e6, points: 3 }, classify: { at: 'end' } }), widths, 5);
  assert.equal(past.scoredOver, 'end');
  const inf = widthScan(ntk(), widths, 5);
  assert.ok(Math.abs(past.fitted.tangentChange! - inf.fitted.tangentChange!) < 1e-3);
  assert.equal(past.note, inf.note);
});

test('the note states the bound it tested: 0.15 alone where no fit named has a standard error (one seed, two widths)', () => {
  const e = example('width-scaling-standard.flab.json', { time: { end: 0.05, points: 3 }, classify: { at: 'end' } });
  const bare = widthScan(e, [64, 4096], 1);
  assert.ok(Object.values(bare.fittedError).every((v) => v === null));
  assert.match(bare.note ?? '', /^fitted exponents off the analytic ones by more than 0\.15: kernelChange -1\.\d+ \(analytic -2\), /);
  // One seed over three widths or more: the medians' scatter gives each fit an error, and the note says so.
  const scattered = widthScan(e, [64, 512, 4096], 1);
  assert.match(scattered.note ?? '', /^fitted exponents off the analytic ones by more than 0\.15 and 3 standard errors of the fit \(± its standard error\): .*tangentChange -0\.\d+ \(analytic -1, ± [\d.e-]+\)/);
});
