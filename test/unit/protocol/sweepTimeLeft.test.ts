// A sweep's time left (src/protocol/training.ts, sweepTimeLeft) against hand-computed schedules: its
// values on two workers, each worker taking the first value not started when its own ends.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sweepTimeLeft, type SweepValueTime } from '../../../src/protocol/training';

const held = (totalSteps: number | null, step: number, remainingMs: number | null): SweepValueTime => ({ state: 'held', totalSteps, step, elapsedMs: 0, remainingMs });
const queued = (totalSteps: number | null): SweepValueTime => ({ state: 'queued', totalSteps, step: 0, elapsedMs: 0, remainingMs: null });
const ended = (steps: number, elapsedMs: number): SweepValueTime => ({ state: 'ended', totalSteps: steps, step: steps, elapsedMs, remainingMs: null });

describe('a sweep\'s time left', () => {
  it('counts the values not started: many values on two workers', () => {
    // 10 values of 1,000 steps at 2 ms a step; two at step 400 (1.2 s left each), 8 queued of 2 s each:
    // each worker ends its value at 1.2 s, then takes 4 more: 1.2 + 4 · 2 = 9.2 s.
    const values = [held(1000, 400, 1200), held(1000, 400, 1200), ...Array.from({ length: 8 }, () => queued(1000))];
    assert.equal(sweepTimeLeft(values, 2), 9200);
  });

  it('runs only as many values side by side as are left: three values on two workers', () => {
    // Two values at their start, 2 s each; the third starts when one ends and takes 2 s more: 4 s (the
    // steps left over the workers' summed pace said 3,000 steps at 1 step a ms, 3 s).
    assert.equal(sweepTimeLeft([held(1000, 0, 2000), held(1000, 0, 2000), queued(1000)], 2), 4000);
    // An odd value out: 5 values of 1 s on 2 workers take 3 s, not 2.5.
    assert.equal(sweepTimeLeft([held(500, 0, 1000), held(500, 0, 1000), queued(500), queued(500), queued(500)], 2), 3000);
  });

  it('gives the last value alone its own time, and two values near the end the longer of theirs', () => {
    assert.equal(sweepTimeLeft([ended(1000, 2000), ended(1000, 2000), held(1000, 500, 1000)], 2), 1000);
    // 100 ms and 1.5 s left: the sweep ends in 1.5 s (not their mean, 0.8 s).
    assert.equal(sweepTimeLeft([held(1000, 950, 100), held(1000, 250, 1500)], 2), 1500);
    assert.equal(sweepTimeLeft([ended(10, 5), ended(10, 5)], 2), 0, 'nothing left');
  });

  it('counts each value at its own length: an epochs sweep', () => {
    // epochs 1, 2, 4, 8 of 100 steps each at 1 ms a step: workers end their values at 0.1 and 0.2 s; the
    // first free takes 4 epochs (to 0.5 s), the second 8 (to 1 s).
    assert.equal(sweepTimeLeft([held(100, 0, 100), held(200, 0, 200), queued(400), queued(800)], 2), 1000);
    // The order matters: 8 epochs first keep a worker to 0.8 s while the other does the rest by 0.7 s.
    assert.equal(sweepTimeLeft([held(800, 0, 800), held(100, 0, 100), queued(200), queued(400)], 2), 800);
  });

  it('takes a value not told yet at the pace of those told, and a length not known at the mean of the known', () => {
    // One value told 2 ms a step (400 steps, 800 ms left); the other loading (its length known, 1,000
    // steps: 2 s); a queued value of unknown length counted at the mean of 1,000 and 1,000: 2 s after 0.8 s.
    assert.equal(sweepTimeLeft([held(1000, 600, 800), held(1000, 0, null), queued(null)], 2), 2800);
    // The paces of two values told, averaged: 1 and 3 ms a step, a queued value of 1,000 steps at 2.
    assert.equal(sweepTimeLeft([held(1000, 900, 100), held(1000, 900, 300), queued(1000)], 2), 2100);
  });

  it('falls back on the pace of the values ended, and is not told without any pace or length', () => {
    // The ended value took 3 ms a step; the one just started (1,000 steps) has no pace yet: 3 s.
    assert.equal(sweepTimeLeft([ended(1000, 3000), held(1000, 0, null)], 2), 3000);
    assert.equal(sweepTimeLeft([held(1000, 0, null), held(1000, 0, null), queued(1000)], 2), null, 'no pace yet');
    assert.equal(sweepTimeLeft([held(null, 0, null), queued(null)], 2), null, 'no length yet');
  });

  it('weighs each value\'s steps by their modeled work when every value to train has it: a width sweep', () => {
    // Widths whose steps cost 1, 4, 16 and 64 units, 100 steps each; the two held at 0.01 ms a unit
    // (1 and 4 ms a step), told 100 and 400 ms left: the queued ones take 1.6 s and 6.4 s, not their
    // steps at the held ones' mean 2.5 ms a step (0.25 s each). Worker 0 is free at 0.1 s: 16 to 1.7 s;
    // worker 1 at 0.4 s: 64 to 6.8 s.
    const w = (v: SweepValueTime, stepWork: number): SweepValueTime => ({ ...v, stepWork });
    const values = [w(held(100, 0, 100), 1), w(held(100, 0, 400), 4), w(queued(100), 16), w(queued(100), 64)];
    assert.equal(sweepTimeLeft(values, 2), 6800);
    // Without the work of every value to train, paced by the step as before (2.5 ms): worker 0 takes both, 0.1 + 0.25 + 0.25.
    assert.equal(sweepTimeLeft([values[0], values[1], w(queued(100), 16), queued(100)], 2), 600);
    // An ended value's pace, weighed too: 1,000 ms for 100 steps of 10 units, then 100 steps of 100 units: 10 s.
    assert.equal(sweepTimeLeft([w(ended(100, 1000), 10), w(queued(100), 100)], 1), 10000);
  });

  it('works on one worker: the values one after the other', () => {
    assert.equal(sweepTimeLeft([held(100, 50, 50), queued(100), queued(200)], 1), 350);
  });
});
