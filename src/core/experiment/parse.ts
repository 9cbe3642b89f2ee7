/**
 * Reading an experiment file: JSON with comments → located diagnostics and, when there are none,
 * a validated `Experiment` with its defaults filled in. The schema (`media/flab.schema.json`) is
 * the single definition of the format; the checks here are the ones a schema cannot express
 * (shapes that must agree, collinear data, ordered times, sizes).
 */
import { createScanner, findNodeAtLocation, getNodeValue, Node, ParseError, parseTree } from 'jsonc-parser';
import { countOf, Diagnostic, excerpt, formatBound, formatCount, formatLn, formatNumber, lnOverLimit } from './diagnostic';
import { LinearData, Experiment, InitSpec, Sample, TimeSpec } from './experiment';
import { describeKind, EXPERIMENT_SCHEMA, experimentKind, ExperimentKind, kindConfusion, kindKey, kindSchema } from './kind';
import { JSON_TOKENS_MEMORY, MAX_JSON_TOKENS, MAX_PARAMETERS } from './limits';
import { checkAgainstSchema, checkValue, SchemaNode } from './schema';
import { PathProblem, problemsBesideRefused } from './schemaRepair';
import { parsePath } from './jsonPath';
import { TOKEN } from './jsonTokens';
import { dot, norm, unit } from '../math/vectors';
import { resolveSweep } from './sweepSpec';
import { resolveWidthPowers } from './widthPowers';
import { syntaxDiagnostics } from './syntaxError';

export { EXPERIMENT_SCHEMA } from './kind';

/** Relative tolerance of the collinearity check on a data set's inputs. */
export const COLLINEARITY_TOLERANCE = 1e-9;

/**
 * Deepest nesting of arrays and objects read (docs/limits.md, "Sizes and limits"). An experiment
 * needs 5 (`data.samples[i].x`); the parser recurses once per level, and a few thousand levels
 * would exhaust the stack.
 */
export const MAX_NESTING_DEPTH = 64;

export interface ParseResult {
  /** The validated experiment, or null when there is any error. */
  experiment: Experiment | null;
  diagnostics: Diagnostic[];
  /** The syntax tree (undefined when the text is not JSON at all); used to locate paths. */
  tree: Node | undefined;
  /**
   * The kind of file, once it is JSON (docs/architecture.md, "Experiment kinds"). A network or
   * checkpoint file is refused here with one diagnostic at the key that makes it one: it is parsed by
   * `parseAnyExperiment` (src/core/runs/anyExperiment.ts).
   */
  kind?: ExperimentKind;
}

/** The syntax tree of an experiment file's text, or the located reasons there is none (JSON syntax, nesting, emptiness). */
export interface JsonText {
  tree: Node | undefined;
  diagnostics: Diagnostic[];
}

/**
 * Reads the text of a `*.flab.json` file as JSON with comments: the tree, or located syntax errors.
 * Never throws. A leading UTF-8 byte-order mark is read as white space, so every offset stays an
 * offset into `text`. Nesting deeper than MAX_NESTING_DEPTH, and more than MAX_JSON_TOKENS tokens, are
 * refused before the parser allocates or recurses (`structureProblem`).
 */
export function parseJsonText(text: string): JsonText {
  const json = text.charCodeAt(0) === 0xfeff ? ' ' + text.slice(1) : text;
  const tooDeep = structureProblem(json);
  if (tooDeep) return { diagnostics: [tooDeep], tree: undefined };
  const parseErrors: ParseError[] = [];
  const options = { allowTrailingComma: true, disallowComments: false };
  const tree = parseTree(json, parseErrors, options);
  const diagnostics: Diagnostic[] = syntaxDiagnostics(json, parseErrors, options);
  if (!tree && diagnostics.length === 0) diagnostics.push({ message: 'the file is empty: an experiment is a JSON object', path: '', offset: 0, length: 0, severity: 'error' });
  return { tree, diagnostics };
}

