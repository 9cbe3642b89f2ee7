/** Small vector helpers over plain arrays and typed arrays. */

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Euclidean norm, scaled against overflow and underflow. */
export function norm(a: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < a.length; i++) scale = Math.max(scale, Math.abs(a[i]));
  if (scale === 0 || !Number.isFinite(scale)) return scale;
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] / scale) ** 2;
  return scale * Math.sqrt(s);
}

export function unit(a: ArrayLike<number>): number[] {
  const n = norm(a);
  return Array.from(a, (v) => v / n);
}

/** The first index of the ascending `sorted` whose value is not below `x` (`sorted.length` when none is). */
export function lowerBound(sorted: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
