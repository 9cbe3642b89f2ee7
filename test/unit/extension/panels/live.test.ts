// The live loop's pure parts: the scheduler (with a fake clock), the version gate and the
// latest-only write queue.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LatestOnlyQueue } from '../../../../src/extension/panels/latestOnly';
import { LiveScheduler } from '../../../../src/extension/panels/liveScheduler';
import { VersionGate } from '../../../../src/extension/panels/versionGate';
import { FakeClock } from '../../fakeClock';

describe('LiveScheduler', () => {
  it('runs the first change at once, without a timer', () => {
    const clock = new FakeClock();
    const runs: number[] = [];
    const s = new LiveScheduler(() => runs.push(clock.now()), 40, clock);
    clock.advance(1000);
    s.trigger();
    assert.deepEqual(runs, [1000]);
    assert.equal(clock.pendingTimers, 0);
  });

  it('coalesces changes within the window into one run at its end', () => {
    const clock = new FakeClock();
    const runs: number[] = [];
    const s = new LiveScheduler(() => runs.push(clock.now()), 40, clock);
    s.trigger(); // t = 0: immediate
    clock.advance(5);
    s.trigger();
    clock.advance(5);
    s.trigger();
    clock.advance(20);
    s.trigger();
    assert.deepEqual(runs, [0]);
    assert.equal(s.pending, true);
    clock.advance(9);
    assert.deepEqual(runs, [0]);
    clock.advance(1);
    assert.deepEqual(runs, [0, 40]);
    assert.equal(s.pending, false);
  });

  it('keeps redrawing every window during a long burst (a slider drag), and ends with a run', () => {
    const clock = new FakeClock();
    const runs: number[] = [];
    const s = new LiveScheduler(() => runs.push(clock.now()), 40, clock);
    for (let t = 0; t <= 200; t += 4) {
      s.trigger();
      clock.advance(4);
    }
    clock.advance(100);
    assert.deepEqual(runs, [0, 40, 80, 120, 160, 200, 240]);
  });

  it('runs at once again after a quiet spell', () => {
    const clock = new FakeClock();
    const runs: number[] = [];
    const s = new LiveScheduler(() => runs.push(clock.now()), 40, clock);
    s.trigger();
    clock.advance(41);
    s.trigger();
    assert.deepEqual(runs, [0, 41]);
  });

  it('does nothing after dispose', () => {
    const clock = new FakeClock();
    const runs: number[] = [];
    const s = new LiveScheduler(() => runs.push(clock.now()), 40, clock);
    s.trigger();
    s.trigger();
    s.dispose();
    clock.advance(100);
    s.trigger();
    assert.deepEqual(runs, [0]);
    assert.equal(clock.pendingTimers, 0);
  });

  it('a zero delay runs every change at once', () => {
    const clock = new FakeClock();
    let runs = 0;
    const s = new LiveScheduler(() => runs++, 0, clock);
    s.trigger();
    s.trigger();
    s.trigger();
    assert.equal(runs, 3);
  });
});

describe('VersionGate', () => {
  it('skips a key that was just requested, unless forced or invalidated', () => {
    const g = new VersionGate<string>();
    assert.equal(g.begin('a'), 1);
    assert.equal(g.begin('a'), null);
    assert.equal(g.begin('a', true), 2);
    g.invalidate();
    assert.equal(g.begin('a'), 3);
    assert.equal(g.begin('b'), 4);
    assert.equal(g.begin('a'), 5);
  });

  it('drops a result that arrives after a newer request, even when it arrives last', () => {
    const g = new VersionGate<string>();
    const t1 = g.begin('v1')!;
    const t2 = g.begin('v2')!;
    assert.equal(g.isSuperseded(t1), true);
    assert.equal(g.accept(t2), true);
    assert.equal(g.accept(t1), false);
  });

  it('shows each result once and never one older than what is shown', () => {
    const g = new VersionGate<string>();
    const t1 = g.begin('v1')!;
    assert.equal(g.accept(t1), true);
    assert.equal(g.accept(t1), false);
    const t2 = g.begin('v2')!;
    assert.equal(g.isSuperseded(t2), false);
    assert.equal(g.accept(t2), true);
    assert.equal(g.latest, 2);
  });
});

describe('LatestOnlyQueue', () => {
  it('writes the first item at once and only the newest of those that arrive meanwhile', async () => {
    const written: number[] = [];
    const releases: Array<() => void> = [];
    const q = new LatestOnlyQueue<number>((n) => {
      written.push(n);
      return new Promise<void>((resolve) => releases.push(resolve));
    });
    const p1 = q.push(1);
    const p2 = q.push(2);
    const p3 = q.push(3);
    const p4 = q.push(4);
    assert.deepEqual(written, [1]);
    assert.equal(q.busy, true);
    releases.shift()!();
    await p1;
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(written, [1, 4]);
    releases.shift()!();
    await Promise.all([p2, p3, p4]);
    assert.deepEqual(written, [1, 4]);
    assert.equal(q.busy, false);
  });

  it('keeps going after a failed write', async () => {
    const written: number[] = [];
    const q = new LatestOnlyQueue<number>(async (n) => {
      written.push(n);
      if (n === 1) throw new Error('stale document');
    });
    await q.push(1);
    await q.push(2);
    assert.deepEqual(written, [1, 2]);
  });
});
