/**
 * The command line's own limits (docs/limits.md, "Sizes and limits"): what it reads, what it
 * prints, and how much work one analysis may ask for. Each is checked before the work it bounds, and
 * a refusal names the limit. The limits of one run (width, weights, points, steps) are the core's:
 * src/core/experiment/limits.ts.
 */
import { MAX_PARAMETERS, MAX_POINTS } from '../core/experiment/limits';

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

/** Sizes in messages are written as every experiment file's messages write them. */
export { formatBytes } from '../core/experiment/diagnostic';
