/**
 * The folder the built-in trainer writes checkpoints into (`training.checkpoints`, docs/checkpoints.md,
 * "Writing checkpoints"): one `step-000120.safetensors` per checkpoint — the weights as PyTorch's
 * `nn.Linear` names them in a model of `fc1`, `fc2`, … layers (`fc1.weight` out × in, `fc1.bias`), float32,
 * metadata `step` and `writer` — and one line of `metrics.jsonl` each. A checkpoint experiment reads
 * the folder back: the loop closes.
 */
import { promises as fs } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { SafetensorsFile } from './safetensors';
import { TensorToWrite, writeSafetensors } from './writeSafetensors';

/** The metadata `writer` of the trainer's checkpoints: what `prepare` may delete. */
export const TRAINER_WRITER = 'flab';

/** The name of layer l's (from 1) weight tensor, as a PyTorch model of `fc1`, `fc2`, … Linear layers names it. */
export function trainerLayerName(l: number, what: 'weight' | 'bias' = 'weight'): string {
  return `fc${l}.${what}`;
}

/** One metrics line: the keys the reader takes (docs/checkpoints.md, "The metrics file") and the trainer's four. */
export interface CheckpointMetrics {
  /** The test set's loss and accuracy when there is one (what a paper reports), else the training batches'. */
  loss: number | null;
  accuracy: number | null;
  trainLoss: number | null;
  trainAccuracy: number | null;
  testLoss: number | null;
  testAccuracy: number | null;
}

/** A layer to write: row-major, rows = outputs. */
export interface LayerToWrite {
  rows: number;
  cols: number;
  data: Float32Array | Float64Array;
}

export class CheckpointFolder {
  private readonly digits: number;
  private readonly written: string[] = [];
  private pending: Promise<void> = Promise.resolve();
  private failure: unknown = null;

  /** `folder` (absolute) receives the checkpoints of a run of `totalSteps` steps (the width of the step in names). */
  constructor(
    readonly folder: string,
    totalSteps: number,
  ) {
    this.digits = Math.max(6, String(totalSteps).length);
  }

  /** The file name of the checkpoint of `step`: `step-000120.safetensors`. */
  fileName(step: number): string {
    return `step-${String(step).padStart(this.digits, '0')}.safetensors`;
  }

  /**
   * Makes the folder, deletes the checkpoints an earlier run of the trainer left there (files named
   * `step-<digits>.safetensors` whose metadata says `writer: flab`; nothing else is touched) and
   * empties `metrics.jsonl`, so that the folder holds this run only.
   */
  async prepare(): Promise<void> {
    await makeFolder(this.folder);
    for (const name of await fs.readdir(this.folder)) {
      if (!/^step-\d+\.safetensors$/.test(name)) continue;
      const path = join(this.folder, name);
      let ours = false;
      try {
        const file = await SafetensorsFile.open(path, name);
        ours = file.header.metadata.writer === TRAINER_WRITER;
        await file.close();
      } catch {
        ours = false; // not a whole safetensors file of ours: leave it
      }
      if (ours) await fs.rm(path, { force: true });
    }
    await fs.writeFile(join(this.folder, 'metrics.jsonl'), '');
  }

  /**
   * Queues the checkpoint of `step` (its layers and biases copied now, so the caller may go on) and
   * its metrics line; `finish` waits for every write and throws the first failure.
   */
  write(step: number, layers: readonly LayerToWrite[], biases: readonly Float32Array[] | null, metrics: CheckpointMetrics): void {
    const tensors: TensorToWrite[] = [];
    layers.forEach((w, l) => {
      tensors.push({ name: trainerLayerName(l + 1), dtype: 'F32', shape: [w.rows, w.cols], data: Float32Array.from(w.data) });
      if (biases) tensors.push({ name: trainerLayerName(l + 1, 'bias'), dtype: 'F32', shape: [biases[l].length], data: biases[l].slice() });
    });
    const name = this.fileName(step);
    const line = JSON.stringify({ step, ...metrics }) + '\n';
    this.pending = this.pending.then(async () => {
      if (this.failure) return;
      try {
        await writeSafetensors(join(this.folder, name), tensors, { step: String(step), writer: TRAINER_WRITER });
        await fs.appendFile(join(this.folder, 'metrics.jsonl'), line);
        this.written.push(name);
      } catch (err) {
        this.failure = err;
      }
    });
  }

  /** Waits for the queued writes; the files written, in order. Throws the first write's failure. */
  async finish(): Promise<string[]> {
    await this.pending;
    if (this.failure) throw this.failure;
    return this.written.slice();
  }
}

/**
 * Makes `folder` and the ancestors it lacks, one `mkdir` each from the nearest existing ancestor down.
 * Not `mkdir(…, { recursive: true })`: under a pseudo-filesystem that refuses new entries (`/proc/x`),
 * Node's recursive mkdir retries the same ENOENT forever; here the first refusal is the error.
 */
export async function makeFolder(folder: string): Promise<void> {
  const missing: string[] = [];
  for (let dir = resolve(folder); ; dir = dirname(dir)) {
    try {
      if ((await fs.stat(dir)).isDirectory()) break;
      throw new Error(`${dir} is a file, not a folder`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(dir) === dir) throw err;
      missing.push(dir);
    }
  }
  for (const dir of missing.reverse()) {
    try {
      await fs.mkdir(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}
