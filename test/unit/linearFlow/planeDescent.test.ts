/**
 * The O(1)-per-step recursion of docs/finite-rates.md against the plain O(d·D) loop over (u, W),
 * step for step: smooth runs, catapults, weight decay, divergence. Agreement is measured on each
 * series against its own scale (max |value| over the run), the natural unit of its rounding error.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../../src/core/math/rng';
import { gradientDescent } from '../../../src/core/descent/gradientDescent';
import { Trajectory } from '../../../src/core/trajectory/trajectory';
import { trajectoryProblems } from '../../reference/compare';
import { experimentOf, FiniteOptions, randomFinite, scaledError } from './finiteConfigs';

const COLUMNS = ['t', 'output', 'loss', 'zeta', 'normU', 'normW', 'ntk', 'distance', 'objective'] as const;
const TOLERANCE = 1e-12;
/** Before a blow-up the kernel is far above 2 and each step multiplies rounding errors by |1 − K|. */
const DIVERGING_TOLERANCE = 1e-10;

function compareRuns(rec: Trajectory, ref: Trajectory): { worst: number; column: string } {
  let worst = 0;
  let column = '';
  for (const c of COLUMNS) {
    const e = scaledError(rec[c], ref[c]);
    if (!(e <= worst)) {
      worst = e;
      column = c;
    }
  }
  return { worst, column };
}

/** A run whose kernel stays below 2 contracts; one above 2 must settle there to be comparable. A run settles when it ends with the tangent kernel below 2 and the loss at its floor. */
function settled(t: Trajectory): boolean {
  const s = t.summary;
  return !s.diverged && s.ntkFinal !== null && s.ntkFinal < 2 && s.lossFinal - s.irreducibleLoss <= 1e-10 * s.lossInitial;
}

/** The reported points before the loss has grown a hundredfold (a diverging run amplifies rounding without bound). */
function beforeBlowUp(t: Trajectory): Trajectory {
  let m = t.t.length;
  for (let k = 0; k < t.t.length; k++) {
    if (t.loss[k] > 100 * Math.max(t.loss[0], 1e-300)) {
      m = k;
      break;
    }
  }
  const cut = { ...t } as Trajectory;
  for (const c of COLUMNS) {
    const col = t[c];
    if (col) (cut as unknown as Record<string, unknown>)[c] = col.slice(0, m);
  }
  return cut;
}

function agreement(t: { diagnostic: (m: string) => void }, seed: number, count: number, o: FiniteOptions) {
  const rng = new Rng(seed);
  const failures: string[] = [];
  let worst = 0;
  let catapults = 0;
  let diverged = 0;
  let chaotic = 0;
  for (let i = 0; i < count; i++) {
    const { raw, ntk0 } = randomFinite(rng, o);
    const e = experimentOf(raw);
    let rec = gradientDescent(e);
    let ref = gradientDescent(e, { reference: true });
    const why: string[] = [...trajectoryProblems(rec)];
    if (JSON.stringify(rec.summary.diverged) !== JSON.stringify(ref.summary.diverged)) why.push(`diverged ${JSON.stringify(rec.summary.diverged)} vs ${JSON.stringify(ref.summary.diverged)}`);
    if (rec.t.length !== ref.t.length) why.push(`${rec.t.length} points vs ${ref.t.length}`);
    if (rec.summary.diverged) {
      diverged++;
      rec = beforeBlowUp(rec);
      ref = beforeBlowUp(ref);
    } else if (!settled(ref) && !(Math.max(...ref.ntk!) < 2)) {
      // Period doubling or chaos: rounding is amplified without bound; nothing to compare.
      chaotic++;
      continue;
    }
    const { worst: w, column } = compareRuns(rec, ref);
    if (w > worst) t.diagnostic(`#${i}: ${column} ${w.toExponential(2)}`);
    worst = Math.max(worst, w);
    if (rec.summary.catapult) catapults++;
    if (!(w <= (rec.summary.diverged ? DIVERGING_TOLERANCE : TOLERANCE))) why.push(`${column} differs by ${w.toExponential(2)} of its scale`);
    const a = rec.summary.catapult;
    const b = ref.summary.catapult;
    if ((a === null) !== (b === null) || (a && b && (a.fromStep !== b.fromStep || a.toStep !== b.toStep || Math.abs(a.peakLoss - b.peakLoss) > TOLERANCE * b.peakLoss))) {
      why.push(`catapult ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
    }
    if (why.length > 0) failures.push(`#${i} (K₀ = ${ntk0.toFixed(3)}): ${why.join('; ')}\n  ${JSON.stringify(raw)}`);
  }
  return { failures, worst, catapults, diverged, chaotic };
}

test('recursion and plain loop agree step for step in smooth runs (K₀ < 2), with and without weight decay', (t) => {
  const r = agreement(t, 501, 120, { maxWidth: 300, kernel: [0.02, 1.9], steps: 600, points: 61, decay: 0.4 });
  t.diagnostic(`worst ${r.worst.toExponential(2)} of a series' scale; ${r.diverged} diverged, ${r.chaotic} chaotic`);
  assert.ok(r.diverged + r.chaotic <= 30, 'most runs settle');
  assert.equal(r.failures.length, 0, r.failures.slice(0, 8).join('\n'));
});

test('recursion and plain loop agree through catapults (2 < K₀ < 4)', (t) => {
  const r = agreement(t, 502, 120, { maxWidth: 200, kernel: [2.05, 3.6], steps: 400, points: 81, decay: 0.2 });
  t.diagnostic(`worst ${r.worst.toExponential(2)}; ${r.catapults} catapults, ${r.diverged} diverged, ${r.chaotic} chaotic`);
  assert.ok(r.catapults >= 40, `at least 40 of 120 runs catapult (got ${r.catapults})`);
  assert.equal(r.failures.length, 0, r.failures.slice(0, 8).join('\n'));
});

test('divergence is reported alike by both paths, arrays ending at the last finite step', (t) => {
  const r = agreement(t, 503, 40, { maxWidth: 100, kernel: [5, 50], steps: 2000, points: 2001, decay: 0.2 });
  t.diagnostic(`worst ${r.worst.toExponential(2)}; ${r.diverged} diverged`);
  assert.ok(r.diverged >= 35, `most runs diverge (got ${r.diverged} of 40)`);
  assert.equal(r.failures.length, 0, r.failures.slice(0, 8).join('\n'));
});
