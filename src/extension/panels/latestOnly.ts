/**
 * Serialises asynchronous writes and keeps only the newest one waiting (no vscode import; unit-
 * tested). A slider drag posts many values; while one edit is being applied, later values replace
 * each other, and only the last is written once the first is done. Nothing runs concurrently.
 */
export class LatestOnlyQueue<T> {
  private running = false;
  private waiting: { item: T; done: Array<() => void> } | undefined;

  constructor(private readonly write: (item: T) => Promise<void>) {}

  /** Queues `item`, replacing any item still waiting; resolves when it, or an item that replaced it, has been written. */
  push(item: T): Promise<void> {
    return new Promise<void>((resolve) => {
      if (this.waiting) {
        this.waiting.item = item;
        this.waiting.done.push(resolve);
      } else {
        this.waiting = { item, done: [resolve] };
      }
      if (!this.running) void this.drain();
    });
  }

  /** Whether a write is in progress or waiting. */
  get busy(): boolean {
    return this.running || this.waiting !== undefined;
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.waiting) {
      const { item, done } = this.waiting;
      this.waiting = undefined;
      try {
        await this.write(item);
      } catch {
        // The writer reports its own failures; the queue only keeps going.
      }
      for (const resolve of done) resolve();
    }
    this.running = false;
  }
}
