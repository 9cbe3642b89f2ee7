/**
 * Input normalisation (docs/networks.md, "Data", "Normalisation"): x' = (x − shift_c) / scale_c per
 * channel c, with shift and scale taken from the training inputs only and applied to both sets.
 * Statistics are accumulated in float64 over the inputs as stored (float32); results are rounded to
 * float32 once.
 */
import { formatNumber } from './dataError';

/** How inputs are normalised. */
export type NormalizeMode = 'none' | 'scale01' | 'standardize';

/** The affine map applied to the inputs: x' = (x − shift[c]) / scale[c] for the channel c of each feature. */
export interface Normalization {
  mode: NormalizeMode;
  /** Channels: 1 (one shift and scale for every feature), or as `channelsOf(sampleShape)`. */
  channels: number;
  shift: Float64Array;
  scale: Float64Array;
}

/**
 * The channels `standardize` keeps separate statistics for, from the shape of one sample:
 * [features] (a table row): every feature its own channel (as scikit-learn's StandardScaler);
 * [H, W] (a grey image): one channel; [C, H, W, …] (channels first, as CIFAR-10 and PyTorch):
 * C channels, each a contiguous block of the features (as torchvision's Normalize).
 */
export function channelsOf(sampleShape: readonly number[]): number {
  if (sampleShape.length === 1) return sampleShape[0];
  if (sampleShape.length === 2) return 1;
  return sampleShape[0];
}

/**
 * The normalisation of `mode` fitted to the training inputs `x` (count × features, row-major).
 * - `none`: shift 0, scale 1.
 * - `scale01`: inputs stored as unsigned bytes (`byteValued`) are divided by 255, whatever the subset;
 *   other inputs map the training set's range [min, max] over all features onto [0, 1].
 * - `standardize`: per channel, shift = mean and scale = standard deviation (population, 1/n) over the
 *   training samples and the channel's features; a constant channel is only centred (scale 1).
 */
export function fitNormalization(mode: NormalizeMode, x: Float32Array, count: number, sampleShape: readonly number[], byteValued: boolean): Normalization {
  if (mode === 'none') return { mode, channels: 1, shift: Float64Array.of(0), scale: Float64Array.of(1) };
  if (mode === 'scale01') {
    if (byteValued) return { mode, channels: 1, shift: Float64Array.of(0), scale: Float64Array.of(255) };
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const range = max - min;
    return { mode, channels: 1, shift: Float64Array.of(min), scale: Float64Array.of(range > 0 ? range : 1) };
  }
  const channels = channelsOf(sampleShape);
  const features = x.length / count;
  const perChannel = features / channels;
  const sum = new Float64Array(channels);
  for (let i = 0; i < count; i++) {
    const row = i * features;
    for (let c = 0; c < channels; c++) {
      let s = 0;
      for (let j = row + c * perChannel, end = j + perChannel; j < end; j++) s += x[j];
      sum[c] += s;
    }
  }
  const n = count * perChannel;
  const mean = sum.map((s) => s / n);
  // Second pass over the deviations: no cancellation when the mean is large against the spread.
  const squares = new Float64Array(channels);
  for (let i = 0; i < count; i++) {
    const row = i * features;
    for (let c = 0; c < channels; c++) {
      const m = mean[c];
      let s = 0;
      for (let j = row + c * perChannel, end = j + perChannel; j < end; j++) {
        const d = x[j] - m;
        s += d * d;
      }
      squares[c] += s;
    }
  }
  const scale = squares.map((q) => {
    const sd = Math.sqrt(q / n);
    return sd > 0 ? sd : 1;
  });
  return { mode, channels, shift: mean, scale };
}

/**
 * Applies `norm` to `x` (count × features, row-major) in place. Returns the first entry whose image
 * float32 cannot hold (its index in `x` and its input), or null: finite inputs far outside the ones
 * that fitted the map (a test input of 10³ where the training inputs of its feature span 10⁻³⁸).
 */
export function applyNormalization(norm: Normalization, x: Float32Array, features: number): { index: number; input: number } | null {
  if (norm.mode === 'none') return null;
  const perChannel = features / norm.channels;
  let beyond: { index: number; input: number } | null = null;
  for (let row = 0; row < x.length; row += features) {
    for (let c = 0; c < norm.channels; c++) {
      const shift = norm.shift[c];
      const scale = norm.scale[c];
      for (let j = row + c * perChannel, end = j + perChannel; j < end; j++) {
        const input = x[j];
        x[j] = (input - shift) / scale;
        if (!beyond && !Number.isFinite(x[j])) beyond = { index: j, input };
      }
    }
  }
  return beyond;
}

/**
 * A float32 value in the shortest decimal that reads back to it (`Math.fround(0.1)` is 0.1, not
 * 0.10000000149011612): the number a file wrote for an input, unless it wrote more digits than
 * float32 keeps.
 */
export function float32Text(x: number): string {
  // Nine significant digits always read back to the same float32.
  for (let digits = 1; ; digits++) {
    const text = formatNumber(Number(x.toPrecision(digits)));
    if (digits === 9 || Math.fround(Number(text)) === x) return text;
  }
}
