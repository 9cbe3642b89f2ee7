/**
 * Numeric hyperparameters by name: a key is a JSON path (`model.outputScale`, `data.x[0]`) or the
 * unique last segment of one (`outputScale`, `scaleU`). The schema (`media/flab.schema.json`) is
 * the list of keys, so keys added to the format become sweepable without code here. Each kind of
 * experiment has its own keys (the linear model's by default; a network file's under `network`).
 */
import { parsePath } from './jsonPath';
import { didYouMean, excerpt, formatCount, formatNumber, lookAlikeNote } from './diagnostic';
import { EXPERIMENT_SCHEMA, ExperimentKind, kindSchema } from './kind';
import { SchemaNode } from './schema';

const SCHEMA = EXPERIMENT_SCHEMA;

/** A numeric key of the format and the constraints the schema puts on it. */
export interface NumericKey {
  path: string;
  integer: boolean;
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  /** Why `maximum` is what it is, when the schema says (`maximumReason`): said after its refusal. */
  maximumReason?: string;
  /** A bound the value must stay below (`training.momentum`, Adam's β: < 1). */
  exclusiveMaximum?: number;
  /** True when the key may also be written as a power of the width. */
  widthScalable: boolean;
}

/** Paths whose keys are never hyperparameters (the sweep itself, the label's thresholds). */
const NOT_HYPERPARAMETERS = ['sweep', 'classify', '$schema'];

function resolveRef(s: SchemaNode): SchemaNode {
  let node = s;
  for (let guard = 0; node.$ref && guard < 16; guard++) {
    const m = /^#\/\$defs\/(.+)$/.exec(node.$ref);
    const target = m ? SCHEMA.$defs?.[m[1]] : undefined;
    if (!target) return node;
    node = target;
  }
  return node;
}

/** The numeric form of a key: the schema itself, or its numeric `anyOf` branch (`batchSize`: an integer or "full"). */
function numericForm(s: SchemaNode): SchemaNode | null {
  const types = Array.isArray(s.type) ? s.type : s.type === undefined ? [] : [s.type];
  if (types.includes('number') || types.includes('integer')) return s;
  for (const branch of s.anyOf ?? []) {
    const form = numericForm(resolveRef(branch));
    if (form) return form;
  }
  return null;
}

function isNumeric(s: SchemaNode): boolean {
  return numericForm(s) !== null;
}

function keyOf(path: string, schema: SchemaNode): NumericKey {
  const s = numericForm(schema) ?? schema;
  const types = Array.isArray(s.type) ? s.type : [s.type];
  return {
    path,
    integer: types.includes('integer') && !types.includes('number'),
    minimum: s.minimum,
    exclusiveMinimum: s.exclusiveMinimum,
    maximum: s.maximum,
    ...(s.maximum !== undefined && s.maximumReason ? { maximumReason: s.maximumReason } : {}),
    exclusiveMaximum: s.exclusiveMaximum,
    widthScalable: types.includes('object') && s.properties?.widthExponent !== undefined,
  };
}

/**
 * The schema node at a JSON path of a file of `kind` (object keys through `oneOf` branches, array
 * indices through `items`), or null. With `source` (the file's plain JSON value), a `oneOf` is the
 * branch the file's object there is written in (`data`'s `"format": "npy"`: `branchOf`); without it,
 * or when no branch is the file's, the key as all branches have it (`loosestNumeric`).
 */
