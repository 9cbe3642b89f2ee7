/**
 * One tick format for every figure (src/core/figures/ticks.ts): round, evenly spaced ticks inside
 * the range; labels that read back as the ticks' values and never print two ticks alike, whatever
 * the range (the kernel example's 1 … 1.00012 included); decades as 10ⁿ only; integer steps.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../../src/core/math/rng';
import { decadeLabel, flatRange, formatTickValue, isFlat, isFlatOnLog, labelRoomPx, linearAxisTicks, linearTickLabels, linearTicks, logAxisTicks, logTickLabels, logTicks, prefersLogAxis, valueTicks } from '../../../src/core/figures/ticks';

const SUP: Record<string, string> = { '⁻': '-', '⁰': '0', '¹': '1', '²': '2', '³': '3', '⁴': '4', '⁵': '5', '⁶': '6', '⁷': '7', '⁸': '8', '⁹': '9' };

/** A label read back as a number (an independent parser of the format). */
function read(label: string): number {
  const s = label.replace(/−/g, '-');
  const m = /^(-?[\d.]+)?(?:×?10([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+))?$/.exec(s);
  assert.ok(m, `unreadable label ${label}`);
  const exp = m[2] ? Number([...m[2]].map((c) => SUP[c]).join('')) : 0;
  const mantissa = m[1] === undefined ? 1 : Number(m[1]);
  return mantissa * 10 ** exp;
}

test('linear ticks: round steps inside the range, labels exact and distinct, over random ranges', () => {
  const rng = new Rng(3);
  for (let k = 0; k < 3000; k++) {
    const centre = (rng.uniform() - 0.5) * 10 ** (14 * rng.uniform() - 7);
    const span = Math.abs(centre || 1) * 10 ** (-8 * rng.uniform()) + 10 ** (12 * rng.uniform() - 8);
    const min = centre - span * rng.uniform();
    const max = min + span;
    const count = 2 + Math.floor(rng.uniform() * 8);
    const ticks = linearTicks(min, max, count);
    const what = `[${min}, ${max}] / ${count}: ${ticks.join(', ')}`;
    assert.ok(ticks.length >= 1 && ticks.length <= 2 * count + 2, what);
    for (const t of ticks) assert.ok(t >= min - 1e-9 * span && t <= max + 1e-9 * span, what);
    if (ticks.length > 1) {
      const step = ticks[1] - ticks[0];
      const mantissa = step / 10 ** Math.floor(Math.log10(step));
      assert.ok([1, 2, 2.5, 5, 10].some((m) => Math.abs(mantissa - m) < 1e-6), `step ${step}: ${what}`);
      for (let i = 1; i < ticks.length; i++) assert.ok(Math.abs(ticks[i] - ticks[i - 1] - step) <= 1e-6 * step, what);
      assert.ok(ticks.length >= Math.min(2, count), what);
    }
    const labels = linearTickLabels(ticks);
    assert.equal(new Set(labels).size, labels.length, `labels repeat: ${labels.join(', ')} for ${what}`);
    const step = ticks.length > 1 ? ticks[1] - ticks[0] : Math.abs(ticks[0]) || 1;
    labels.forEach((l, i) => assert.ok(Math.abs(read(l) - ticks[i]) <= 1e-6 * step, `${l} reads ${read(l)}, tick ${ticks[i]}: ${what}`));
    // One number of decimals and one power of ten per axis.
    const decimals = new Set(labels.map((l) => (/\.(\d+)/.exec(l)?.[1].length ?? 0)));
    const powers = new Set(labels.filter((l) => l !== '0').map((l) => /×10(.*)$/.exec(l)?.[1] ?? ''));
    assert.ok(decimals.size <= 1 || labels.includes('0'), `decimals ${[...decimals]}: ${labels.join(', ')}`);
    assert.ok(powers.size <= 1, `powers: ${labels.join(', ')}`);
  }
});

test('the ranges of issue 10 read: K/K₀ over 1 … 1.00012, norms over 1.0015 … 1.0025, ζ over −1 … 1', () => {
  assert.deepEqual(linearAxisTicks(1, 1.00012, 4).labels, ['1.00000', '1.00005', '1.00010']);
  assert.deepEqual(linearAxisTicks(1, 1.00012, 6).labels, ['1.00000', '1.00002', '1.00004', '1.00006', '1.00008', '1.00010', '1.00012']);
  assert.deepEqual(linearAxisTicks(1.0015, 1.0025, 5).labels, ['1.0016', '1.0018', '1.0020', '1.0022', '1.0024']);
  assert.deepEqual(linearAxisTicks(-1, 1, 4).labels, ['−1.0', '−0.5', '0.0', '0.5', '1.0']);
  assert.deepEqual(linearAxisTicks(0, 2e-5, 4).labels, ['0', '0.5×10⁻⁵', '1.0×10⁻⁵', '1.5×10⁻⁵', '2.0×10⁻⁵']);
  assert.deepEqual(linearAxisTicks(0, 3e6, 3).labels, ['0', '1×10⁶', '2×10⁶', '3×10⁶']);
});

test('log ticks: decades written 10ⁿ only, 1-2-5 within one decade, the right end labelled', () => {
  assert.deepEqual(logTickLabels(logTicks(1e-7, 1, 8)), ['10⁻⁷', '10⁻⁶', '10⁻⁵', '10⁻⁴', '10⁻³', '10⁻²', '10⁻¹', '10⁰']);
  // No "0.01" beside "10⁻⁴": every decade has the same form.
  for (const l of logTickLabels(logTicks(1e-300, 1e300, 6))) assert.match(l, /^10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+$/);
  assert.ok(logTicks(1e-300, 1e300, 6).length <= 7);
  assert.deepEqual(logTickLabels(logTicks(0.15, 0.9, 5)), ['0.2', '0.5']);
  const time = logAxisTicks(0.0100665, 503.3, 6);
  assert.deepEqual(time.labels, ['10⁻¹', '10⁰', '10¹', '10²', '503'], 'the data\'s end is labelled');
  assert.equal(time.values[time.values.length - 1], 503.3);
  const near = logAxisTicks(1e-3, 1.001e2, 6);
  assert.equal(near.labels[near.labels.length - 1], '10²', 'no second label beside a decade at the end');
  assert.equal(near.values.length, near.labels.length);
  // A sweep's time axis (issue 10): 1.5×10⁻¹⁰ … 6828, the end 0.83 decades past 10³ on a 360 px axis —
  // too near for both labels: the end is labelled, 10³ keeps its grid line without one.
  const sweep = logAxisTicks(1.4936e-10, 6827.88, 6, 48 / 360);
  assert.equal(sweep.labels[sweep.labels.length - 1], '6830');
  assert.equal(sweep.values[sweep.values.length - 1], 6827.88);
  assert.equal(sweep.values[sweep.values.length - 2], 1000);
  assert.equal(sweep.labels[sweep.labels.length - 2], '', 'the decade beside the end is not labelled over it');
  // On a wide axis both fit.
  assert.deepEqual(logAxisTicks(1.4936e-10, 6827.88, 6, 48 / 2000).labels.slice(-2), ['10³', '6830']);
  // A whole end (a width swept to 2048, a run of 1500 steps) is printed as it is: "2050" was no value of the sweep.
  assert.equal(logAxisTicks(32, 2048, 6).labels.at(-1), '2048');
  assert.equal(logAxisTicks(1, 1500, 6).labels.at(-1), '1500');
  assert.equal(logAxisTicks(1, 99999, 6).labels.at(-1), '99999');
  assert.equal(logAxisTicks(1, 123456, 6, 0.01).labels.at(-1), '1.23×10⁵', 'from 10⁵ on, the tick format');
  assert.equal(logAxisTicks(1, 1000, 6).labels.at(-1), '10³', 'a decade end is the decade\'s label');
  // Every end is labelled, whatever the range, and always last.
  for (const [lo, hi] of [[1e-3, 0.5], [2, 3.7], [1e-300, 7e-299], [0.01, 99.99], [0.1, 1000.0001]]) {
    const t = logAxisTicks(lo, hi, 6, 0.1);
    const last = t.values[t.values.length - 1];
    assert.ok(last === hi || Number(formatTickValue(hi)) === last || formatTickValue(hi) === t.labels[t.labels.length - 1], `${lo} … ${hi}: the last label is the end's: ${t.labels.join(' ')}`);
    assert.notEqual(t.labels[t.labels.length - 1], '', `${lo} … ${hi}: ${t.labels.join(' ')}`);
  }
  assert.equal(decadeLabel(0), '10⁰');
  assert.equal(formatTickValue(2e-7), '2×10⁻⁷');
  assert.equal(formatTickValue(-0.05), '−0.05');
});

test('integer axes (steps) have integer ticks only', () => {
  assert.deepEqual(linearTicks(0, 7, 10, true), [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.deepEqual(linearTicks(0, 9, 4, true), [0, 5]);
  assert.deepEqual(linearTicks(0, 3, 10, true), [0, 1, 2, 3]);
  for (const t of linearTicks(1, 12345, 6, true)) assert.ok(Number.isInteger(t));
  assert.deepEqual(linearAxisTicks(0, 1000, 4, true).labels, ['0', '250', '500', '750', '1000']);
});

test('degenerate ranges give one tick or none, never a hang', () => {
  assert.deepEqual(linearTicks(1, 1, 5), [1]);
  assert.deepEqual(linearTicks(1, 1 + 1e-15, 5), [1]);
  assert.deepEqual(linearTicks(NaN, 1, 5), []);
  assert.deepEqual(logTicks(0, 1, 5), []);
  assert.deepEqual(linearTickLabels([0]), ['0']);
  assert.deepEqual(linearTickLabels([3]), ['3']);
});

test('a sweep\'s values go on a log axis when they span decades or are spaced evenly on one', () => {
  assert.equal(prefersLogAxis([0.1, 0.3, 1, 3]), true, 'σ of the MNIST sweep: 30× exactly, evenly spaced in log');
  assert.equal(prefersLogAxis([3, 0.1, 1, 0.3]), true, 'in any order');
  assert.equal(prefersLogAxis([0.01, 100]), true, 'beyond 30×');
  assert.equal(prefersLogAxis([1, 10]), true, 'two values a decade apart');
  assert.equal(prefersLogAxis([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), false, 'evenly spaced in linear, 10×');
  assert.equal(prefersLogAxis([0.5, 1, 1.5, 2]), false, 'within 10×');
  assert.equal(prefersLogAxis([0, 1, 10, 100]), false, 'a value of 0 has no log');
  assert.equal(prefersLogAxis([-1, 1, 100]), false);
  assert.equal(prefersLogAxis([5]), false, 'one value');
  assert.equal(prefersLogAxis([1, 1, 10, 10]), true, 'repeated values');
});

test('a sweep\'s axis is ticked at its values, each labelled as written, thinned when they would crowd it', () => {
  // A width sweep's log axis read 10², 10³ and 2048: the value 32 had no label.
  assert.deepEqual(valueTicks([32, 128, 512, 2048], 32, 2048, 6), { values: [32, 128, 512, 2048], labels: ['32', '128', '512', '2048'] });
  assert.deepEqual(valueTicks([3, 0.1, 1, 0.3], 0.1, 3, 6).labels, ['0.1', '0.3', '1', '3'], 'in order');
  // Whole numbers below 10⁵ exactly, the rest in the tick format.
  assert.deepEqual(valueTicks([0.000625, 1e6, -2], -2, 1e6, 6).labels, ['−2', formatTickValue(0.000625), formatTickValue(1e6)]);
  // Twenty values in room for five: every fourth, the first and the last kept, none beside the last.
  const many = valueTicks(Array.from({ length: 20 }, (_, i) => i + 1), 1, 20, 5);
  assert.deepEqual(many.values, [1, 5, 9, 13, 20]);
  // Values outside the range shown are left out; none within: no ticks (the axis's own are drawn).
  assert.deepEqual(valueTicks([1, 2, 3], 1.5, 3, 5).values, [2, 3]);
  assert.deepEqual(valueTicks([1, 2], 5, 6, 5).values, []);
});

test('a sweep\'s value ticks closer than a label\'s room keep their marks without a label, the last value\'s label first', () => {
  // η = 0.003, 1e6 and 0.001 on a log axis 300 px long: 0.001 and 0.003 are 12 px apart, and printed "0.00.003".
  const room = 48 / 300;
  assert.deepEqual(valueTicks([0.003, 1e6, 0.001], 0.001, 1e6, 6, room, true), { values: [0.001, 0.003, 1e6], labels: ['0.001', '', formatTickValue(1e6)] });
  // The last value's label wins over a neighbour's: 10⁵ goes for 10⁶ (22 px apart on a 200-px axis; 33 px at 300 is room enough for the two).
  assert.deepEqual(valueTicks([0.001, 1e5, 1e6], 0.001, 1e6, 6, 48 / 200, true).labels, ['0.001', '', formatTickValue(1e6)]);
  // On a linear axis by linear distance: of 1 to 10 at 300 px, 1.1 is 3 px from 1 (too close), 2 is 33 px
  // (the 48 px of any two labels until 2026-12-03; "1" and "2" need 17), 3 is 67 px.
  assert.deepEqual(valueTicks([1, 1.1, 2, 3, 10], 1, 10, 6, room, false).labels, ['1', '', '2', '3', '10']);
  assert.deepEqual(valueTicks([1, 1.1, 1.4, 3, 10], 1, 10, 6, room, false).labels, ['1', '', '', '3', '10'], '1.4 at 13 px from 1');
  // Room enough, or none asked for: every value labelled, as before.
  assert.deepEqual(valueTicks([32, 128, 512, 2048], 32, 2048, 6, room, true).labels, ['32', '128', '512', '2048']);
  assert.deepEqual(valueTicks([0.003, 1e6, 0.001], 0.001, 1e6, 6).labels, ['0.001', '0.003', formatTickValue(1e6)]);
});

test('a sweep\'s values are each labelled on a narrow axis when their labels fit, whatever the round-tick count', () => {
  // A 320-px panel: a plot 136 px wide (2 round ticks at 60 px); the widths 32, 128, 512, 2048 sit 42 px
  // apart on its log axis, from 27 to 2419 with the markers' room, and were thinned to 32 and 2048.
  assert.deepEqual(valueTicks([32, 128, 512, 2048], 27.1, 2418.7, 2, 48 / 136, true), { values: [32, 128, 512, 2048], labels: ['32', '128', '512', '2048'] });
  // σ = 0.1, 0.3, 1, 3 likewise on a 100-px axis (32 px apart and more).
  assert.deepEqual(valueTicks([0.1, 0.3, 1, 3], 0.1, 3, 2, 48 / 100, true).labels, ['0.1', '0.3', '1', '3']);
  // No room for all (80 px: 27 px apart; "32" and "128" need 27.5, "512" and "2048" 34.5): 128 unlabelled,
  // and 512 for the last value's label; every mark kept.
  assert.deepEqual(valueTicks([32, 128, 512, 2048], 32, 2048, 2, 48 / 80, true), { values: [32, 128, 512, 2048], labels: ['32', '', '', '2048'] });
  // Many values: marks every 12 px on average at most, the first and the last kept, labels where they fit.
  const many = valueTicks(Array.from({ length: 40 }, (_, i) => i + 1), 1, 40, 2, 48 / 120, false);
  assert.deepEqual(many.values, [1, 5, 9, 13, 17, 21, 25, 29, 33, 40]);
  assert.equal(labelRoomPx('512', '2048'), 34.5);
  assert.equal(labelRoomPx('0.000625', '0.0125'), 48, 'at most LABEL_ROOM_PX, as before');
});

test('a constant\'s extent is flat (equal, or apart by rounding), and its range holds it away from the ends', () => {
  assert.ok(isFlat(1e-10, 1e-10));
  assert.ok(isFlat(0.5, 0.5 * (1 + 1e-12)));
  assert.ok(!isFlat(0.5, 0.5 * (1 + 1e-6)), 'a spread in the 7th digit is a spread');
  // Of size 1 (ζ, a cosine), 10⁻¹⁰ ± 10⁻¹⁷ is 10⁻¹⁰ and its rounding; alone it is a spread of 10⁻⁷.
  assert.ok(isFlat(1e-10, 1e-10 + 1e-17, 1));
  assert.ok(!isFlat(1e-10, 1e-10 + 1e-17));
  assert.ok(!isFlat(NaN, NaN));
  // On a log axis (whole decades) a spread under 10⁻³ of the value does not show; 10⁻⁷ of it is rounding.
  assert.ok(isFlatOnLog(1e-10, 1e-10 + 1e-17));
  assert.ok(isFlatOnLog(2, 2));
  assert.ok(isFlatOnLog(1, 1.0009) && !isFlatOnLog(1, 1.002), 'a spread of 0.2% is drawn as a spread');
  assert.ok(!isFlatOnLog(0, 0) && !isFlatOnLog(-1, -1) && !isFlatOnLog(1, Infinity) && !isFlatOnLog(NaN, NaN), 'nothing a log axis cannot place');
  assert.deepEqual(flatRange(1e-10, false), [0, 2e-10]);
  assert.deepEqual(flatRange(-3, false), [-6, 0]);
  assert.deepEqual(flatRange(0, false), [-1, 1]);
  assert.deepEqual(flatRange(1e-10, true), [1e-11, 1e-9]);
  const [lo, hi] = flatRange(3e-10, true);
  assert.ok(lo < 3e-10 && hi > 3e-10 && Math.abs(lo - 1e-10) < 1e-24 && Math.abs(hi - 1e-9) < 1e-23, `${lo} … ${hi}`);
  assert.deepEqual(flatRange(0, true), [0.1, 10], 'nothing to place on a log axis');
  // Just off a power of ten, that power is the middle (it lay on the bottom edge of its own decade).
  assert.deepEqual(flatRange(1e-10 + 1e-17, true), [1e-11, 1e-9]);
  assert.deepEqual(flatRange(0.99999, true), [0.1, 10]);
  for (const v of [1e-300, 7e-15, 1e-15, 2.3, 9.9e7, 1e20]) {
    const [lo, hi] = flatRange(v, true);
    const at = Math.log10(v / lo) / Math.log10(hi / lo);
    assert.ok(at >= 0.25 - 1e-9 && at <= 0.75 + 1e-9 && Number.isInteger(Math.round(Math.log10(lo) * 1e6) / 1e6), `${v}: ${lo} … ${hi}, at ${at.toFixed(3)} of the axis`);
  }
});
