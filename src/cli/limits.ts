/**
 * The command line's own limits (docs/limits.md, "Sizes and limits"): what it reads, what it
 * prints, and how much work one analysis may ask for. Each is checked before the work it bounds, and
 * a refusal names the limit. The limits of one run (width, weights, points, steps) are the core's:
 * src/core/experiment/limits.ts.
 */
import { countOf, eachOf, formatCount } from '../core/experiment/diagnostic';
import { MAX_JSON_TOKENS, MAX_PARAMETERS, MAX_POINTS, MAX_SIMULATION_WORK } from '../core/experiment/limits';

/** Largest experiment file read, in bytes; larger files, and anything but a regular file, are refused before reading. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

/**
 * Largest output of one command, in bytes, estimated from the worst case before the work (half of
 * the longest string V8 can hold, so printing never fails after the computation).
 */
export const MAX_OUTPUT_BYTES = 256 * 1024 * 1024;

/** Most bytes one printed number takes with its separator: `-0.0000012345678901234567,` is 26. */
export const NUMBER_BYTES = 26;

/** Most bytes of one run's summary object as printed (it holds about 40 short fields). */
export const SUMMARY_BYTES = 8192;

/** Most widths in one `flab scaling`. */
export const MAX_SCAN_WIDTHS = 100;

/** Most seeds per width in one `flab scaling`. */
export const MAX_SCAN_SEEDS = 1000;

/**
 * Numbers drawn (or read) by one analysis in all — a sweep, a width scan, a phase diagram — counted
 * as (width + samples) × input dimension per run or redraw: twice the largest single run (about
 * 10 s; a draw and its reduction cost about 100 ns).
 */
export const MAX_ANALYSIS_DRAWS = 2 * MAX_PARAMETERS;

/**
 * Reported points over all the runs of one sweep, whatever it prints: the runs are kept in memory
 * until printed (about 100 bytes a point): four times the most points of one run.
 */
export const MAX_SWEEP_POINTS = 4 * MAX_POINTS;

/**
 * JSON tokens re-validated by one analysis in all: a sweep, a width scan or a phase axis over a key
 * that is not one of the fast keys writes each value into the file's value and checks the whole file
 * again (1.5–3 µs a token, idle or loaded), so the file's tokens count once per value: two and a half
 * times the largest file (15–40 s; docs/limits.md has the measurement).
 */
export const MAX_ANALYSIS_TOKENS = 2.5 * MAX_JSON_TOKENS;

/**
 * Characters of the file written out and read again by one analysis in all (the file's length once per
 * value): the tokens do not see a long string, which costs about 10 ns a character to read again, and
 * each variant's experiment keeps its own text — a 60 MB name over a 128 × 2 phase grid exhausted a
 * 4 GB heap, and a sweep of 1,000 values over it would have taken ten minutes. 2²⁸ characters is
 * about 3 s and at most 512 MB.
 */
export const MAX_ANALYSIS_CHARACTERS = 2 ** 28;

/**
 * Why re-reading a file of `characters` characters `variants` times is refused (`what` says what
 * asks for it, `instead` what to do), or null within MAX_ANALYSIS_CHARACTERS.
 */
export function rereadTooLarge(characters: number, variants: number, what: string, instead: string): string | null {
  const total = characters * variants;
  if (total <= MAX_ANALYSIS_CHARACTERS) return null;
  return `${what} writes the file out and reads it again for ${eachOf(variants, 'value')}: ${countOf(characters, 'character')} each, ${formatCount(total)} in all, over the limit of ${formatCount(MAX_ANALYSIS_CHARACTERS)} for one analysis (docs/limits.md): ${instead}, or keep long text (a long name or description) out of the file`;
}

/**
 * Multiply-adds of gradient descent over all the runs of one sweep (steps × samples × width × input
 * dimension, summed): the most of one run, so that a sweep takes no longer than the longest single
 * run (the plain loop does about 10⁸ a second on one core: 1.5 minutes).
 */
export const MAX_ANALYSIS_WORK = MAX_SIMULATION_WORK;

/**
 * Modeled multiply-adds of all the trainings of one network sweep: steps × (3 × batch × Σ products of
 * consecutive layer sizes + 25 × TRAINING_OPERATION_WORK): about five minutes at the backend's
 * measured 28 GFLOP/s on two cores (docs/networks.md); the values of a longer study are trained one
 * `flab train` at a time.
 */
export const MAX_TRAINING_SWEEP_WORK = 3e12;

/** The fixed cost of one TensorFlow.js operation, in multiply-adds of the work model (docs/networks.md, "Measurements"). */
export const TRAINING_OPERATION_WORK = 4e5;

/** Sizes in messages are written as every experiment file's messages write them. */
export { formatBytes } from '../core/experiment/diagnostic';
