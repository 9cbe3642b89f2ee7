/**
 * Seeded, portable pseudo-random numbers.
 *
 * The generator is xoshiro128** (Blackman & Vigna) seeded through splitmix32, written with 32-bit
 * integer arithmetic only (`Math.imul`, shifts), so the integer stream is identical on every
 * machine. Normals come from the Box–Muller transform on two uniforms in (0, 1]; it uses
 * `Math.log`, `Math.sqrt`, `Math.cos` and `Math.sin`, which V8 (Node, VS Code) implements with its
 * own fdlibm port, so the normals are the same on every platform that runs V8.
 */
/** The largest seed a file may give (`init.seed`, `training.seed`: the schema's maximum, 2⁵³ − 1). */
export const MAX_SEED = Number.MAX_SAFE_INTEGER;

/**
 * The seed `k` after `seed` (k ≥ 0), counting on from 0 past MAX_SEED: a seed derived from the file's
 * (the batch order's init seed + 1, a scan's init.seed + k) never leaves the range the file may write.
 */
export function seedAfter(seed: number, k = 1): number {
  return k <= MAX_SEED - seed ? seed + k : k - (MAX_SEED - seed) - 1;
}

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare = 0;
  private hasSpare = false;

  /**
   * A generator whose whole stream is fixed by the integer `seed` (any safe integer), a different
   * stream for every seed: splitmix32 over the seed's low 32 bits gives the state, and its high bits
   * (0 for seeds below 2³²) are mixed into its last three words by a keyed finaliser. Until 2026-12 both
   * halves were folded into splitmix32's one 32-bit state, so seeds collided: −1 and 2,654,435,760
   * drew the same θ₀, as did 0 and 6,949,403,057 (the streams of seeds in [0, 2³²) are unchanged).
   */
  constructor(seed: number) {
    const high = Math.floor(seed / 4294967296) >>> 0;
    let state = seed >>> 0;
    const next = (): number => {
      state = (state + 0x9e3779b9) | 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if (high !== 0) {
      // The high half through a 32-bit finaliser keyed by s0 (a function of the low half): a bijection of
      // it for each low half, 0 for none, and a mask unrelated between low halves. A fixed mask (an odd
      // multiple of the high half) left seeds L and L + k·2³² correlated by ±0.5 in their normals.
      const mask = (key: number) => (fmix32(high ^ key) ^ fmix32(key)) >>> 0;
      this.s1 = (this.s1 ^ mask(this.s0)) >>> 0;
      this.s2 = (this.s2 ^ mask((this.s0 + 0x9e3779b9) | 0)) >>> 0;
      this.s3 = (this.s3 ^ mask((this.s0 + 0x3c6ef372) | 0)) >>> 0;
    }
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** The next unsigned 32-bit integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform number in (0, 1] with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo + 1) / 9007199254740992;
  }

  /** A standard normal N(0, 1) (Box–Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    const radius = Math.sqrt(-2 * Math.log(this.uniform()));
    const angle = 2 * Math.PI * this.uniform();
    this.spare = radius * Math.sin(angle);
    this.hasSpare = true;
    return radius * Math.cos(angle);
  }
}

/** MurmurHash3's 32-bit finaliser: a bijection of 32-bit words that mixes every bit into every other. */
function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
