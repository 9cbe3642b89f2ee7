/**
 * Measurements at θ₀ kept between the runs of one thread (docs/networks.md, "Speed"). A worker trains
 * run after run — every edit of the file starts one, a sweep one per value — and most start from the
 * same θ₀ on the same probe: the same seed and widths, another learning rate or length. What the first
 * record measures there (the Grams' ζ and ζ_top with the Lanczos vectors that warm-start the next
 * records, and the tangent kernel's reference K₀, D₀, H₀) is a function of those arrays and of the
 * measurement's spec, so it is taken from here instead of being measured again: the same numbers, to
 * the bit.
 *
 * An entry is found by a key (the measurement's kind and spec, a string) and the exact bytes of its
 * arrays (θ₀, the probe). It keeps the arrays themselves, not copies (a copy of θ₀ was fresh memory, a
 * millisecond of a fresh epoch's first record): they must be arrays nobody writes again, as θ₀ and the
 * probe are (a step makes new weights). A thread keeps at most `capacity` entries (the last used), and
 * none whose arrays and value hold more than FIRST_MEASUREMENT_BYTES together: keeping a large θ₀
 * alive would cost more memory than its measurement costs time.
 */

/** The most bytes an entry may hold alive, its arrays and its value (16 MB: θ₀ of 4 million float32 parameters). */
export const FIRST_MEASUREMENT_BYTES = 1 << 24;

/** Float32 or float64 arrays, compared and copied by their bytes. */
type Numbers = Float32Array | Float64Array;

interface Entry<T> {
  key: string;
  arrays: Numbers[];
  value: T;
}

export class FirstMeasurements<T> {
  private entries: Entry<T>[] = [];
  /** How many `get`s found their entry (for tests and diagnostics). */
  hits = 0;

  /** `capacity`: entries kept, the last used first. */
  constructor(private readonly capacity: number) {}

  /** The value stored under `key` for arrays of exactly these bytes (and types), or undefined. */
  get(key: string, arrays: readonly Numbers[]): T | undefined {
    const at = this.entries.findIndex((e) => e.key === key && sameArrays(e.arrays, arrays));
    if (at < 0) return undefined;
    const [entry] = this.entries.splice(at, 1);
    this.entries.unshift(entry);
    this.hits++;
    return entry.value;
  }

  /**
   * Stores `value` (of about `valueBytes`) under `key` and `arrays` (kept as they are: never write them
   * again); nothing when the two hold more than FIRST_MEASUREMENT_BYTES.
   */
  set(key: string, arrays: readonly Numbers[], value: T, valueBytes = 0): void {
    if (arrays.reduce((bytes, a) => bytes + a.byteLength, valueBytes) > FIRST_MEASUREMENT_BYTES) return;
    this.entries = this.entries.filter((e) => !(e.key === key && sameArrays(e.arrays, arrays)));
    this.entries.unshift({ key, arrays: arrays.slice(), value });
    this.entries.length = Math.min(this.entries.length, this.capacity);
  }

  /** How many entries are kept (for tests). */
  get size(): number {
    return this.entries.length;
  }
}

function sameArrays(a: readonly Numbers[], b: readonly Numbers[]): boolean {
  return a.length === b.length && a.every((x, i) => x.constructor === b[i].constructor && bytesOf(x).equals(bytesOf(b[i])));
}

function bytesOf(a: Numbers): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}