/**
 * Parses and validates the text of a `*.flab.json` file of the two-layer linear model. Never throws.
 * A leading UTF-8 byte-order mark is accepted, as VS Code accepts it: it is read as white space, so
 * every offset stays an offset into `text` (VS Code's document text has no mark; the CLI strips it
 * before calling). A file of another kind gets one diagnostic, at the key that makes it that kind,
 * and its `kind`.
 */
export function parseExperiment(text: string): ParseResult {
  const { tree, diagnostics } = parseJsonText(text);
  if (diagnostics.length > 0 || !tree) return { experiment: null, diagnostics, tree };
  return experimentFromTree(tree, text);
}

/**
 * `parseExperiment` from the syntax tree of `text` (parsed without errors by `parseJsonText`): the
 * kind, then the schema and the checks of the two-layer linear model.
 */
export function experimentFromTree(tree: Node, text: string): ParseResult {
  const diagnostics: Diagnostic[] = [];
  const kind = experimentKind(tree);
  const confusion = kindConfusion(tree);
  if (confusion) return { experiment: null, diagnostics: [confusion], tree, kind };
  if (kind !== 'linear') return { experiment: null, diagnostics: [kindDiagnostic(tree, kind)], tree, kind };
  checkAgainstSchema(tree, EXPERIMENT_SCHEMA, EXPERIMENT_SCHEMA, '', diagnostics, text);
  if (diagnostics.length > 0) {
    // The checks the schema cannot make, on the keys it accepted: every error in one pass.
    const beside = besideSchemaErrors(tree, text, diagnostics, kindSchema('linear'), (value) => {
      const found: Diagnostic[] = [];
      linearChecks(value, tree, text, found);
      return found;
    });
    // The explicit initialisation's shapes, which need only the width (and the data's dimension): also
    // where the file without its refused keys is still refused (a missing `learningRates`).
    const init = explicitInitBeside(tree, text, [...diagnostics, ...beside]);
    return { experiment: null, diagnostics: [...diagnostics, ...beside, ...init], tree, kind };
  }
  const experiment = linearChecks(getNodeValue(tree), tree, text, diagnostics);
  return { experiment: diagnostics.length > 0 ? null : experiment, diagnostics, tree, kind };
}

/**
 * The linear model's checks of a value the schema accepts, `source` (the file's, or the file's without
 * the keys the schema refused): its normal form, with every problem located in `tree` added to `out`.
 */
function linearChecks(source: unknown, tree: Node, text: string, out: Diagnostic[]): Experiment {
  // Width powers and a parameterisation become plain numbers first (docs/mechanisms.md); the sweep is resolved.
  const widths = resolveWidthPowers(source);
  const experiment = normalise(widths.resolved as RawExperiment);
  const extra = source as { classify?: Experiment['classify']; sweep?: Parameters<typeof resolveSweep>[0]; parameterisation?: Experiment['parameterisation'] };
  const sweep = extra.sweep ? resolveSweep(extra.sweep, 'linear', source) : { spec: undefined, problems: [] };
  Object.assign(experiment, { classify: extra.classify, sweep: sweep.spec, widthScaling: widths.widthScaling, parameterisation: extra.parameterisation, source });
  for (const p of [...widths.problems, ...sweep.problems]) out.push(locatedProblem(tree, text, p));
  checkSemantics(experiment, tree, out, text);
  return experiment;
}

/**
 * The shapes of the linear model's explicit initialisation (`init.u`, `init.W`, d × D) against the
 * width `d` and, when known, the input dimension `D` (the data's): each at its key, the first row of W
 * of another length only.
 */
function explicitInitProblems(u: readonly unknown[], W: readonly (readonly unknown[])[], d: number, D: number | null): PathProblem[] {
  const out: PathProblem[] = [];
  if (u.length !== d) out.push({ message: `init.u has ${countOf(u.length, 'entry', 'entries')}, but model.width is ${formatCount(d)}`, path: 'init.u' });
  if (W.length !== d) out.push({ message: `init.W has ${countOf(W.length, 'row')}, but model.width is ${formatCount(d)}`, path: 'init.W' });
  const i = D === null ? -1 : W.findIndex((row) => row.length !== D);
  if (i >= 0) out.push({ message: `init.W[${i}] has ${countOf(W[i].length, 'entry', 'entries')}, but the input dimension (length of the data's x) is ${formatCount(D!)}`, path: `init.W[${i}]` });
  return out;
}

