/**
 * A sweep's runs as the one run the training panel's header shows (docs/networks.md, "The panel"). No
 * `vscode` here: the unit tests run it.
 */
import { loadingRunView, RunView, SweepView, sweepTimeLeft, untrained, type SweepValueTime } from '../../protocol/training';

/**
 * A sweep as one run, for the panel's status and progress bar: training while any value has not ended
 * (loading until one has started), finished when all have (diverged, or not trained, when every value
 * did: not "Finished" over charts with no point); its progress the steps summed over the
 * values (a value not started counted at its own length when a value's run has told it,
 * `RunProgress.valueSteps`, else at the mean length of those known), the sweep's wall time, the time
 * left on `workers` workers (`sweepTimeLeft`; `workerOf[i]`: the worker value i was sent to, or null)
 * and how many values have ended. Its curves, notices and parameters are
 * those of the first value with records (what the charts' shapes follow), with the swept key's
 * parameter giving all its values. Until 2026-12 the panel showed the first value's own run: "Finished"
 * (and no Stop) while the others still trained.
 */
export function sweepRun(sweep: SweepView, ended: readonly boolean[], workerOf: readonly (number | null)[], workers: number, elapsedMs: number): RunView {
  const { runs } = sweep;
  const representative = runs.find((r) => r !== null && r.curves.step.length > 0) ?? runs.find((r) => r !== null) ?? null;
  const base = representative ?? loadingRunView();
  const done = ended.filter(Boolean).length;
  // Ended: finished — unless no value trained to its end, when the sweep is what they all were.
  const failed = runs.every(untrained);
  const ending: RunView['status'] = failed ? (runs.every((r) => r?.status === 'notTrained') ? 'notTrained' : 'diverged') : 'finished';
  const status: RunView['status'] = done === runs.length ? ending : runs.some((r) => r !== null && r.status !== 'loading') ? 'training' : 'loading';
  // Each value's length: its own run's, else as a value's run tells it.
  const lengths = runs.map((r, i) => r?.progress?.totalSteps ?? toldOf(runs, 'valueSteps', i));
  const known = lengths.filter((n): n is number => n !== null);
  const mean = known.length > 0 ? known.reduce((a, b) => a + b, 0) / known.length : null;
  const step = sweepSteps(runs);
  // A value that has ended counts the steps it took: one that diverged at step 37 of 500 will take no
  // more (a finished sweep read "step 39 of 90 over the values", its bar not full).
  const totalSteps = mean === null ? null : Math.round(runs.reduce((n, r, i) => n + (ended[i] && r?.progress ? r.progress.step : lengths[i] ?? mean), 0));
  // Each value's step's work, as a value's run tells it (RunProgress.valueStepWork).
  const stepWork = runs.map((_, i) => toldOf(runs, 'valueStepWork', i));
  const values: SweepValueTime[] = runs.map((r, i) => ({
    state: ended[i] ? 'ended' : workerOf[i] !== null ? 'held' : 'queued',
    stepWork: stepWork[i],
    totalSteps: lengths[i],
    step: r?.progress?.step ?? 0,
    elapsedMs: r?.progress?.elapsedMs ?? 0,
    remainingMs: r?.status === 'training' ? (r.progress?.remainingMs ?? null) : null,
  }));
  const remainingMs = status === 'training' ? sweepTimeLeft(values, workers) : null;
  const swept = `swept: ${sweep.values.map((v) => String(v)).join(', ')}`;
  // A parameter the swept value changes (a width sweep's layers, a rate scaled with the width) gives
  // each value's, in order ("—" for a value not started): the figure gave the first value's as the
  // whole sweep's ("layers = 784-32-10" for a sweep of widths 32 to 2048).
  const parameters = base.parameters.map((p) => {
    if (p.path === sweep.path) return { ...p, value: swept };
    const each = runs.map((r) => (r && r.parameters.length > 0 ? (r.parameters.find((q) => q.path === p.path)?.value ?? null) : null));
    return new Set(each.filter((v) => v !== null)).size > 1 ? { ...p, value: `per value: ${each.map((v) => v ?? '—').join('; ')}` } : p;
  });
  return {
    ...base,
    status,
    verdict: null,
    progress: status === 'loading' && step === 0 ? null : { step, totalSteps, epoch: null, elapsedMs, remainingMs, values: { done, count: runs.length, sized: known.length } },
    parameters,
  };
}

/** The steps of a sweep's values, summed (each value's at its last record). */
export function sweepSteps(runs: readonly (RunView | null)[]): number {
  return runs.reduce((n, r) => n + (r?.progress?.step ?? 0), 0);
}

/**
 * The sweep value worker `w` trains next: the one it holds (sent to it and not ended — a value stopped
 * there, which only that worker can resume), else the first not yet sent to any worker; null when
 * none is left. `workerOf[i]`: the worker value i was sent to, or null.
 */
export function nextSweepValue(ended: readonly boolean[], workerOf: readonly (number | null)[], w: number): number | null {
  const held = ended.findIndex((done, i) => !done && workerOf[i] === w);
  if (held >= 0) return held;
  const fresh = workerOf.findIndex((x) => x === null);
  return fresh >= 0 ? fresh : null;
}

/** Value i's entry of `field` as the first value's run that tells it does (RunProgress.valueSteps, valueStepWork), or null. */
function toldOf(runs: readonly (RunView | null)[], field: 'valueSteps' | 'valueStepWork', i: number): number | null {
  for (const r of runs) {
    const told = r?.progress?.[field]?.[i];
    if (told != null) return told;
  }
  return null;
}
