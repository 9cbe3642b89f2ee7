/**
 * A run's time left, shared by the training panel's progress bar (src/workers/trainingRun.ts,
 * webview/training) and flab's counter on a terminal (src/cli/progress.ts): the pace of the last
 * seconds (`PaceWindow`), the time left at it (`timeLeft`), and both in words.
 */

/** A point of a run's progress: its wall time and its step there. */
export interface PaceMark {
  elapsedMs: number;
  step: number;
}

/**
 * The time left to `totalSteps` at the pace since `since` (RunProgress.remainingMs): null without a
 * mark, or until a step has been taken since it. The mark is a `PaceWindow`'s, set once the run has
 * made its first record, so that the start-up (loading the data, building the sessions, the first
 * record's measurements) is not extrapolated over every step: the first estimate of a 1,500-step run
 * that took 0.7 s to its step 40, most of it start-up, said 27 s left for 0.6 s.
 */
export function timeLeft(since: PaceMark | null, now: PaceMark, totalSteps: number | null): number | null {
  if (since === null || totalSteps === null) return null;
  const gained = now.step - since.step;
  return gained > 0 ? ((now.elapsedMs - since.elapsedMs) * Math.max(0, totalSteps - now.step)) / gained : null;
}

/** A wall time in words, rounded to the second: "12 s", "1 min 20 s", "2 h 5 min" (the training panel's progress line, and flab's counter). */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${s % 60} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** A time left (`timeLeft`, ms) as the progress lines say it: "about 1 min 20 s left", or "less than a second left" under half a second. */
export function timeLeftWords(ms: number): string {
  const left = Math.max(0, ms);
  return left < 500 ? 'less than a second left' : `about ${formatDuration(left)} left`;
}

/** The span of progress the time left is paced over (`PaceWindow`). */
export const PACE_WINDOW_MS = 3000;

/**
 * Where the time left is paced from: of the progress marks added (the first at a run's first record,
 * then one at every snapshot), the latest that is at least PACE_WINDOW_MS older than the newest, or the
 * oldest while the run is younger than that. So the slow first steps of fresh sessions (and a sweep's
 * values loading beside the others) are forgotten once the run has gone on for the window: paced from
 * the first record alone, a fresh run's first estimates were 3–12 times its time left, and a sweep's
 * climbed for seconds after its start.
 */
export class PaceWindow {
  private readonly marks: PaceMark[] = [];

  add(mark: PaceMark): void {
    this.marks.push(mark);
    while (this.marks.length > 2 && mark.elapsedMs - this.marks[1].elapsedMs >= PACE_WINDOW_MS) this.marks.shift();
  }

  /** The mark to pace from; null before the first. */
  since(): PaceMark | null {
    return this.marks[0] ?? null;
  }
}
