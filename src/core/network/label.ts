/**
 * The mechanism label of a trained network (docs/networks.md, "Labels"), in the linear model's
 * vocabulary and spirit (docs/mechanisms.md): kernel when the tangent kernel and the tangent features
 * barely moved; otherwise the mechanisms present, alignment or disalignment from the net change of ζ
 * of a pair of consecutive layers, rescaling from the norms. Scored over the recorded steps.
 */
import type { NetworkThresholds } from './spec';

/** The columns the scores are read from (one entry per record, first record = step 0). */
export interface ScoredColumns {
  kernelChange: (number | null)[];
  tangentChange: (number | null)[];
  distance: number[];
  layers: { norm: number[] }[];
  alignment: { zeta: (number | null)[] }[];
}

export interface NetworkScores {
  /** max over the measured records of ‖K_t − K_0‖_F/‖K_0‖_F; null when only step 0 was measured. */
  kernelChange: number | null;
  /** max over the measured records of ‖J_t − J_0‖_F/‖J_0‖_F; null likewise. */
  tangentChange: number | null;
  /** ζ_l(end) − ζ_l(0) for each pair (W_l, W_{l+1}); null where ζ is undefined at either end. */
  zetaChange: (number | null)[];
  /** The largest rise of ζ over the pairs, max(0, ·); null without pairs. */
  alignment: number | null;
  /** The largest fall of ζ over the pairs, max(0, ·); null without pairs. */
  disalignment: number | null;
  /** ln(‖W_l‖_F(end)/‖W_l‖_F(0)) per layer; null where a norm is 0. */
  normChange: (number | null)[];
  /** max_l − min_l of normChange: how far one layer was rescaled against another (0 for one layer). */
  balanceChange: number | null;
  /** ‖θ − θ₀‖/‖θ₀‖ at the last record. */
  distance: number;
}

const maxOf = (xs: (number | null)[]): number | null => {
  let m: number | null = null;
  for (const x of xs) if (x !== null && (m === null || x > m)) m = x;
  return m;
};

/** The scores of a run's records; null when there are none. */
export function networkScores(c: ScoredColumns): NetworkScores | null {
  const n = c.distance.length;
  if (n === 0) return null;
  const measuredLater = (xs: (number | null)[]) => (xs.slice(1).some((x) => x !== null) ? maxOf(xs) : null);
  const zetaChange = c.alignment.map((p) => {
    const a = p.zeta[0];
    const b = p.zeta[n - 1];
    return a === null || b === null ? null : b - a;
  });
  const known = zetaChange.filter((z): z is number => z !== null);
  const normChange = c.layers.map((l) => (l.norm[0] > 0 && l.norm[n - 1] > 0 ? Math.log(l.norm[n - 1] / l.norm[0]) : null));
  const norms = normChange.filter((z): z is number => z !== null);
  return {
    kernelChange: measuredLater(c.kernelChange),
    tangentChange: measuredLater(c.tangentChange),
    zetaChange,
    alignment: known.length ? Math.max(0, ...known) : null,
    disalignment: known.length ? Math.max(0, ...known.map((z) => -z)) : null,
    normChange,
    balanceChange: norms.length === normChange.length ? Math.max(...norms) - Math.min(...norms) : null,
    distance: c.distance[n - 1],
  };
}

const MECHANISMS = ['alignment', 'disalignment', 'rescaling'] as const;

/**
 * The label: `kernel` when kernelChange and tangentChange are both below their thresholds; otherwise
 * `alignment` when the largest rise of ζ reaches the ζ threshold, `disalignment` when the largest fall
 * does (both, in a deep network whose pairs moved apart in opposite directions), `rescaling` when
 * neither did or when balanceChange reaches its threshold; several mechanisms read `mixed: a+b`.
 */
export function networkLabel(s: NetworkScores, t: NetworkThresholds): string {
  if (s.kernelChange !== null && s.tangentChange !== null && s.kernelChange < t.kernelChange && s.tangentChange < t.tangentChange) return 'kernel';
  const aligned = s.alignment !== null && s.alignment >= t.zetaChange;
  const disaligned = s.disalignment !== null && s.disalignment >= t.zetaChange;
  const rescaled = (!aligned && !disaligned) || (s.balanceChange !== null && s.balanceChange >= t.balanceChange);
  const parts = MECHANISMS.filter((_, i) => [aligned, disaligned, rescaled][i]);
  return parts.length === 1 ? parts[0] : `mixed: ${parts.join('+')}`;
}