/**
 * The linear model's explicit initialisation checked on its own (`explicitInitProblems`), for a file
 * the schema refuses elsewhere (a missing `learningRates` or `data`), where `linearChecks` is not
 * reached: against `model.width` when the schema accepts it, and the data's input dimension when
 * `data.x` or `data.samples[0].x` is a list. Only the structure is asked for (`init.u` a list, `init.W`
 * a list of lists); their entries are the schema's to refuse. Those that `found` does not say already
 * (none at or inside a key a problem found is at; none when one is at `init` or a key of the random
 * form beside them), located; none above BESIDE_SCHEMA_MAX_CHARS.
 */
function explicitInitBeside(tree: Node, text: string, found: readonly Diagnostic[]): Diagnostic[] {
  if (text.length > BESIDE_SCHEMA_MAX_CHARS) return [];
  if (found.some((d) => d.path === 'init' || (/^init\.[^.[]+$/.test(d.path) && d.path !== 'init.u' && d.path !== 'init.W'))) return [];
  const object = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  const value: unknown = getNodeValue(tree);
  if (!object(value) || !object(value.init) || !object(value.model)) return [];
  const { u, W } = value.init;
  if (!Array.isArray(u) || !Array.isArray(W) || !W.every((row) => Array.isArray(row))) return [];
  const width = value.model.width;
  if (width === undefined || checkValue(width, kindSchema('linear').properties!.model.properties!.width, EXPERIMENT_SCHEMA, 'model.width').length > 0) return [];
  const data = object(value.data) ? value.data : {};
  const first = Array.isArray(data.samples) && object(data.samples[0]) ? data.samples[0].x : data.x;
  const within = (path: string, key: string) => path === key || path.startsWith(`${key}.`) || path.startsWith(`${key}[`);
  return explicitInitProblems(u, W as unknown[][], width as number, Array.isArray(first) ? first.length : null)
    .filter((p) => !found.some((d) => within(p.path, d.path)))
    .map((p) => locatedProblem(tree, text, p));
}

/**
 * A problem of a kind's checks as located in `tree`, the number at its path echoed as the user wrote
 * it: a message that begins `path = v`, or quotes it as `got v` or `found v`, v the number's 64-bit
 * value formatted (`training.learningRate = 1e-53`, `got 1000000000`, `found 3.5e+38`), has the
 * literal instead (`= 0.0000…`, `= 1.0E+39`, `got 1e9`, `found 3.50e38`), as the schema's own messages do.
 */
export function locatedProblem(tree: Node, text: string, p: { path: string; message: string }): Diagnostic {
  const { node, complete } = walkPath(tree, p.path);
  let message = p.message;
  if (complete && node.type === 'number') {
    const said = `${p.path} = ${formatNumber(node.value as number)}`;
    const written = excerpt(text.slice(node.offset, node.offset + node.length));
    if (message.startsWith(said) && /^[:;, (]/.test(message.slice(said.length))) message = `${p.path} = ${written}${message.slice(said.length)}`;
    // A check of the value itself (a sweep's entry: `must be ≤ 16,777,216, got 1,000,000,000`; inline data:
    // `found 3.5e+38`) likewise.
    const value = node.value as number;
    // (A count is written with separators: `got 1,000,000,000`.)
    for (const said of new Set([formatNumber(value), JSON.stringify(value), ...(Number.isSafeInteger(value) ? [formatCount(value)] : [])])) {
      for (const word of ['got', 'found']) {
        const at = message.lastIndexOf(`${word} ${said}`);
        const end = at + word.length + 1 + said.length;
        if (at >= 0 && !/[\w.+-]/.test(message[end] ?? '')) message = `${message.slice(0, at)}${word} ${written}${message.slice(end)}`;
      }
    }
  }
  return { message, path: p.path, offset: node.offset, length: node.length, severity: 'error' };
}

/**
 * Errors of the kind's own checks beside the schema's `refused` ones (schemaRepair.ts), located in
 * `tree`; none for a file over BESIDE_SCHEMA_MAX_CHARS (its value would be built and checked again).
 */
export function besideSchemaErrors(tree: Node, text: string, refused: readonly Diagnostic[], schema: SchemaNode, checks: (value: unknown) => PathProblem[]): Diagnostic[] {
  if (text.length > BESIDE_SCHEMA_MAX_CHARS) return [];
  const problems = problemsBesideRefused(tree, refused, schema, EXPERIMENT_SCHEMA, checks);
  return problems.map((p) => locatedProblem(tree, text, p));
}

/**
 * Files up to this size (UTF-16 code units, 4 Mi) get the kind's own checks beside the schema's errors;
 * a larger file's value is not built a second time for them (docs/limits.md, "Reading an experiment file").
 */
export const BESIDE_SCHEMA_MAX_CHARS = 1 << 22;

/**
 * The diagnostic that refuses a file of `kind` where the two-layer linear model is expected, located
 * at the key that makes it that kind; `instead` names what takes it (a command, a panel).
 */
export function kindDiagnostic(tree: Node, kind: ExperimentKind, instead?: string): Diagnostic {
  const key = kindKey(tree, kind);
  const range = locateKey(tree, key);
  const message = instead
    ? `this is ${describeKind(kind, tree)}: ${instead}`
    : `this is ${describeKind(kind, tree)}, not the two-layer linear model: ${kind === 'network' ? '`flab train` trains it' : '`flab checkpoints` reads it'}`;
  return { message, path: key, ...range, severity: 'error' };
}

/** The range of the key (not the value) at a JSON path, e.g. `"hidden"` of `model.hidden`; the value's range when there is no key. */
export function locateKey(tree: Node | undefined, path: string): { offset: number; length: number } {
  if (!tree) return { offset: 0, length: 0 };
  const node = findNodeAtLocation(tree, parsePath(path));
  const key = node?.parent?.type === 'property' ? node.parent.children?.[0] : undefined;
  return key ? { offset: key.offset, length: key.length } : locatePath(tree, path);
}

/**
 * The syntax tree of `text` for code that reads or edits a document outside the validator (the
 * panel's controls and its minimal edits): undefined when the nesting is deeper than
 * MAX_NESTING_DEPTH, where jsonc-parser would exhaust the stack, or the tokens more than
 * MAX_JSON_TOKENS, where it would exhaust the heap, or a run of spaces and tabs is longer than
 * MAX_BLANK_RUN or the strings hold more than MAX_STRING_ESCAPES escapes, where its scanner would take
 * minutes or gigabytes.
 */
export function parseTreeGuarded(text: string, errors: ParseError[] = []): Node | undefined {
  if (structureProblem(text)) return undefined;
  return parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
}

/**
 * The first reason the parser must not build a tree of `text`, found by jsonc-parser's own scanner
 * (the tokens its parser sees) in one pass, before the parser allocates or recurses:
 * - a bracket past MAX_NESTING_DEPTH levels. The count keeps a stack and pops only a matching
 *   closer, as the parser closes only on one (a stray closer is skipped), so it never reads less
 *   depth than the parser would reach;
 * - a token past MAX_JSON_TOKENS. Every token the parser sees is counted — numbers, strings (keys
 *   included), `true`, `false`, `null`, brackets, commas, colons and unknown characters — since each
 *   becomes a node of the tree or a parse error; white space and comments are not.
 * Exported for the tests of the limits.
 */
export function structureProblem(text: string): Diagnostic | null {
  const costs = scannerCosts(text);
  if (costs.blankRun >= 0) {
    return {
      message: `more than ${formatCount(MAX_BLANK_RUN)} spaces and tabs in a row: the parser builds such a run one character at a time (64 MiB of spaces took a minute and 3 GB of memory), so the file is refused before it is parsed (docs/limits.md, "Reading an experiment file"); remove the run`,
      path: '',
      offset: costs.blankRun,
      length: MAX_BLANK_RUN + 1,
      severity: 'error',
    };
  }
  if (costs.escapesOver >= 0) {
    return {
      message: `more than ${formatCount(MAX_STRING_ESCAPES)} escape sequences (\\n, \\t, \\u0041 …) in the file's strings: the parser builds a string piece by piece between them (31 million took 1.35 GB), so the file is refused before it is parsed (docs/limits.md, "Reading an experiment file"); keep long text out of the experiment file`,
      path: '',
      offset: costs.escapesOver,
      length: 2,
      severity: 'error',
    };
  }
  const scanner = createScanner(text, true);
  const open: number[] = [];
  let tokens = 0;
  for (let token: number = scanner.scan(); token !== TOKEN.EOF; token = scanner.scan()) {
    if (token === TOKEN.Trivia || token === TOKEN.LineBreak || token === TOKEN.LineComment || token === TOKEN.BlockComment) continue;
    if (++tokens > MAX_JSON_TOKENS) {
      return {
        message: `more than ${formatCount(MAX_JSON_TOKENS)} JSON tokens (numbers, strings, keys, brackets, commas and colons): the file is refused before it is parsed, which would take over ${JSON_TOKENS_MEMORY} (docs/limits.md, "Reading an experiment file"); keep large data in a data file (a network experiment's "data": { "format": "csv", … })`,
        path: '',
        offset: scanner.getTokenOffset(),
        length: Math.max(1, scanner.getTokenLength()),
        severity: 'error',
      };
    }
    if (token === TOKEN.OpenBrace || token === TOKEN.OpenBracket) {
      open.push(token);
      if (open.length > MAX_NESTING_DEPTH) {
        return { message: `nesting deeper than ${MAX_NESTING_DEPTH} levels of arrays and objects: an experiment needs 5 at most`, path: '', offset: scanner.getTokenOffset(), length: 1, severity: 'error' };
      }
    } else if ((token === TOKEN.CloseBrace && open[open.length - 1] === TOKEN.OpenBrace) || (token === TOKEN.CloseBracket && open[open.length - 1] === TOKEN.OpenBracket)) {
      open.pop();
    }
  }
  return null;
}

/**
 * Spaces and tabs in a row accepted by `structureProblem`. jsonc-parser's scanner appends a run to its
 * token's value one character at a time, and the rope of a long run costs memory and collection time
 * that grow faster than the run (8 MiB: 1.2 s and 630 MB; 64 MiB: about a minute and 3 GB); runs of
 * 64 Ki characters filling 60 MiB take 1.5 s and 300 MB, as other white space does.
 */
export const MAX_BLANK_RUN = 65_536;

/**
 * Escape sequences (`\n`, `\t`, `\u0041` …) in the strings of a file accepted by `structureProblem`.
 * jsonc-parser's scanner appends a string to its value piece by piece between escapes, and a rope of
 * millions of pieces costs about 40 bytes each: 31 million `\t` in a 60 MiB file took 5.7 s and 1.35 GB,
 * and a sweep parses the file again for every value. 10⁶ take about 0.2 s and 40 MB.
 */
export const MAX_STRING_ESCAPES = 1_000_000;

/**
 * What would make jsonc-parser's scanner slow, found in one pass before it runs: the offset of the first
 * run of more than MAX_BLANK_RUN spaces and tabs that it would read as white space (runs inside strings
 * and comments, which it takes as substrings, are skipped as it skips them: a string ends at its
 * closing quote or at a line break, a line comment at a line break, a block comment at its closing
 * mark), or −1; the escape sequences in strings, and the offset of the one past MAX_STRING_ESCAPES, or −1.
 */
function scannerCosts(text: string): { blankRun: number; escapes: number; escapesOver: number } {
  let start = 0;
  let escapes = 0;
  let escapesOver = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9) {
      if (i - start >= MAX_BLANK_RUN) return { blankRun: start, escapes, escapesOver };
      continue;
    }
    if (c === 34) {
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 92) {
          if (++escapes > MAX_STRING_ESCAPES && escapesOver < 0) escapesOver = i;
          i++;
        } else if (d === 34 || d === 10 || d === 13) break;
      }
    } else if (c === 47 && text.charCodeAt(i + 1) === 47) {
      while (i + 1 < text.length && text.charCodeAt(i + 1) !== 10 && text.charCodeAt(i + 1) !== 13) i++;
    } else if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    }
    start = i + 1;
  }
  return { blankRun: -1, escapes, escapesOver };
}

