/**
 * The label's explanation (src/core/mechanisms/explain.ts) against the labelling rule itself
 * (classifyCode), over random scores and thresholds, at the thresholds' edges, and on the two runs
 * of issue 10 that did not explain themselves.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseExperiment } from '../../../src/core/experiment/parse';
import { Rng } from '../../../src/core/math/rng';
import { classify, classifyCode, ClassifyThresholds, DEFAULT_THRESHOLDS, MechanismScores, thresholdsOf } from '../../../src/core/mechanisms/classify';
import { CRITERIA, digitsAgainst, explainLabel, formatAgainst, formatExact, formatScore, formatSignificant } from '../../../src/core/mechanisms/explain';
import { solve } from '../../../src/core/runs/solve';

function randomScores(rng: Rng): MechanismScores {
  // Scores near the default thresholds half the time, so both sides of every comparison occur.
  const around = (t: number): number => (rng.uniform() < 0.5 ? t * Math.exp(rng.uniform() - 0.5) : Math.exp(8 * (rng.uniform() - 0.6)));
  const maybeNull = <T>(v: T): T | null => (rng.uniform() < 0.1 ? null : v);
  const zetaChange = maybeNull((rng.uniform() < 0.5 ? -1 : 1) * Math.min(1, around(0.1)));
  const balanceChange = maybeNull(around(1));
  return {
    kernelChange: around(0.1),
    tangentChange: maybeNull(around(0.1)),
    zetaChange,
    alignment: zetaChange === null ? null : Math.max(0, zetaChange),
    disalignment: zetaChange === null ? null : Math.max(0, -zetaChange),
    normChangeU: null,
    normChangeW: null,
    balanceChange,
    distance: around(0.1),
  };
}

test('the explanation gives the label classifyCode gives, criterion by criterion, over random scores and thresholds', () => {
  const rng = new Rng(10);
  for (let k = 0; k < 5000; k++) {
    const s = randomScores(rng);
    const th: ClassifyThresholds = k % 2 === 0 ? DEFAULT_THRESHOLDS : { kernelChange: Math.exp(rng.uniform() * 4 - 4), tangentChange: Math.exp(rng.uniform() * 4 - 4), zetaChange: rng.uniform() * 0.5 + 0.01, balanceChange: rng.uniform() * 3 };
    const e = explainLabel(s, th);
    const what = JSON.stringify({ s, th });
    assert.equal(e.code, classifyCode(s, th), what);
    assert.equal(e.label, classify(s, th), what);
    assert.equal(e.regime === 'kernel', e.code === 0, what);
    assert.deepEqual(e.criteria.map((c) => c.name), [...CRITERIA]);
    for (const c of e.criteria) {
      assert.equal(c.threshold, th[c.name], what);
      if (c.compared === null) assert.equal(c.reached, null, what);
      else assert.equal(c.reached, c.compared >= c.threshold, `${c.name} ${what}`);
    }
    // Independently of the code: the kernel regime is exactly both kernel criteria below (or not computed).
    const [kc, tc, zc, bc] = e.criteria;
    assert.equal(e.regime === 'kernel', kc.reached === false && tc.reached !== true, what);
    if (e.regime === 'feature learning') {
      assert.ok(kc.decisive || tc.decisive, `a kernel criterion decided: ${what}`);
      assert.ok(zc.decisive, what);
      assert.equal(e.label.includes('alignment') && !e.label.includes('disalignment'), zc.reached === true && (s.zetaChange ?? 0) > 0, what);
      // Rescaling alongside a ζ mechanism comes from the balance, and only then is the balance decisive.
      if (zc.reached) assert.equal(e.label.includes('rescaling'), bc.reached !== false, what);
      else assert.ok(e.label === 'rescaling', what);
      assert.equal(bc.decisive, zc.reached === true && bc.reached !== false, what);
    } else {
      assert.ok(kc.decisive, what);
      assert.ok(!zc.decisive && !bc.decisive, what);
    }
    assert.ok(e.reasons.length >= 1 && e.reasons.every((r) => r.length > 20), what);
  }
});

test('a score exactly at its threshold reaches it, as the rule says (≥)', () => {
  const base: MechanismScores = { kernelChange: 0.05, tangentChange: 0.05, zetaChange: 0.3, alignment: 0.3, disalignment: 0, normChangeU: 0, normChangeW: 0, balanceChange: 0.2, distance: 0.1 };
  assert.equal(explainLabel(base, DEFAULT_THRESHOLDS).label, 'kernel');
  const atKernel = explainLabel({ ...base, kernelChange: 0.1 }, DEFAULT_THRESHOLDS);
  assert.equal(atKernel.label, 'alignment');
  assert.equal(atKernel.criteria[0].reached, true);
  const atZeta = explainLabel({ ...base, tangentChange: 0.5, zetaChange: -0.1, alignment: 0, disalignment: 0.1 }, DEFAULT_THRESHOLDS);
  assert.equal(atZeta.label, 'disalignment');
  assert.match(atZeta.reasons[1], /fell by 0\.1 ≥ 0\.1/);
  const atBalance = explainLabel({ ...base, tangentChange: 0.5, balanceChange: 1 }, DEFAULT_THRESHOLDS);
  assert.equal(atBalance.label, 'mixed: alignment+rescaling');
  assert.ok(atBalance.criteria[3].decisive);
});

test('a run without tangent features (the flow with weight decay) and undefined ζ or balance are explained, not hidden', () => {
  const gd: MechanismScores = { kernelChange: 0.02, tangentChange: null, zetaChange: 0.9, alignment: 0.9, disalignment: 0, normChangeU: 0, normChangeW: 0, balanceChange: 0, distance: 0.1 };
  const e = explainLabel(gd, DEFAULT_THRESHOLDS, { zetaInitial: 0.05, zetaFinal: 0.95 });
  assert.equal(e.label, 'kernel');
  assert.equal(e.criteria[1].reached, null);
  assert.equal(e.criteria[1].outcome, 'not computed for this run');
  assert.match(e.reasons[0], /not computed for this run, so the kernel criterion alone decides/);
  assert.doesNotMatch(e.reasons[0], /gradient descent/, 'gradient descent has its tangent features (everyStepScores.test.ts)');
  // ζ moved while only the kernel was measured: the random-features case (features that stayed fixed) is not claimed.
  assert.equal(e.notes.length, 1);
  assert.match(e.notes[0], /^ζ went from 0\.05 to 0\.95 .*not computed for this run, so the label rests on the kernel alone/);
  assert.doesNotMatch(e.notes[0], /random-features|neither the kernel nor the tangent features moved/);
  const zeroLayer = explainLabel({ ...gd, kernelChange: 3, zetaChange: null, alignment: null, disalignment: null, balanceChange: null }, DEFAULT_THRESHOLDS);
  assert.equal(zeroLayer.label, 'rescaling');
  assert.match(zeroLayer.reasons[1], /undefined/);
  const rebalanced = explainLabel({ ...gd, kernelChange: 3, balanceChange: null }, DEFAULT_THRESHOLDS);
  assert.equal(rebalanced.label, 'mixed: alignment+rescaling');
  assert.match(rebalanced.reasons[2], /exactly zero/);
});

function run(raw: unknown): ReturnType<typeof solve> {
  const { experiment } = parseExperiment(typeof raw === 'string' ? raw : JSON.stringify(raw));
  assert.ok(experiment);
  return solve(experiment);
}

test('issue 10: phase-output-scale-rate at γ = 1 — the kernel barely moved, the tangent features did: alignment', () => {
  const text = readFileSync(join(process.cwd(), 'examples', 'phase-output-scale-rate.flab.json'), 'utf8');
  const { experiment } = parseExperiment(text);
  assert.ok(experiment && experiment.model.outputScale === 1);
  const tr = solve(experiment);
  const e = explainLabel(tr.summary.scores!, thresholdsOf(experiment));
  assert.equal(e.label, 'alignment');
  assert.equal(e.label, tr.summary.label);
  const [kc, tc, zc] = e.criteria;
  assert.equal(formatScore(kc.value!), '0.0894');
  assert.equal(kc.reached, false);
  assert.equal(kc.decisive, false, 'the kernel criterion alone would have said kernel');
  assert.equal(formatScore(tc.value!), '0.207');
  assert.equal(tc.reached, true);
  assert.ok(tc.decisive);
  assert.equal(zc.reached, true);
  assert.equal(e.reasons[0], 'The tangent kernel changed by only 0.0894 < 0.1, but the tangent features moved by 0.207 ≥ 0.1: feature learning — the kernel regime needs both below their thresholds.');
  assert.match(e.reasons[1], /^\|ζ\| rose by 0\.386 ≥ 0\.1: the layers lined up — alignment\.$/);
});

test('issue 10: σ_u = 1, σ_W = 10⁻³, γ = 0.01, d = 4096 — ζ goes 0.0004 → 0.999 in the kernel regime, and the note says why', () => {
  const tr = run({ model: { width: 4096, outputScale: 0.01 }, data: { x: [1], y: 1 }, init: { scaleU: 1, scaleW: 0.001, seed: 1 }, learningRates: { u: 1, W: 1 } });
  const s = tr.summary;
  assert.equal(s.label, 'kernel');
  const e = explainLabel(s.scores!, DEFAULT_THRESHOLDS, { zetaInitial: s.zetaInitial, zetaFinal: s.zetaFinal });
  assert.equal(e.label, 'kernel');
  assert.ok(e.criteria[0].reached === false && e.criteria[1].reached === false);
  assert.equal(e.criteria[2].reached, true, 'the |ζ| change reaches its threshold');
  assert.equal(e.criteria[2].decisive, false, 'but does not decide');
  assert.equal(e.notes.length, 1);
  assert.match(e.notes[0], /^ζ went from 3\.98e-4 to 0\.999 \(\|ζ\| change 0\.999, beyond the 0\.1 that would mean alignment\), and one layer was rescaled against the other by a factor e\^3\.19 ≈ 24\.3/);
  assert.match(e.notes[0], /random-features case of docs\/mechanisms\.md/);
  assert.match(e.reasons[0], /^The tangent kernel changed by at most 0\.0012 < 0\.1 and the tangent features moved by 0\.0245 < 0\.1: the kernel regime/);
});

test('formatScore: three significant digits, exponents only far from 1', () => {
  assert.equal(formatScore(0.089426), '0.0894');
  assert.equal(formatScore(12.2687), '12.3');
  assert.equal(formatScore(-0.38599), '-0.386');
  assert.equal(formatScore(1.2e-7), '1.2e-7');
  assert.equal(formatScore(0), '0');
  assert.equal(formatScore(123456), '1.23e5');
});

test('formatSignificant: one form for every readout — no trailing zeros, decimals from 10⁻³, exponents outside', () => {
  assert.equal(formatSignificant(0.001, 6), '0.001');
  assert.equal(formatSignificant(1e-4, 6), '1e-4');
  assert.equal(formatSignificant(1.0e-3 * (1 + 1e-12), 6), '0.001');
  assert.equal(formatSignificant(4.742994e-7, 6), '4.74299e-7');
  assert.equal(formatSignificant(-0.00012345, 3), '-1.23e-4');
  assert.equal(formatSignificant(999999.7, 6), '1e6', 'rounding up into the next decade takes the exponent form');
  assert.equal(formatSignificant(999.96, 3), '1e3');
  assert.equal(formatSignificant(123456, 6), '123456');
  assert.equal(formatSignificant(Infinity, 3), 'Infinity');
  // Over random values: what it prints reads back within half a unit of its last digit, and never ends in a zero decimal.
  const rng = new Rng(11);
  for (let i = 0; i < 2000; i++) {
    const x = (rng.uniform() < 0.5 ? -1 : 1) * Math.exp(40 * (rng.uniform() - 0.5));
    const d = 1 + Math.floor(rng.uniform() * 8);
    const p = formatSignificant(x, d);
    assert.ok(Math.abs(Number(p) - x) <= 0.5 * 10 ** (Math.floor(Math.log10(Math.abs(x))) - d + 1) * (1 + 1e-9) + 1e-300, `${x} at ${d}: ${p}`);
    assert.doesNotMatch(p, /\.\d*0(e|$)|e\+|\.$/, `${x} at ${d}: ${p}`);
    const a = Math.abs(Number(p));
    assert.equal(p.includes('e'), !(a >= 1e-3 && a < 10 ** d), `${x} at ${d}: ${p}`);
  }
});

test('formatAgainst: a value never prints on the other side of a limit stated beside it', () => {
  assert.equal(formatAgainst(0.09996, [0.1]), '0.09996', 'below 0.1 does not read 0.1');
  assert.equal(formatAgainst(0.9996, [1, 0.5]), '0.9996', '×0.9996, not ×1');
  assert.equal(formatAgainst(0.998, [1]), '0.998');
  assert.equal(formatAgainst(2.0008, [2]), '2', 'at or above 2 may read 2: "stable only while K < 2" holds');
  assert.equal(formatAgainst(0.0894, [0.1]), '0.0894', 'three digits when they are enough');
  assert.equal(formatAgainst(1 - 1e-15, [1]), '0.999999999999999');
  assert.equal(formatExact(0.12345), '0.12345');
  assert.equal(formatExact(0.1), '0.1');
  assert.equal(formatExact(1e-5), '1e-5');
  // Over random values near random limits: the printed value is below a limit exactly when the value is.
  const rng = new Rng(5);
  for (let i = 0; i < 5000; i++) {
    const limit = Math.exp(10 * (rng.uniform() - 0.5));
    const x = limit * (1 + (rng.uniform() - 0.5) * 10 ** (-1 - 12 * rng.uniform()));
    const p = Number(formatAgainst(x, [limit]));
    assert.equal(p < limit, x < limit, `${x} against ${limit}: ${p}`);
    assert.ok(digitsAgainst(x, [limit]) >= 3);
  }
});

test('the reasons and the criteria never contradict a threshold: 0.099996 < 0.1 reads so', () => {
  const s = { kernelChange: 0.099996, tangentChange: 0.0999996, zetaChange: 0.0999, alignment: 0.0999, disalignment: 0, normChangeU: null, normChangeW: null, balanceChange: 0.99996, distance: 0.1 } as MechanismScores;
  const e = explainLabel(s, { ...DEFAULT_THRESHOLDS, tangentChange: 0.1 });
  assert.equal(e.label, 'kernel');
  assert.match(e.reasons[0], /changed by at most 0\.099996 < 0\.1 and the tangent features moved by 0\.0999996 < 0\.1/);
  const t = explainLabel({ ...s, kernelChange: 0.2, zetaChange: -0.099996 }, { ...DEFAULT_THRESHOLDS, zetaChange: 0.1, balanceChange: 0.12345 });
  assert.match(t.reasons.join(' '), /\|ζ\| changed by only -0\.099996 \(\|·\| < 0\.1\)/);
  assert.match(t.reasons.join(' '), /balance|rescaling/);
});