function schemaAt(path: string, kind: ExperimentKind, source?: unknown): SchemaNode | null {
  let node: SchemaNode | null = kindSchema(kind);
  let value: unknown = source;
  for (const seg of parsePath(path)) {
    if (!node) return null;
    if (typeof seg === 'number') {
      node = node.items ? resolveRef(node.items) : null;
      value = Array.isArray(value) ? value[seg] : undefined;
      continue;
    }
    const branches: SchemaNode[] = node.oneOf ? node.oneOf.map(resolveRef) : [node];
    const own = branches.length > 1 ? branchOf(branches, value) : undefined;
    const found = (own ? [own] : branches).map((b) => ownValue(b.properties, seg) as SchemaNode | undefined).filter((p): p is SchemaNode => p !== undefined).map(resolveRef);
    node = found.length > 1 ? loosestNumeric(found) : (found[0] ?? null);
    value = isObject(value) ? ownValue(value, seg) : undefined;
  }
  return node;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The one `oneOf` branch the object `value` is written in: it has every key the branch requires, no
 * key a closed branch lacks, and each of its keys the branch fixes (`const`, `enum`) has a value
 * allowed there. Undefined when none or several are.
 */
function branchOf(branches: readonly SchemaNode[], value: unknown): SchemaNode | undefined {
  if (!isObject(value)) return undefined;
  const fits = branches.filter((b) =>
    (b.required ?? []).every((k) => Object.prototype.hasOwnProperty.call(value, k)) &&
    (b.additionalProperties !== false || Object.keys(value).every((k) => ownValue(b.properties, k) !== undefined)) &&
    Object.entries(b.properties ?? {}).every(([k, p]) => {
      if (!Object.prototype.hasOwnProperty.call(value, k)) return true;
      const q = resolveRef(p);
      return (q.const === undefined || q.const === value[k]) && (q.enum === undefined || q.enum.includes(value[k]));
    }),
  );
  return fits.length === 1 ? fits[0] : undefined;
}

/**
 * One key as several `oneOf` branches have it (`data.train`: the embedded MNIST's count, at most its
 * 10,000 digits, and each file form's, up to 2³² − 1): the loosest numeric form of them — the least
 * minimum, the largest maximum (none when a branch has none), its reason only when every branch gives
 * that maximum — so that a sweep value is refused only where no form of the file accepts it; the
 * value's own file is then checked against its own form (`networkVariant`). The first branch's node
 * when none is numeric. Until 2026-12-03 the first branch's, MNIST's: a sweep of `data.train` over
 * 12,000 samples of a CIFAR-10 file was refused with "the embedded MNIST holds 10,000 digits".
 */
function loosestNumeric(nodes: readonly SchemaNode[]): SchemaNode {
  const forms = nodes.map(numericForm).filter((f): f is SchemaNode => f !== null);
  if (forms.length === 0) return nodes[0];
  if (forms.every((f) => f === forms[0])) return forms[0];
  const bound = (pick: (f: SchemaNode) => number | undefined, most: (...v: number[]) => number): number | undefined => {
    const values = forms.map(pick);
    return values.some((v) => v === undefined) ? undefined : most(...(values as number[]));
  };
  const types = (f: SchemaNode) => (Array.isArray(f.type) ? f.type : f.type === undefined ? [] : [f.type]);
  const maximum = bound((f) => f.maximum, Math.max);
  const reasons = new Set(forms.map((f) => (f.maximum === maximum ? f.maximumReason : undefined)));
  return {
    type: forms.every((f) => types(f).includes('integer') && !types(f).includes('number')) ? 'integer' : 'number',
    minimum: bound((f) => f.minimum, Math.min),
    exclusiveMinimum: bound((f) => f.exclusiveMinimum, Math.min),
    maximum,
    ...(maximum !== undefined && reasons.size === 1 && [...reasons][0] !== undefined ? { maximumReason: [...reasons][0] } : {}),
    exclusiveMaximum: bound((f) => f.exclusiveMaximum, Math.max),
  };
}

/** Every numeric key of a file of `kind` (default: the linear model's) that is not inside an array, by full JSON path. */
export function numericKeys(kind: ExperimentKind = 'linear'): NumericKey[] {
  const out: NumericKey[] = [];
  const walk = (s: SchemaNode, path: string): void => {
    s = resolveRef(s);
    if (isNumeric(s) && path !== '') out.push(keyOf(path, s));
    const branches = s.oneOf ? s.oneOf.map(resolveRef) : [s];
    for (const b of branches) {
      for (const [k, child] of Object.entries(b.properties ?? {})) {
        const childPath = path === '' ? k : `${path}.${k}`;
        if (path === '' && NOT_HYPERPARAMETERS.includes(k)) continue;
        if (isNumeric(s) && k === 'widthExponent') continue; // the parts of a width power are not keys of their own
        if (isNumeric(s) && k === 'base') continue;
        if (!out.some((o) => o.path === childPath)) walk(child, childPath);
      }
    }
  };
  walk(kindSchema(kind), '');
  return out;
}

/**
 * The numeric key of a file of `kind` (default: the linear model's) named by `key`: a full JSON path,
 * or the unique last segment of one. Returns an error message (with the candidates) when it names
 * nothing or several keys, or writes an array index other than as a plain number (`[00]`, `[01]`: the
 * same entry as `[0]`, `[1]`, but a table's column and a figure's axis would print it as written).
 * With `source`, the file's JSON value, a key of several forms (`data.train`) has the constraints of
 * the form the file writes (`schemaAt`).
 */
export function resolveKey(key: string, kind: ExperimentKind = 'linear', source?: unknown): NumericKey | { error: string } {
  const padded = /\[0\d+\]/.exec(key);
  if (padded) return { error: `\`${excerpt(key)}\` writes the index ${padded[0]}: write it as [${Number(padded[0].slice(1, -1))}]` };
  const own = resolveOwnKey(key, kind, source);
  if (!('error' in own) || !own.unknown) return own;
  const other = otherKindKey(key, kind);
  if (!other) return { error: own.error };
  const keys = numericKeys(kind).map((k) => `\`${k.path}\``).join(', ');
  return { error: other.counterparts.length > 0 ? otherKindPhrase(other, kind) : `${otherKindPhrase(other, kind)}; its numeric keys are ${keys}` };
}

/**
 * A key of the other kind of experiment than `kind` (a network's key where the two-layer linear
 * model's are expected, or the reverse): its full path there, that kind, and the keys of `kind` that
 * play its part (COUNTERPARTS; [] when none does). Null when `key` names no numeric key of the other
 * kind, or `kind` has no other (a checkpoint experiment).
 */
export function otherKindKey(key: string, kind: ExperimentKind): { path: string; kind: ExperimentKind; counterparts: string[] } | null {
  if (kind !== 'linear' && kind !== 'network') return null;
  const otherKind = kind === 'linear' ? 'network' : 'linear';
  const found = resolveOwnKey(key, otherKind);
  if ('error' in found) return null;
  const entry = counterpartOf(found.path, otherKind);
  return { path: found.path, kind: otherKind, counterparts: entry ? entry[kind].keys : [] };
}

/**
 * `\`training.learningRate\` is a key of network experiments; the two-layer linear model's learning
 * rates are …`, or `…, which the two-layer linear model has no counterpart of` — the message of
 * `resolveKey` for a key of the other kind, without the list of `kind`'s keys.
 */
export function otherKindPhrase(other: { path: string; kind: ExperimentKind }, kind: ExperimentKind): string {
  const whose = `\`${excerpt(other.path)}\` is a key of ${KIND_NOUNS[other.kind]}`;
  const entry = counterpartOf(other.path, other.kind);
  if (!entry) return `${whose}, which ${KIND_NOUNS[kind]} has no counterpart of`;
  const here = entry[kind as 'linear' | 'network'];
  return `${whose}; ${KIND_OWNERS[kind]} ${here.says}`;
}

/**
 * A path into an array of each kind's file, as a list of its numeric keys ends: the linear model's
 * input, a network's hidden width (a network's `data.train.x[0]` is a row, not a number).
 */
const ARRAY_EXAMPLES: Partial<Record<ExperimentKind, string>> = { linear: 'data.x[0]', network: 'model.hidden[0]' };

/** ` (or a path into an array, like \`data.x[0]\`)` for a kind with one, else ''. */
function intoArrays(kind: ExperimentKind): string {
  const example = ARRAY_EXAMPLES[kind];
  return example ? ` (or a path into an array, like \`${example}\`)` : '';
}

/** Each kind's name in a message about its keys. */
const KIND_NOUNS: Record<ExperimentKind, string> = { linear: 'the two-layer linear model', network: 'network experiments', checkpoints: 'checkpoint experiments' };
const KIND_OWNERS: Record<ExperimentKind, string> = { linear: "the two-layer linear model's", network: "a network experiment's", checkpoints: "a checkpoint experiment's" };

/** What one kind calls a quantity (`learning rates are …`) and its keys, in the order a message lists them. */
interface Counterpart {
  keys: string[];
  says: string;
}

/**
 * The keys of the two-layer linear model and of a network experiment that play the same part: where
 * a file of one kind names the other's key (a sweep, a phase axis), the message names its own.
 * Matched on the path without array indices (`model.hidden[1]` is `model.hidden`). Keys both kinds
 * share (`model.outputScale`, `init.seed`) resolve in either and need no entry.
 */
const COUNTERPARTS: { linear: Counterpart; network: Counterpart }[] = [
  {
    linear: { keys: ['learningRates.u', 'learningRates.W'], says: 'learning rates are `learningRates.u` (of u, the output weights) and `learningRates.W` (of W, the hidden layer)' },
    network: { keys: ['training.learningRate'], says: 'learning rate is `training.learningRate` (one number, or one per weight matrix)' },
  },
  {
    linear: { keys: ['init.scaleU', 'init.scaleW'], says: 'initialisation scales are `init.scaleU` and `init.scaleW`' },
    network: { keys: ['init.scale'], says: 'initialisation scale is `init.scale`' },
  },
  {
    linear: { keys: ['model.width'], says: 'width is `model.width`' },
    network: { keys: ['model.hidden[0]'], says: 'widths are the entries of `model.hidden` (`model.hidden[0]`, …)' },
  },
  {
    linear: { keys: ['weightDecay'], says: 'weight decay is `weightDecay`' },
    network: { keys: ['training.weightDecay'], says: 'weight decay is `training.weightDecay`' },
  },
  {
    linear: { keys: ['time.end'], says: 'length of a run is `time.end`' },
    network: { keys: ['training.epochs', 'training.steps'], says: 'length of training is `training.epochs` or `training.steps`' },
  },
];

function counterpartOf(path: string, kind: ExperimentKind): { linear: Counterpart; network: Counterpart } | undefined {
  if (kind !== 'linear' && kind !== 'network') return undefined;
  const bare = (p: string) => p.replace(/\[\d+\]/g, '');
  return COUNTERPARTS.find((c) => c[kind].keys.some((k) => bare(k) === bare(path)));
}

/** `resolveKey` within one kind's keys; `unknown` when the key names none of them (not a non-numeric or ambiguous one). */
function resolveOwnKey(key: string, kind: ExperimentKind, source?: unknown): NumericKey | { error: string; unknown?: true } {
  const node = schemaAt(key, kind, source);
  if (node && isNumeric(node) && !NOT_HYPERPARAMETERS.includes(String(parsePath(key)[0]))) return keyOf(key, node);
  const all = numericKeys(kind);
  if (node) return { error: `\`${excerpt(key)}\` is not a numeric hyperparameter; numeric keys are ${all.map((k) => `\`${k.path}\``).join(', ')}${intoArrays(kind)}` };
  const matches = all.filter((k) => k.path.endsWith(`.${key}`) || k.path === key);
  if (matches.length === 1) return matches[0];
  if (matches.length > 1) return { error: `\`${excerpt(key)}\` is ambiguous: write the full path, one of ${matches.map((m) => `\`${m.path}\``).join(', ')}` };
  const names = all.map((k) => k.path);
  return { error: `unknown hyperparameter \`${excerpt(key)}\`${suggest(key, names)}; numeric keys are ${names.map((n) => `\`${n}\``).join(', ')}${intoArrays(kind)}`, unknown: true };
}

/**
 * ` — did you mean \`PATH\`?` for an unknown `key` among `names` (full paths, which may index into
 * arrays: `data.x[0]`), or ''. A name whose last segment, indices left out, is `key` itself comes
 * first (`x` → `data.x[0]`, not the look-alike `data.y`); then the nearest full path, or the path
 * whose last segment is nearest.
 */