/**
 * The JSON tokens of `text` as `structureProblem` counts them, and its strings' escape sequences, each
 * a step of the scanner's as costly: what re-validating the file costs, per value of a sweep.
 */
export function countJsonTokens(text: string): number {
  const scanner = createScanner(text, true);
  let tokens = scannerCosts(text).escapes;
  for (let token: number = scanner.scan(); token !== TOKEN.EOF; token = scanner.scan()) {
    if (token !== TOKEN.Trivia && token !== TOKEN.LineBreak && token !== TOKEN.LineComment && token !== TOKEN.BlockComment) tokens++;
  }
  return tokens;
}

/**
 * The character range of the value at a JSON path such as `learningRates.u` or `data.samples[2].x`
 * (or of the nearest enclosing value that exists). A key may itself hold dots — a sweep's key is a path,
 * `sweep.model.outputScale` — so at each object the longest key that the path continues with is taken.
 */
export function locatePath(tree: Node | undefined, path: string): { offset: number; length: number } {
  if (!tree) return { offset: 0, length: 0 };
  const { node } = walkPath(tree, path);
  return { offset: node.offset, length: node.length };
}

/**
 * The node at a JSON path as messages write it — a key may hold dots and brackets itself (a sweep's
 * `"model.hidden[0]"`): the longest key that the rest of the path begins with is taken — or the deepest
 * node on the way, with `complete` false, when the path goes on past what the tree has.
 */
