/**
 * Sizes beyond which a checkpoint, a glob or a metrics file is refused rather than allowed to exhaust
 * memory or time (docs/checkpoints.md, "Limits"). Each is checked before anything of that size is
 * allocated, and named in the message that refuses it.
 */

/** Bytes of a safetensors JSON header: the reference implementation's own limit (100 MB). */
export const MAX_HEADER_BYTES = 100_000_000;
/**
 * Bytes of a sharded save's index (`model.safetensors.index.json`), checked before it is read: an index
 * lists every tensor of the save in some 60–100 bytes (`"model.layers.60.mlp.experts.255.down_proj.weight":
 * "model-00163-of-00163.safetensors",` indented), so 16 MiB holds some 170,000 to 280,000 tensors — a
 * mixture of experts of 61 layers of 256 experts has 47,000 expert matrices, 94,000 with their FP8
 * scales — and reads in 0.7 s at 9 MB; one of 41 MB (700,000 tensors) took 5–6 s to read on a shared
 * 2-core machine, at every look (docs/limits.md).
 */
export const MAX_INDEX_BYTES = 16 * 2 ** 20;
/** Bytes of one layer once read (as float32, or float64 for F64 tensors): 2 GiB. */
export const MAX_LAYER_BYTES = 2 ** 31;
/** Bytes of every selected layer together: the first checkpoint's layers stay in memory as the reference. */
export const MAX_NETWORK_BYTES = 2 ** 33;
/** Files a glob may match: every checkpoint is one point of every curve. */
export const MAX_CHECKPOINTS = 2000;
/** Milliseconds a glob may crawl before it is abandoned (a pattern like `/**` on a large disk). */
export const GLOB_TIMEOUT_MS = 10_000;
/** Bytes of a metrics JSON Lines file. */
export const MAX_METRICS_BYTES = 256 * 2 ** 20;
/**
 * Bytes of one line of it: a line holds a step and a few numbers (a logger's line is a few hundred
 * bytes). A longer one is skipped unread: one line of 250 MB of nested arrays took 5 GB to parse and
 * crashed the process.
 */
export const MAX_METRICS_LINE_BYTES = 2 ** 20;
/** Layers selected (by name or by default). */
export const MAX_LAYERS = 1000;
/** Bytes read from a file by one read call; a larger tensor is read in pieces. */
export const READ_CHUNK_BYTES = 16 * 2 ** 20;
/**
 * Bytes of the checkpoints one run of the built-in trainer may write (`training.checkpoints`): 16 GiB,
 * 256 checkpoints of the largest network it trains (16,777,216 float32 weights and biases, 64 MiB) or
 * 2,000 of a network of 2 million. `flab checkpoints` reads and measures 67 MB of layers in 0.35–1.6 s
 * (docs/checkpoints.md, "Speed"): 16 GiB in 1.5 to 7 minutes; a run that needs more writes fewer checkpoints.
 */
export const MAX_WRITTEN_BYTES = 16 * 2 ** 30;
/** The share of the free space of its file system a run's checkpoints may take: the rest is left to the system and to other writers. */
export const FREE_SPACE_SHARE = 0.9;
/** Bytes of one metrics.jsonl line the trainer writes, at most: seven keys and their numbers (24 characters each at most). */
export const METRICS_LINE_BYTES = 256;
