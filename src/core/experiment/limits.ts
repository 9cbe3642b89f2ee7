/**
 * Sizes beyond which a run is refused rather than allowed to exhaust memory or time.
 * Each limit states its reason in the message that refuses it.
 */

/** Parameters (width × input dimension) drawn or read for one run: 8 bytes each when stored. */
export const MAX_PARAMETERS = 50_000_000;
/** Parameters kept in memory by the plain gradient-descent loop (u and W as 64-bit floats, twice). */
export const MAX_SIMULATED_PARAMETERS = 20_000_000;
/** Multiply-adds of the plain gradient-descent loop: steps × samples × width × input dimension. */
export const MAX_SIMULATION_WORK = 1e10;
/** Gradient-descent steps of one run. */
export const MAX_STEPS = 10_000_000;
/** Reported time points. */
export const MAX_POINTS = 1_000_000;
/**
 * Tokens of an experiment file's JSON (numbers, strings, keys, brackets, commas, colons), counted by
 * the scanner before the parser builds its tree: the tree, the plain value and the checks take about
 * 200 bytes per token, so the largest accepted file is parsed and validated within 1 GiB of heap
 * (docs/limits.md, "Reading an experiment file", with the measurement).
 */
export const MAX_JSON_TOKENS = 4_000_000;
/** What parsing more than MAX_JSON_TOKENS tokens would take, as a refusal says it. */
export const JSON_TOKENS_MEMORY = '1 GiB of memory';