export function suggestKey(key: string, names: readonly string[]): string {
  const exact = names.find((n) => n.split('.').pop()!.replace(/\[\d+\]/g, '') === key.trim());
  return exact !== undefined ? ` — did you mean \`${exact}\`?` : suggest(key, [...names]);
}

function suggest(key: string, names: string[]): string {
  // The nearest full path, or the path whose last segment is nearest.
  const byPath = didYouMean(key, names);
  if (byPath) return byPath;
  const last = names.map((n) => n.split('.').pop()!);
  const m = /`([^`]+)`/.exec(didYouMean(key, last));
  const hit = m ? names[last.indexOf(m[1])] : undefined;
  // The look-alikes of the short form are named as the full path's are (`lookAlikeNote`).
  return hit ? ` — did you mean \`${hit}\`?${lookAlikeNote(key)}` : '';
}

/**
 * Why the numeric key at `path` (a key that `resolveKey` accepted) is not a key of this file, or null
 * when it is: an index the file's array does not have (`data.x[3]` when data.x has one entry), an
 * array the file does not have (`init.u[0]` with a random initialisation), or a key of the other form
 * of a `oneOf` (`data.y` in a file whose data is `samples`, `time.end` beside `time.at`). A key the
 * file leaves out but may have (`weightDecay`, its default 0) is one of its keys. `root` is the
 * file's plain JSON value; `kind` says which schema's forms apply.
 */
