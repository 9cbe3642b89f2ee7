/**
 * The last data a thread loaded, for its next run of the same `data` (docs/networks.md, "Speed"). A
 * worker trains run after run as the file is edited — a rate, a seed, a width — most of them on the
 * same data, and a sweep's values all are; reading the 10,000 embedded MNIST digits took 0.14–0.23 s
 * of each run before its first step (decompressing and normalising them), and the trainer's checks
 * of them another 7–25 ms (`datasetProblems`, which remembers the arrays it has checked).
 */
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DataSpec, dataFileNames } from './dataSpec';
import { defaultMnistDir, MNIST_IMAGES_FILE, MNIST_LABELS_FILE } from './mnist';
import { LoadedData, loadDataset, LoadOptions } from './loadDataset';

/**
 * Most bytes of inputs and targets kept between runs (64 MiB): the embedded MNIST's 10,000 digits
 * take 31 MB as float32; a larger set (all of CIFAR-10's 50,000 images is 614 MB) is read again
 * rather than held by an idle worker.
 */
export const MAX_KEPT_DATA_BYTES = 64 * 2 ** 20;

/** Bytes of a loaded data set's inputs and targets. */
export function loadedBytes(d: LoadedData): number {
  const set = (s: LoadedData['train'] | undefined) => (s ? s.x.byteLength + (s.targets.kind === 'classes' ? s.targets.labels.byteLength : s.targets.values.byteLength) : 0);
  return set(d.train) + set(d.test);
}

/**
 * What identifies a load: the spec, the options that change what is read, and each file it reads by
 * size, modification time and inode (as the panel's cache of finished runs tells a changed data file);
 * null when a file cannot be looked at (the load then says why, and nothing is kept).
 */
function loadKey(spec: DataSpec, options: LoadOptions): string | null {
  const files = 'dataset' in spec ? [MNIST_IMAGES_FILE, MNIST_LABELS_FILE].map((f) => join(options.mnistDir ?? defaultMnistDir(), f)) : dataFileNames(spec).map((f) => resolve(options.baseDir, f));
  const stamps: string[] = [];
  for (const f of files) {
    try {
      const s = statSync(f);
      stamps.push(`${f}:${s.size}:${s.mtimeMs}:${s.ino}`);
    } catch {
      return null;
    }
  }
  const { baseDir, maxBytes, maxReadBytes, specPath, mnistDir } = options;
  return JSON.stringify([spec, baseDir, maxBytes, maxReadBytes, specPath, mnistDir, stamps]);
}

/**
 * Loads as `loadDataset` does, giving the last load's data again when nothing it depends on changed
 * (`loadKey`) and its arrays take at most `maxKeptBytes`. The arrays are never written after
 * loading (the trainer and the measurements only read them), so runs share them. One entry: a new load replaces it.
 */
export class LoadedDataCache {
  private last: { key: string; data: LoadedData } | null = null;
  /** Loads answered from the kept data (tests and diagnostics). */
  hits = 0;

  constructor(private readonly maxKeptBytes = MAX_KEPT_DATA_BYTES) {}

  async load(spec: DataSpec, options: LoadOptions): Promise<LoadedData> {
    const key = loadKey(spec, options);
    if (key !== null && this.last?.key === key) {
      this.hits++;
      return this.last.data;
    }
    const data = await loadDataset(spec, options);
    this.last = key !== null && loadedBytes(data) <= this.maxKeptBytes ? { key, data } : null;
    return data;
  }

  /** Lets go of the kept data. */
  clear(): void {
    this.last = null;
  }
}
