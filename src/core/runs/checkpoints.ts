/**
 * Reading a checkpoint experiment (docs/checkpoints.md, "Runs and output"): the files its glob matches,
 * relative to the experiment file, measured with the layer metrics on TensorFlow.js's WebAssembly
 * backend (the fast products; docs/checkpoints.md, "Speed"), labelled with the file's thresholds — the
 * object `flab checkpoints --json` prints. `checkpointReaderOf` gives the same reader for a live view
 * that follows the folder (`watchCheckpoints`).
 */
import * as tf from '@tensorflow/tfjs-core';
import { CheckpointExperiment } from '../checkpoints/checkpointExperiment';
import { CheckpointReader, CheckpointsResult, readCheckpoints } from '../checkpoints/checkpointReader';
import { useWasmBackend } from '../network/backend';
import { MatrixProducts, tfjsProducts } from '../network/layerMetrics';

export interface CheckpointRunOptions {
  /** The experiment file's folder: the glob and the metrics file are relative to it. */
  baseDir: string;
  /**
   * Where the products run: the WebAssembly backend (default, started here), or `'javascript'` — plain
   * JavaScript, no backend (slower for large layers; the same numbers to float32 accuracy).
   */
  products?: 'wasm' | 'javascript';
  /** The TensorFlow.js .wasm binaries' folder (default: found from the bundle). */
  wasmDirectory?: string;
  /** For a live reader: how long a file must be unchanged before it is read (docs/checkpoints.md, "Live reading"). */
  settleMs?: number;
}

/** What `flab checkpoints FILE --json` prints: the reader's result with the experiment's name and description. */
export interface CheckpointRunResult extends CheckpointsResult {
  name: string | null;
  description: string | null;
}

/** The products a checkpoint run measures with: TensorFlow.js's WebAssembly backend unless plain JavaScript is asked for. */
async function productsFor(options: CheckpointRunOptions): Promise<MatrixProducts | undefined> {
  if (options.products === 'javascript') return undefined;
  await useWasmBackend(options.wasmDirectory);
  return tfjsProducts(tf);
}

/** Reads every checkpoint the experiment's glob matches, once. Problems with files are in `problems`; it rejects only when the backend cannot start. */
export async function readCheckpointExperiment(e: CheckpointExperiment, options: CheckpointRunOptions): Promise<CheckpointRunResult> {
  const products = await productsFor(options);
  const result = await readCheckpoints(e.checkpoints, { baseDir: options.baseDir, measure: { products }, thresholds: e.thresholds });
  return { name: e.name ?? null, description: e.description ?? null, ...result };
}

/** A reader of the experiment's checkpoints that keeps its state between refreshes, for a live view. */
export async function checkpointReaderOf(e: CheckpointExperiment, options: CheckpointRunOptions): Promise<CheckpointReader> {
  const products = await productsFor(options);
  return new CheckpointReader(e.checkpoints, { baseDir: options.baseDir, measure: { products }, thresholds: e.thresholds, settleMs: options.settleMs ?? 200 });
}
