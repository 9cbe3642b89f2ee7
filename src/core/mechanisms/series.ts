/**
 * Series of a run's records in which a measurement's cadence leaves nulls (docs/networks.md,
 * "Cadence"): the label's scores (layerLabel.ts), the CLI's sweep table and the training panel's
 * summary views read their ends.
 */

/** The first entry that is not null, or null. */
export function firstMeasured(xs: readonly (number | null)[]): number | null {
  return xs.find((x) => x !== null) ?? null;
}

/** The last entry that is not null, or null. */
export function lastMeasured(xs: readonly (number | null)[]): number | null {
  for (let i = xs.length - 1; i >= 0; i--) if (xs[i] !== null) return xs[i];
  return null;
}
