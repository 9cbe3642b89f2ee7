/**
 * Which page of a panel may say `ready` (no vscode import; unit-tested). Each time the host sets a
 * panel's HTML, the webview loads a new page: it gets a new id, written into the HTML (`data-page`
 * on <html>), and the page's `ready` carries it back (webview/host.ts). Only the current page's
 * `ready` counts.
 *
 * Why: under load a page can be slow to say `ready`, and the load watchdog then sets the HTML again.
 * In VS Code the old page stays on screen, still running, until the new one has loaded, and the
 * messages posted meanwhile are held for the new page. The old page's late `ready` used to be taken
 * for the new page's: it stopped the watchdog, and when the new page then failed to load (code-server's
 * shared service worker can leave a page uncontrolled — the reason for the watchdog), the panel stayed
 * for good on the old page's "Waiting…", which never receives another message. A phase cell's copy,
 * opened while the diagram's worker keeps both cores busy, met this in the phase UI test.
 */
export class PageHandshake {
  private current = 0;

  /** A new page is about to load: its id, for its HTML. */
  next(): string {
    this.current++;
    return this.id;
  }

  /** The id of the page loaded last ('' before the first). */
  get id(): string {
    return this.current > 0 ? `p${this.current}` : '';
  }

  /** Whether a `ready` that names `page` comes from the page loaded last (a page without an id never does). */
  isCurrent(page: string | undefined): boolean {
    return this.current > 0 && page === this.id;
  }
}
