// The load watchdog (src/extension/loadWatchdog.ts) with a fake clock: a page that never says
// `ready` is loaded again at growing deadlines, then left alone; `ready` or hiding stops the wait.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LoadWatchdog } from '../../../../src/extension/panels/loadWatchdog';
import { FakeClock } from '../../fakeClock';

describe('LoadWatchdog', () => {
  it('reloads a page that never says ready, at doubling deadlines, then gives up', () => {
    const clock = new FakeClock();
    const reloads: { at: number; attempt: number; waited: number }[] = [];
    // Like the panels: each reload sets the page again and expects `ready` anew.
    const w: LoadWatchdog = new LoadWatchdog((attempt, waited) => {
      reloads.push({ at: clock.now(), attempt, waited });
      w.expect();
    }, [100, 200, 400], clock);
    w.expect();
    clock.advance(10_000);
    assert.deepEqual(reloads, [
      { at: 100, attempt: 1, waited: 100 },
      { at: 300, attempt: 2, waited: 200 },
      { at: 700, attempt: 3, waited: 400 },
    ]);
    assert.equal(w.waiting, false);
  });

  it('does nothing once the page says ready, and starts from the first deadline on the next load', () => {
    const clock = new FakeClock();
    const reloads: number[] = [];
    const w = new LoadWatchdog((attempt) => reloads.push(attempt), [100, 200], clock);
    w.expect();
    clock.advance(150);
    assert.deepEqual(reloads, [1]);
    w.expect();
    clock.advance(50);
    w.loaded();
    clock.advance(1000);
    assert.deepEqual(reloads, [1]);
    w.expect();
    clock.advance(99);
    assert.deepEqual(reloads, [1]);
    clock.advance(1);
    assert.deepEqual(reloads, [1, 1], 'the first deadline again after a successful load');
  });

  it('stops waiting while the panel is hidden, and after dispose', () => {
    const clock = new FakeClock();
    let reloads = 0;
    const w = new LoadWatchdog(() => reloads++, [100], clock);
    w.expect();
    w.cancel();
    clock.advance(500);
    assert.equal(reloads, 0);
    w.expect();
    w.dispose();
    w.expect();
    clock.advance(500);
    assert.equal(reloads, 0);
  });
});