function walkPath(tree: Node, path: string): { node: Node; complete: boolean } {
  let node = tree;
  let rest = path;
  while (rest !== '') {
    let next: Node | undefined;
    let consumed = 0;
    const index = /^\[(\d+)\]/.exec(rest);
    if (index && node.type === 'array') {
      next = node.children?.[Number(index[1])];
      consumed = index[0].length;
    } else if (node.type === 'object') {
      for (const prop of node.children ?? []) {
        const key = prop.children?.[0]?.value;
        if (typeof key !== 'string' || !rest.startsWith(key) || key.length <= consumed) continue;
        const after = rest.charAt(key.length);
        if (after === '' || after === '.' || after === '[') {
          next = prop.children?.[1];
          consumed = key.length;
        }
      }
    }
    if (!next) return { node, complete: false };
    node = next;
    rest = rest.slice(consumed).replace(/^\./, '');
  }
  return { node, complete: true };
}

interface RawExperiment {
  name?: string;
  description?: string;
  model: { width: number; outputScale?: number; activation?: Experiment['model']['activation'] };
  data: { x: number[]; y: number } | { samples: Sample[] };
  init: { scaleU: number; scaleW: number; seed?: number } | { u: number[]; W: number[][] };
  learningRates: { u: number; W: number };
  time?: { end?: number; points?: number; spacing?: 'linear' | 'log'; start?: number } | { at: number[] };
  compare?: { simulate?: boolean };
  weightDecay?: number;
}

