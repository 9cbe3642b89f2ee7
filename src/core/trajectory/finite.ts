/** The guard of "every number printed is finite" (docs/limits.md, "Representable ranges"). */
import { ExperimentError } from '../experiment/errors';
import { Trajectory } from './trajectory';

/**
 * Refuses a trajectory holding a number that is not finite (ExperimentError at the start of the file).
 * The exact solver's range checks refuse every size beyond 64 bits before the run, so this finds nothing
 * unless a series leaves the range between its checked ends; for gradient descent it is the guard of
 * the plain loop's scores (a kernel that underflowed at the start, say).
 */
export function assertFinite(t: Trajectory): void {
  const bad = firstNonFinite(t);
  if (bad !== null) throw new ExperimentError(`the run's ${bad} is beyond the 64-bit range (docs/limits.md, "Representable ranges")`, '');
}

/** The name of the first column or summary field holding a number that is not finite, or null. */
export function firstNonFinite(t: Trajectory): string | null {
  for (const name of ['t', 'output', 'loss', 'zeta', 'normU', 'normW', 'ntk', 'distance', 'objective'] as const) {
    const col = t[name] as readonly (number | null)[] | undefined;
    if (col && col.some((v) => v !== null && !Number.isFinite(v))) return name;
  }
  let found: string | null = null;
  const visit = (value: unknown, path: string): void => {
    if (found !== null) return;
    if (typeof value === 'number' && !Number.isFinite(value)) found = path;
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) visit(v, k);
  };
  visit(t.summary, 'summary');
  return found;
}
