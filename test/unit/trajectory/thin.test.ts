// Thinning for the panel and Export Data (src/core/trajectory/thin.ts): extremes per bucket, so a
// peak between evenly spaced picks is never lost; every point kept is a point of the run.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseExperiment } from '../../../src/core/experiment/parse';
import { Rng } from '../../../src/core/math/rng';
import { simulate } from '../../../src/core/runs/simulate';
import { thin } from '../../../src/core/trajectory/thin';
import type { Trajectory } from '../../../src/core/trajectory/trajectory';

const COLUMNS = ['output', 'loss', 'zeta', 'normU', 'normW', 'ntk', 'distance'] as const;

function finite(xs: (number | null)[]): number[] {
  return xs.filter((x): x is number => x !== null && Number.isFinite(x));
}

/** Checks what thinning promises of `thinned` against the full run. */
function checkThinned(full: Trajectory, thinned: Trajectory, maxPoints: number): void {
  const n = thinned.t.length;
  assert.ok(n <= maxPoints, `${n} > ${maxPoints}`);
  assert.equal(thinned.t[0], full.t[0]);
  assert.equal(thinned.t[n - 1], full.t[full.t.length - 1]);
  const index = new Map(full.t.map((t, i) => [t, i]));
  let last = -1;
  for (let k = 0; k < n; k++) {
    const i = index.get(thinned.t[k]) ?? -1;
    assert.ok(i > last, 'kept points are points of the run, in order');
    for (const c of COLUMNS) if (full[c]) assert.equal(thinned[c]![k], full[c]![i], `${c} at t = ${thinned.t[k]}`);
    last = i;
  }
  for (const c of COLUMNS) {
    if (!full[c]) continue;
    const all = finite(full[c]!);
    const kept = finite(thinned[c]!);
    assert.equal(Math.max(...kept), Math.max(...all), `largest ${c}`);
    assert.equal(Math.min(...kept), Math.min(...all), `smallest ${c}`);
  }
}

describe('thin', () => {
  it('keeps the catapult of a 10⁵-step descent (width 200, σ 0.3, seed 7, rates 0.0735, y 1) at 4,000 points', () => {
    const e = parseExperiment(`{ "model": { "width": 200 }, "data": { "x": [1], "y": 1 }, "init": { "scaleU": 0.3, "scaleW": 0.3, "seed": 7 },
      "learningRates": { "u": 0.0735, "W": 0.0735 }, "time": { "end": 100000, "points": 100001 } }`).experiment!;
    const full = simulate(e);
    const c = full.summary.catapult!;
    assert.deepEqual([c.fromStep, c.toStep], [1, 10]);
    assert.ok(Math.abs(c.peakLoss - 15.5925) < 1e-3, String(c.peakLoss));
    const thinned = thin(full, 4000);
    checkThinned(full, thinned, 4000);
    // Evenly spaced picks (every 25th step) top out at 0.23: the peak must be drawn and exported.
    assert.equal(Math.max(...thinned.loss), c.peakLoss);
    assert.ok(thinned.t.includes(1) && thinned.t.includes(10), 'the catapult window is kept');
    assert.equal(thinned.summary, full.summary);
  });

  it('keeps every column’s extremes of random series, at any size', () => {
    const rng = new Rng(12);
    for (let trial = 0; trial < 30; trial++) {
      const n = 50 + Math.floor(rng.uniform() * 4000);
      const m = 2 + Math.floor(rng.uniform() * 600);
      const col = (): (number | null)[] => Array.from({ length: n }, () => (rng.uniform() < 0.01 ? null : rng.normal() * Math.exp(4 * rng.normal())));
      const full = { t: Array.from({ length: n }, (_, i) => i), output: col(), loss: col(), zeta: col(), normU: col(), normW: col(), ntk: col(), distance: col(), summary: {} } as unknown as Trajectory;
      const thinned = thin(full, m);
      if (n <= m) assert.equal(thinned, full);
      // Seven columns need up to 14 points a bucket: with very few points allowed, the ends alone.
      else if (m >= 2 * COLUMNS.length + 2) checkThinned(full, thinned, m);
      else assert.ok(thinned.t.length <= m);
    }
  });
});