function normalise(raw: RawExperiment): Experiment {
  const data: LinearData = 'samples' in raw.data ? { kind: 'samples', samples: raw.data.samples } : { kind: 'single', x: raw.data.x, y: raw.data.y };
  const init: InitSpec = 'u' in raw.init ? { kind: 'explicit', u: raw.init.u, W: raw.init.W } : { kind: 'random', scaleU: raw.init.scaleU, scaleW: raw.init.scaleW, seed: raw.init.seed ?? 0 };
  const rawTime = raw.time ?? {};
  const time: TimeSpec = 'at' in rawTime ? { kind: 'at', at: rawTime.at } : { kind: 'grid', end: rawTime.end, points: rawTime.points ?? 400, spacing: rawTime.spacing ?? 'linear', start: rawTime.start };
  return {
    name: raw.name,
    description: raw.description,
    model: { width: raw.model.width, outputScale: raw.model.outputScale ?? 1, activation: raw.model.activation ?? 'linear' },
    data,
    init,
    learningRates: { u: raw.learningRates.u, W: raw.learningRates.W },
    time,
    compare: { simulate: raw.compare?.simulate ?? false },
    weightDecay: raw.weightDecay ?? 0,
  };
}

function checkSemantics(e: Experiment, tree: Node, out: Diagnostic[], text: string): void {
  const error = (message: string, path: string) => out.push({ message, path, ...locatePath(tree, path), severity: 'error' });
  const d = e.model.width;

  // Input dimension and collinearity of the data.
  let D: number;
  if (e.data.kind === 'single') {
    D = e.data.x.length;
    if (e.data.x.every((v) => v === 0)) error('data.x is the zero vector: the input direction is undefined and nothing can be learned', 'data.x');
  } else {
    const samples = e.data.samples;
    D = samples[0].x.length;
    for (let i = 1; i < samples.length; i++) {
      if (samples[i].x.length !== D) {
        error(`data.samples[${i}].x has ${countOf(samples[i].x.length, 'entry', 'entries')}, but data.samples[0].x has ${formatCount(D)}: every input must have the same dimension`, `data.samples[${i}].x`);
        return;
      }
    }
    const bad = firstNonCollinear(samples);
    if (bad === -1) error('data.samples: every input is zero, so the input direction is undefined and nothing can be learned', 'data.samples');
    else if (bad !== null) error(`data.samples[${bad}].x is not on the line of the first nonzero input: the data must be one-dimensional (collinear to a relative tolerance of ${COLLINEARITY_TOLERANCE})`, `data.samples[${bad}].x`);
    else {
      const over = irreducibleLossOverflow(samples);
      if (over) {
        const path = `data.samples[${over.sample}].y`;
        const at = locatePath(tree, path);
        const written = excerpt(text.slice(at.offset, at.offset + at.length));
        error(`${path} = ${written}: the data's irreducible loss ½E[(y − βa)²] (the least loss any weights reach, included in every loss printed; docs/model.md §1) is about ${over.size}, beyond the 64-bit range (sizes above ${over.limit} are refused); scaled together, the targets must be at most about ${over.largest} in size (docs/limits.md, "Representable ranges")`, path);
      }
    }
  }

  // Sizes.
  if (d * D > MAX_PARAMETERS) {
    error(`model.width × input dimension = ${formatCount(d)} × ${formatCount(D)} = ${formatCount(d * D)} hidden weights exceeds the limit of ${formatCount(MAX_PARAMETERS)} (${formatNumber(MAX_PARAMETERS * 8 / 1e6)} MB of 64-bit numbers to draw and reduce)`, 'model.width');
  }

  // An explicit initialisation must match the width and the input dimension.
  if (e.init.kind === 'explicit') for (const p of explicitInitProblems(e.init.u, e.init.W, d, D)) error(p.message, p.path);

  // Time.
  if (e.time.kind === 'at') {
    for (let i = 1; i < e.time.at.length; i++) {
      if (!(e.time.at[i] >= e.time.at[i - 1])) {
        error(`time.at must be in increasing order, but time.at[${i}] = ${formatNumber(e.time.at[i])} comes after ${formatNumber(e.time.at[i - 1])}`, `time.at[${i}]`);
        break;
      }
    }
  } else if (e.time.start !== undefined) {
    if (e.time.spacing !== 'log') error('time.start applies to a log grid only: set time.spacing to "log" or remove time.start', 'time.start');
    else if (e.time.end !== undefined && !(e.time.start < e.time.end)) error(`time.start must be < time.end (${formatNumber(e.time.end)}), got ${formatNumber(e.time.start)}`, 'time.start');
  }
}

