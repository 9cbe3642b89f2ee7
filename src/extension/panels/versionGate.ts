/**
 * Which computed results a live panel may still show (no vscode import; unit-tested).
 * Every request gets a ticket from a per-panel sequence; a result is shown only when its ticket is
 * the newest one requested and newer than what is on screen, so a slow result for a superseded
 * version of the document is dropped even when it arrives last (markdown preview's rule).
 * A request for the same key (the document text) as the last one is skipped unless forced.
 */
export class VersionGate<K> {
  private requested = 0;
  private shown = 0;
  private lastKey: K | undefined = undefined;
  private hasKey = false;

  /** A ticket for computing `key`, or null when `key` is what was last requested (nothing new). */
  begin(key: K, force = false): number | null {
    if (!force && this.hasKey && this.lastKey === key) return null;
    this.lastKey = key;
    this.hasKey = true;
    return ++this.requested;
  }

  /** Whether a newer request has been made since `ticket`. */
  isSuperseded(ticket: number): boolean {
    return ticket !== this.requested;
  }

  /** Whether the result of `ticket` may be shown; true at most once per ticket, and only for the newest. */
  accept(ticket: number): boolean {
    if (ticket !== this.requested || ticket <= this.shown) return false;
    this.shown = ticket;
    return true;
  }

  /** Forget the last key, so that the next `begin` computes even an unchanged document (e.g. after a failure). */
  invalidate(): void {
    this.hasKey = false;
    this.lastKey = undefined;
  }

  /** The newest ticket handed out (0 before the first). */
  get latest(): number {
    return this.requested;
  }
}
