// The page handshake (src/extension/panels/pageHandshake.ts), alone and as a panel uses it with the
// load watchdog and a fake clock: a page replaced while it was loading may still say `ready` (in VS
// Code it stays on screen until its successor loads); that must not stop the wait for the new page —
// else a successor that never loads leaves the panel on the old page's "Waiting…" for good (the phase
// UI test's flake under load).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LoadWatchdog } from '../../../../src/extension/panels/loadWatchdog';
import { PageHandshake } from '../../../../src/extension/panels/pageHandshake';
import { parseCommon } from '../../../../src/protocol/common';
import { webviewHtml } from '../../../../src/extension/panels/webviewHtml';
import { FakeClock } from '../../fakeClock';

/** The panel's side of the handshake, as LivePanel does it: set the HTML (a new page), take `ready` only from it. */
class Host {
  readonly pages = new PageHandshake();
  ready = false;
  loads: string[] = [];
  readonly watchdog: LoadWatchdog;
  constructor(clock: FakeClock) {
    this.watchdog = new LoadWatchdog(() => this.render(), [4000, 8000, 16_000, 32_000], clock);
    this.render();
  }
  render(): void {
    this.loads.push(this.pages.next());
    this.ready = false;
    this.watchdog.expect();
  }
  receiveReady(page: string | undefined): void {
    if (!this.pages.isCurrent(page)) return;
    this.ready = true;
    this.watchdog.loaded();
  }
}

describe('PageHandshake', () => {
  it('takes ready only from the page set last', () => {
    const h = new PageHandshake();
    assert.equal(h.isCurrent(undefined), false);
    assert.equal(h.isCurrent(''), false, 'nothing is current before the first page');
    const first = h.next();
    assert.equal(h.isCurrent(first), true);
    const second = h.next();
    assert.notEqual(second, first);
    assert.equal(h.isCurrent(first), false, 'a replaced page');
    assert.equal(h.isCurrent(second), true);
    assert.equal(h.isCurrent(undefined), false, 'a page without an id');
  });

  it('a replaced page\'s late ready does not stop the watchdog: the new page that never loads is loaded again', () => {
    const clock = new FakeClock();
    const host = new Host(clock);
    const slow = host.loads[0];
    // Under load the first page is slow: past 4 s the watchdog sets the HTML again …
    clock.advance(4000);
    assert.equal(host.loads.length, 2);
    // … and the first page, still on screen, says ready just after.
    clock.advance(100);
    host.receiveReady(slow);
    assert.equal(host.ready, false, 'the old page is not the one listening');
    assert.equal(host.watchdog.waiting, true, 'still waiting for the new page');
    // The new page never loads (an uncontrolled page in code-server): the watchdog tries again.
    clock.advance(8000);
    assert.equal(host.loads.length, 3);
    host.receiveReady(host.loads[2]);
    assert.equal(host.ready, true);
    assert.equal(host.watchdog.waiting, false);
  });

  it('the page id goes into the HTML, and comes back with ready through the protocol', () => {
    const h = new PageHandshake();
    const page = h.next();
    const html = webviewHtml({ cspSource: 'https://x', scriptUri: 'https://x/a.js', styleUri: 'https://x/a.css', nonce: 'n', title: 't', page });
    assert.match(html, new RegExp(`<html lang="en" data-page="${page}">`));
    assert.deepEqual(parseCommon({ type: 'ready', page }), { type: 'ready', page });
    assert.deepEqual(parseCommon({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseCommon({ type: 'ready', page: 'x'.repeat(1000) }), { type: 'ready' }, 'an overlong id is dropped, never trusted');
    assert.deepEqual(parseCommon({ type: 'ready', page: 7 }), { type: 'ready' });
  });
});