/** Largest size a run prints (docs/limits.md, "Representable ranges"): the largest 64-bit number over 16, so that sums of a few stay finite. */
const MAX_PRINTED_SIZE = Number.MAX_VALUE / 16;

/**
 * When the irreducible loss of collinear samples, ½E[(y − βa)²] at the least-squares β with a = x·n
 * (docs/model.md §1), is beyond MAX_PRINTED_SIZE: the sample of the largest |y|, the loss and the
 * largest target that would fit, as text; else null. Every loss of every run of these data is at
 * least this, so no weights can make the run printable. Computed in the unit of the largest |a| and
 * |y| (no overflow) from the residuals (no cancellation); a residual below 1e-14 of the targets is
 * rounding, read as a perfect fit.
 */
function irreducibleLossOverflow(samples: Sample[]): { sample: number; size: string; limit: string; largest: string } | null {
  const first = samples.findIndex((s) => s.x.some((v) => v !== 0));
  const n = unit(samples[first].x);
  const a = samples.map((s) => dot(s.x, n));
  let ma = 0;
  let my = 0;
  let sample = 0;
  for (let i = 0; i < samples.length; i++) {
    ma = Math.max(ma, Math.abs(a[i]));
    if (Math.abs(samples[i].y) > my) {
      my = Math.abs(samples[i].y);
      sample = i;
    }
  }
  if (!(my > 0) || !(ma > 0)) return null;
  let aa = 0;
  let ay = 0;
  let yy = 0;
  for (let i = 0; i < samples.length; i++) {
    aa += (a[i] / ma) ** 2;
    ay += (a[i] / ma) * (samples[i].y / my);
    yy += (samples[i].y / my) ** 2;
  }
  const beta = ay / aa;
  let rr = 0;
  for (let i = 0; i < samples.length; i++) rr += (samples[i].y / my - beta * (a[i] / ma)) ** 2;
  if (!(rr > 1e-28 * yy)) return null;
  const lnLoss = Math.log(0.5) + 2 * Math.log(my) + Math.log(rr / samples.length);
  const lnLimit = Math.log(MAX_PRINTED_SIZE);
  if (lnLoss <= lnLimit) return null;
  const bound = Math.exp(Math.log(my) + (lnLimit - lnLoss) / 2);
  // The size and the limit to as many digits as tell them apart (a size just over it read as the limit).
  const said = lnOverLimit(lnLoss, lnLimit);
  // The largest size offered is one that fits, rounded down: "at most about 5e153" refused targets of 4.997e153.
  const largest = Number.isFinite(bound) && bound > 0 ? formatBound(bound, 'atMost', (x) => x <= bound) : formatLn(Math.log(bound));
  return { sample, size: said.value, limit: said.limit, largest };
}

/** A number to two digits, as a message writes it: 1.1e307. */

/**
 * The index of the first sample whose input is off the line through the first nonzero input,
 * null when all are on it, -1 when every input is zero.
 */
function firstNonCollinear(samples: Sample[]): number | null {
  const first = samples.findIndex((s) => s.x.some((v) => v !== 0));
  if (first < 0) return -1;
  const n = unit(samples[first].x);
  let scale = 0;
  for (const s of samples) scale = Math.max(scale, norm(s.x));
  for (let i = 0; i < samples.length; i++) {
    const x = samples[i].x;
    const a = dot(x, n);
    let off = 0;
    for (let j = 0; j < x.length; j++) off += (x[j] - a * n[j]) ** 2;
    if (Math.sqrt(off) > COLLINEARITY_TOLERANCE * scale) return i;
  }
  return null;
}