export function keyNotInFile(root: unknown, path: string, kind: ExperimentKind = 'linear'): string | null {
  let node: unknown = root;
  let schema: SchemaNode | null = kindSchema(kind);
  let at = '';
  for (const seg of parsePath(path)) {
    if (typeof seg === 'number') {
      if (!Array.isArray(node)) return `the file has no ${at === '' ? 'array' : `array ${at}`}, so ${path} is not one of its values`;
      if (seg >= node.length) return `${at} has ${node.length} entr${node.length === 1 ? 'y' : 'ies'} in the file (indices 0 to ${node.length - 1}), so ${path} is not one of its values`;
      node = node[seg];
      schema = schema?.items ? resolveRef(schema.items) : null;
      at = `${at}[${seg}]`;
      continue;
    }
    if (schema?.oneOf && node !== null && typeof node === 'object' && !Array.isArray(node)) {
      const branches = schema.oneOf.map(resolveRef);
      const keys = Object.keys(node);
      // The file's own form: the branch that has every key the file writes here, preferring one whose
      // required keys the file writes too (inline data { "train" } is not CSV's, which requires "format").
      const has = (b: SchemaNode) => keys.every((k) => ownValue(b.properties, k) !== undefined);
      const form = branches.find((b) => has(b) && (b.required ?? []).every((r) => keys.includes(r))) ?? branches.find(has);
      if (form && ownValue(form.properties, seg) === undefined) {
        return `${path} is not a key of this file's ${at}, which is written as { ${keys.map((k) => `"${excerpt(k)}"`).join(', ')} }`;
      }
      schema = form ? resolveRef(ownValue(form.properties, seg) as SchemaNode) : null;
    } else {
      const branches: SchemaNode[] = schema ? (schema.oneOf ? schema.oneOf.map(resolveRef) : [schema]) : [];
      const next = branches.map((b) => ownValue(b.properties, seg) as SchemaNode | undefined).find((x) => x !== undefined);
      schema = next ? resolveRef(next) : null;
    }
    node = ownValue(node, seg);
    at = at === '' ? seg : `${at}.${seg}`;
  }
  // A key that is a number in another form only (CSV's "test" count, inline data's "test" samples).
  if (schema && !isNumeric(schema)) return `${path} is not a number in this file's form of ${at.includes('.') ? at.slice(0, at.lastIndexOf('.')) : at}, so it cannot take numeric values`;
  return null;
}

