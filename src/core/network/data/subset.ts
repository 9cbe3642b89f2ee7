/**
 * Which samples of a file are kept (docs/networks.md, "Data", "Subsets"): the first n, or, with a
 * seed, the first n of a uniformly random permutation drawn with the project's generator — in both
 * cases returned in file order (ascending), so that reading is one forward pass.
 */
import { Rng } from '../../math/rng';
import { countOf, DataError, formatCount } from './dataError';

/** Indices 0 … n − 1. */
export function firstIndices(n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

/** Indices from … from + n − 1. */
export function rangeIndices(from: number, n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = from + i;
  return out;
}

/**
 * The first `n` entries of a uniformly random permutation of 0 … total − 1, in draw order: a partial
 * Fisher–Yates shuffle that keeps only the displaced entries (memory O(n), not O(total)). Entry i is
 * drawn uniformly from the total − i not yet drawn (`uniformBelow`, exact: no modulo bias).
 */
export function randomPermutationPrefix(total: number, n: number, seed: number): Uint32Array {
  const rng = new Rng(seed);
  const displaced = new Map<number, number>();
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const j = i + uniformBelow(rng, total - i);
    const atJ = displaced.get(j) ?? j;
    out[i] = atJ;
    displaced.set(j, displaced.get(i) ?? i);
    displaced.delete(i);
  }
  return out;
}

/** `n` distinct indices below `total`, uniformly at random for the seed, ascending. */
export function randomIndices(total: number, n: number, seed: number): Uint32Array {
  return randomPermutationPrefix(total, n, seed).sort();
}

/** An integer uniform on 0 … m − 1 for 1 ≤ m ≤ 2³², by rejection of the top partial range of a 32-bit draw. */
export function uniformBelow(rng: Rng, m: number): number {
  const limit = 4294967296 - (4294967296 % m);
  for (;;) {
    const x = rng.nextUint32();
    if (x < limit) return x % m;
  }
}

/**
 * Which samples of a split to keep, decided once the split's size is known: `count` first (so that
 * the memory is reserved before anything is allocated), then `indices` (ascending).
 */
export interface Selection {
  /** `training`, `test`. */
  what: string;
  count(total: number): number;
  indices(total: number): Uint32Array;
}

/**
 * All samples when `asked` is undefined, else the first `asked`, or `asked` at random with `seed`.
 * Asking for more than there are throws at `key`.
 */
export function selectSamples(asked: number | undefined, seed: number | undefined, key: string, what: string): Selection {
  const count = (total: number) => {
    if (asked === undefined) return total;
    if (asked > total) throw new DataError(`${countOf(asked, `${what} sample`)} asked for, the data has ${formatCount(total)}`, key);
    return asked;
  };
  return {
    what,
    count,
    indices: (total) => (asked === undefined || seed === undefined ? firstIndices(count(total)) : randomIndices(total, count(total), seed)),
  };
}

/** Exactly `indices` (ascending), whatever the size of the split. */
export function fixedSelection(indices: Uint32Array, what: string): Selection {
  return { what, count: () => indices.length, indices: () => indices };
}

/**
 * A split's samples as the data line says them, with `detail` after the noun (` of 3 features`): all of
 * them (`250 training samples`), the first N the data block asks for (`the first 100 training
 * samples`, one of them `the first training sample`; `end` "last" for the embedded MNIST's test
 * digits, `the last 100 test digits`, `the last test digit`), or N at random (`100 training samples of
 * 3 features at random (seed 3)`). Until 2026-12 a subset was said once, after the test split's count,
 * and the first N not at all; until 2026-12-02 one was `the first 1 training digit`.
 */
export function keptSaid(count: number, asked: number | undefined, seed: number | undefined, noun: string, detail = '', end: 'first' | 'last' = 'first'): string {
  if (asked === undefined) return `${countOf(count, noun)}${detail}`;
  if (seed !== undefined) return `${countOf(count, noun)}${detail} at random (seed ${seed})`;
  return count === 1 ? `the ${end} ${noun}${detail}` : `the ${end} ${countOf(count, noun)}${detail}`;
}
