/**
 * Requests to a panel's page answered by id — Export Chart's PNG or figure (docs/architecture.md,
 * "Panels"): `ask` posts a request with a fresh id and waits for the page's `answer` with that id, until
 * its time is up (then it rejects: "the panel did not send its chart in time"). An answer with an id no
 * one waits for (late, or never asked) is dropped.
 */
export class PageRequests<A> {
  private next = 1;
  private readonly pending = new Map<number, (answer: A) => void>();

  /** Posts with `post(requestId)` and resolves with the answer to it, or rejects after `timeoutMs`. */
  ask(post: (requestId: number) => void, timeoutMs: number): Promise<A> {
    const requestId = this.next++;
    return new Promise<A>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new Error('the panel did not send its chart in time'));
      }, Math.max(1, timeoutMs));
      this.pending.set(requestId, (answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
      post(requestId);
    });
  }

  /** The page's answer to request `requestId`. */
  answer(requestId: number, answer: A): void {
    const resolve = this.pending.get(requestId);
    this.pending.delete(requestId);
    resolve?.(answer);
  }

  /** Forgets every request still waiting (the panel is gone; their timers reject them). */
  clear(): void {
    this.pending.clear();
  }
}

/** The bytes of a `data:image/png;base64,…` URL. */
export function pngOfDataUrl(dataUrl: string): Uint8Array {
  return Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
}