/**
 * Why `value` is not allowed for `key`, or null when it is. The bounds of a count (an integer key: samples,
 * steps, a width) and a whole value of one are written as counts are (`formatCount`: 10,000).
 */
export function checkValue(key: NumericKey, value: number): string | null {
  if (!Number.isFinite(value)) return `${key.path} must be a finite number, got ${formatNumber(value)}`;
  if (key.integer && !Number.isInteger(value)) return `${key.path} must be an integer, got ${formatNumber(value)}`;
  const n = (x: number) => (key.integer && Number.isSafeInteger(x) ? formatCount(x) : formatNumber(x));
  if (key.exclusiveMinimum !== undefined && !(value > key.exclusiveMinimum)) return `${key.path} must be > ${n(key.exclusiveMinimum)}, got ${n(value)}`;
  if (key.minimum !== undefined && !(value >= key.minimum)) return `${key.path} must be ≥ ${n(key.minimum)}, got ${n(value)}`;
  if (key.maximum !== undefined && !(value <= key.maximum)) return `${key.path} must be ≤ ${n(key.maximum)}, got ${n(value)}${key.maximumReason ? `: ${key.maximumReason}` : ''}`;
  if (key.exclusiveMaximum !== undefined && !(value < key.exclusiveMaximum)) return `${key.path} must be < ${n(key.exclusiveMaximum)}, got ${n(value)}`;
  return null;
}

