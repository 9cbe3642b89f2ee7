/**
 * The folder the built-in trainer writes checkpoints into (`training.checkpoints`, docs/checkpoints.md,
 * "Writing checkpoints"): one `step-000120.safetensors` per checkpoint — the weights as PyTorch's
 * `nn.Linear` names them in a model of `fc1`, `fc2`, … layers (`fc1.weight` out × in, `fc1.bias`), float32,
 * metadata `step` and `writer` — and one line of `metrics.jsonl` each. A checkpoint experiment reads
 * the folder back: the loop closes.
 */
import { promises as fs } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { formatBytes } from '../experiment/diagnostic';
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
   * `step-<digits>.safetensors` whose metadata says `writer: flab`) and empties its `metrics.jsonl`,
   * so that the folder holds this run only. A folder that holds files of those names that the trainer
   * did not write — another trainer's checkpoints, or a `metrics.jsonl` with lines of another writer —
   * is refused before anything is deleted or emptied: they are the user's, and a checkpoint experiment
   * reading the folder would mix them with this run's. Other files are never touched. Rejects with an
   * Error whose message says which files and what to do.
   */
  async prepare(): Promise<void> {
    await makeFolder(this.folder);
    const { ours, refusal } = await surveyFolder(this.folder);
    if (refusal) throw new Error(refusal);
    for (const name of ours) await fs.rm(join(this.folder, name), { force: true });
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
 * What `CheckpointFolder.prepare` would find in an existing `folder`, read only: the checkpoints the
 * trainer wrote there (`ours`, to delete), and why it would refuse the folder (`refusal`: "it holds a
 * checkpoint flab did not write (step-000099.safetensors): …"), or null. The training panel, which
 * writes no checkpoints, says so beside its run. Rejects when the folder cannot be read.
 */
export async function surveyFolder(folder: string): Promise<{ ours: string[]; refusal: string | null }> {
  const ours: string[] = [];
  const foreign: string[] = [];
  for (const name of (await fs.readdir(folder)).sort()) {
    if (!/^step-\d+\.safetensors$/.test(name)) continue;
    const path = join(folder, name);
    let writer: string | undefined;
    try {
      const file = await SafetensorsFile.open(path, name);
      writer = file.header.metadata.writer;
      await file.close();
    } catch {
      writer = undefined; // not a whole safetensors file: not the trainer's
    }
    (writer === TRAINER_WRITER ? ours : foreign).push(name);
  }
  const metricsProblem = await foreignMetrics(join(folder, 'metrics.jsonl'));
  if (foreign.length === 0 && !metricsProblem) return { ours, refusal: null };
  const listed = [...(foreign.length > 0 ? [`${foreign.length === 1 ? 'a checkpoint' : `${foreign.length} checkpoints`} flab did not write (${listOf(foreign)})`] : []), ...(metricsProblem ? [`a metrics.jsonl ${metricsProblem}`] : [])];
  return { ours, refusal: `it holds ${listed.join(' and ')}: a new run deletes and empties only what flab wrote, and would mix with them — give training.checkpoints.path a folder of its own, or move them away` };
}

/** The keys of every line the trainer writes into metrics.jsonl (`write`), in no order. */
const TRAINER_METRICS_KEYS = ['step', 'loss', 'accuracy', 'trainLoss', 'trainAccuracy', 'testLoss', 'testAccuracy'].sort().join(',');

/** A metrics.jsonl larger than this is not read to see whose it is: the trainer's lines are ≈ 150 bytes a checkpoint. */
const METRICS_SURVEY_BYTES = 64 * 2 ** 20;

/**
 * Why `path` is not a metrics.jsonl of the trainer's (a phrase that follows "a metrics.jsonl": "with
 * lines flab did not write (line 1)"), or null when it is one — absent, empty, or every line a JSON object with exactly the
 * trainer's keys (a last line cut short, without its newline, by a run that was killed is allowed).
 */
async function foreignMetrics(path: string): Promise<string | null> {
  let size: number;
  try {
    const stat = await fs.stat(path);
    if (!stat.isFile()) return 'that is not a file';
    size = stat.size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  if (size === 0) return null;
  if (size > METRICS_SURVEY_BYTES) return `of ${formatBytes(size)} (flab's own are far smaller)`;
  const text = await fs.readFile(path, 'utf8');
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    let keys: string | null = null;
    try {
      const v: unknown = JSON.parse(line);
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) keys = Object.keys(v).sort().join(',');
    } catch {
      if (i === lines.length - 1) continue; // the unfinished last line of a killed run
    }
    if (keys !== TRAINER_METRICS_KEYS) return `with lines flab did not write (line ${i + 1})`;
  }
  return null;
}

/** "a, b, c" or "a, b, c and 4 more". */
function listOf(names: readonly string[], shown = 3): string {
  return names.length <= shown ? names.join(', ') : `${names.slice(0, shown).join(', ')} and ${names.length - shown} more`;
}

/** What the system said when it refused to make `dir`, in words: "no such file or directory (ENOENT)". */
function refusal(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  const words: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'the file system is read-only',
    ENOSPC: 'no space left on the device',
    EDQUOT: 'the disk quota is exceeded',
    ENOTDIR: 'a part of the path is a file, not a folder',
    ENAMETOOLONG: 'the name is too long',
  };
  return code && words[code] ? `${words[code]}, ${code}` : (err as Error).message;
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
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`the system refused to create the folder ${dir} (${refusal(err)})`);
    }
  }
}