/** The number at a JSON path of a plain JSON value (a width power counts as its base), or undefined. */
export function getNumber(root: unknown, path: string): number | undefined {
  let node: unknown = root;
  for (const seg of parsePath(path)) {
    node = ownValue(node, seg);
  }
  if (typeof node === 'number') return node;
  if (isWidthPower(node)) return node.base ?? 1;
  return undefined;
}

/**
 * A copy of a plain JSON value with the number at `path` replaced (missing objects are created).
 * When the key holds a power of the width, its base is replaced and the exponent kept.
 */
export function withNumber(root: unknown, path: string, value: number): unknown {
  const segs = parsePath(path);
  const set = (node: unknown, i: number): unknown => {
    if (i === segs.length) return isWidthPower(node) ? { ...node, base: value } : value;
    const seg = segs[i];
    if (typeof seg === 'number') {
      const arr = Array.isArray(node) ? node.slice() : [];
      arr[seg] = set(arr[seg], i + 1);
      return arr;
    }
    const obj: Record<string, unknown> = node !== null && typeof node === 'object' && !Array.isArray(node) ? { ...(node as Record<string, unknown>) } : {};
    // A data property even for `__proto__`: a key never becomes a prototype.
    Object.defineProperty(obj, seg, { value: set(ownValue(obj, seg), i + 1), enumerable: true, writable: true, configurable: true });
    return obj;
  };
  return set(root, 0);
}

/** `object[key]` when it is the object's own property (never one inherited from Object.prototype), else undefined. */
function ownValue(object: unknown, key: string | number): unknown {
  if (object === null || typeof object !== 'object') return undefined;
  return Object.hasOwn(object, key) ? (object as Record<string | number, unknown>)[key] : undefined;
}

/** `{ "widthExponent": e, "base": b }`. */
export function isWidthPower(x: unknown): x is { widthExponent: number; base?: number } {
  return x !== null && typeof x === 'object' && !Array.isArray(x) && typeof (x as { widthExponent?: unknown }).widthExponent === 'number';
}
