/**
 * Checks a parsed JSON tree against the experiment schema (`media/flab.schema.json`), the single
 * definition of the file format. Only the parts of JSON Schema the schema uses are interpreted:
 * type, properties, required, additionalProperties (false or a schema), min/maxProperties,
 * minimum / maximum / exclusiveMinimum / exclusiveMaximum, minLength / maxLength, enum, const, items,
 * minItems / maxItems, dependencies (lists of keys), oneOf over objects (chosen by a `const`
 * discriminator, else by the keys present), anyOf, if / then / else, not, propertyNames, pattern
 * (these three only as the root's condition uses them: which kind a file is), and local $ref. An `if`
 * reads keys as the ASCII they look like (`asciiKeys`), where JSON Schema compares them exactly: a
 * look-alike in a key (`biаs`, Cyrillic `а`) decides the kind as its key would, and that kind's
 * checks name it. Keywords
 * of the format's own: `maximumReason`, what a limit (`maximum`, `maxItems`) protects, said after the
 * bound; `requiredReason`, what a required key is, said when it is missing or misspelled;
 * `keysElsewhere`, keys of another kind and where this one writes what they mean, said instead of a
 * guess at a misspelling; `stringsElsewhere`, strings a key does not take that mean
 * something elsewhere (a file name where data is written inline, another library's name of a value),
 * with what to write instead; `float32` and `dataValues`, how a number below the smallest magnitude
 * is judged (`SchemaNode`).
 */
import type { Node } from 'jsonc-parser';
import { countOf, Diagnostic, didYouMean, didYouMeanValue, excerpt, formatCount, formatNumber, joinPath, lookAlikes, nearestWord } from './diagnostic';

export interface SchemaNode {
  type?: string | string[];
  properties?: Record<string, SchemaNode>;
  required?: string[];
  /** false: unknown keys are errors; a schema: every key not in `properties` must match it. */
  additionalProperties?: boolean | SchemaNode;
  minProperties?: number;
  maxProperties?: number;
  /** `key: [other, …]`: an object that has `key` must have each of the others. */
  dependencies?: Record<string, string[]>;
  minimum?: number;
  maximum?: number;
  /**
   * Why `maximum` or `maxItems` is what it is, when it is a limit rather than the value's meaning:
   * appended to the refusal (`must be ≤ 16777216, got 1e9: a network has at most …`).
   */
  maximumReason?: string;
  /**
   * What each required key is, for the one who did not write it: said after `is missing the required
   * key` and after the suggestion at a misspelling of it (`unknown key \`hiden\` in model — did you
   * mean \`hidden\`? (a network experiment's model has hidden: …)`).
   */
  requiredReason?: Record<string, string>;
  /**
   * Keys this object does not have and another kind's does (the linear model's `time` in a network
   * file), each with what to write here instead: an unknown key among them is refused with it
   * (`unknown key \`time\`: the two-layer linear model's key; a network's length is …`). On a node of
   * `oneOf` forms, keys that none of its forms has (the linear model's `x` in a network's `data`).
   */
  keysElsewhere?: Record<string, string>;
  /**
   * Strings this node does not take that mean something elsewhere, each matched by a pattern (a regular
   * expression, case-insensitive) and said with what to write instead, after the refusal of such a
   * string — by type (a file name `"x.npy"` where inline data's inputs are written), by `enum` or `const`
   * (`"he"`, another library's name of a scheme; `"cifar10"` as `dataset`, which is a `format`), or as
   * a `oneOf`'s discriminator — in place of a guess at a misspelling. The first pattern that matches is said.
   */
  stringsElsewhere?: Record<string, string>;
  /**
   * Keys told by the value written under another name: an unknown key whose value matches `value` is
   * taken for the key named (`"widths": [64, 64]`, `"foo": [4]`, a list of positive integers, for a
   * network's `hidden`) and answered at the unknown key, before `keysElsewhere` and a guess by
   * spelling — with `says` when given (`: a list of widths is a network's …`), else `— did you mean
   * \`hidden\`?` and its `requiredReason`. Only while the key named is not written (nor already
   * answered by an earlier unknown key), and its absence is then not reported again.
   */
  keysByValue?: Record<string, { value: SchemaNode; says?: string }>;
  /**
   * The numbers at and under this node are held in float32 (a network's `model`, `init` and
   * `training`: the trainer computes in float32): a literal that reads as 0 in 64 bits (1e-400) is
   * told float32's smallest magnitude, which the network's own check asks for, not 64 bits'.
   */
  float32?: boolean;
  /**
   * The numbers at and under this node are values a network holds as given (its inline inputs, its
   * regression targets written as rows, its explicit `init.weights`), stored in float32 as a data file's
   * are: a literal below float32's smallest magnitude (1e-50, 1e-400) is 0 there, as the same number in
   * a CSV or a .npy file is (docs/networks.md, "Inline" and "Float32 range"), not refused. Not a class
   * label: 1e-400 is no class index, though it reads as 0.
   */
  dataValues?: boolean;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  /** A regular expression (ECMAScript, as JSON Schema's) that a string matches somewhere. */
  pattern?: string;
  /** The schema every key of an object, as a string, satisfies. */
  propertyNames?: SchemaNode;
  /** Valid when the node does not satisfy this schema. */
  not?: SchemaNode;
  enum?: unknown[];
  const?: unknown;
  items?: SchemaNode;
  minItems?: number;
  maxItems?: number;
  oneOf?: SchemaNode[];
  anyOf?: SchemaNode[];
  if?: SchemaNode;
  then?: SchemaNode;
  else?: SchemaNode;
  $ref?: string;
  $defs?: Record<string, SchemaNode>;
  description?: string;
  default?: unknown;
}

/** What every check needs besides the node: the schema's root (for `$ref`), the problems found, the text. */
interface Check {
  root: SchemaNode;
  out: Diagnostic[];
  /** The document text the tree was parsed from: numbers are echoed as written (`got 1e309`). */
  text?: string;
  /** Under a node marked `float32`. */
  float32?: boolean;
  /** Under a node marked `dataValues`. */
  dataValues?: boolean;
}

/**
 * Checks `node` against `schema`; appends every problem to `out`. `root` resolves `$ref`s. With the
 * document `text`, a number is echoed as the user wrote it rather than as its 64-bit value (a
 * literal such as 1e309 reads back as Infinity), and a literal written nonzero that reads as 0
 * (1e-400, below 64 bits' smallest number) is refused wherever it is. Keys are looked up as the
 * schema's own properties only, so `__proto__`, `constructor` or `toString` are unknown keys like any
 * other. A key written twice in one object is reported once, first; the schema checks its last value
 * (JSON.parse's).
 */
export function checkAgainstSchema(node: Node, schema: SchemaNode, root: SchemaNode, path: string, out: Diagnostic[], text?: string): void {
  out.push(...duplicateKeys(node, path));
  check(node, schema, path, { root, out, text });
}

/** Whether `node` satisfies `schema` (what `if` asks): no problem found, none reported. */
export function matchesSchema(node: Node, schema: SchemaNode, root: SchemaNode): boolean {
  const out: Diagnostic[] = [];
  check(node, schema, '', { root, out });
  return out.length === 0;
}

/**
 * Checks a plain JSON value (as `JSON.parse` gives, or built by code) against `schema`: the problems,
 * located by JSON path only (offsets 0). Non-finite numbers are reported as such; keys whose value is
 * `undefined` are absent, as JSON.stringify leaves them out.
 */
export function checkValue(value: unknown, schema: SchemaNode, root: SchemaNode, path: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  check(valueTree(value), schema, path, { root, out });
  return out;
}

/**
 * Every key written twice in one object, anywhere under `tree`, once each (at its second and later
 * occurrences). Reported by `checkAgainstSchema` in one pass, not where the schema is matched: a
 * duplicate made every branch of an `if` or a `oneOf` fail, so a network file with one was read as a
 * linear model, and the duplicate was reported once per branch tried.
 */
function duplicateKeys(tree: Node, at: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const walk = (node: Node, path: string): void => {
    if (node.type === 'array') {
      node.children?.forEach((child, i) => walk(child, `${path}[${i}]`));
      return;
    }
    if (node.type !== 'object') return;
    const seen = new Set<string>();
    for (const prop of node.children ?? []) {
      const [keyNode, valueNode] = prop.children ?? [];
      if (!keyNode) continue;
      const key = keyNode.value as string;
      const childPath = joinPath(path, key);
      if (seen.has(key)) out.push(error(`duplicate key \`${excerpt(key)}\` in ${path === '' ? 'the experiment' : path}`, childPath, keyNode));
      seen.add(key);
      if (valueNode) walk(valueNode, childPath);
    }
  };
  walk(tree, at);
  return out;
}

function check(node: Node, schema: SchemaNode, path: string, c: Check): void {
  schema = resolve(schema, c.root);
  if (schema.float32 && !c.float32) c = { ...c, float32: true };
  if (schema.dataValues && !c.dataValues) c = { ...c, dataValues: true };
  if (schema.not && matchesSchema(node, schema.not, c.root)) {
    c.out.push(error(`${name(path)} must not have the form it has`, path, node));
    return;
  }
  if (schema.oneOf) {
    checkOneOf(node, schema, path, c);
    return;
  }
  if (schema.anyOf) {
    checkAnyOf(node, schema, path, c);
    return;
  }
  if (schema.type !== undefined && !matchesType(node, schema.type)) {
    c.out.push(error(`${name(path)} must be ${describeType(schema.type)}, got ${describeNode(node, c.text)}${saidElsewhere(node.value, [schema])}`, path, node));
    return;
  }
  if (schema.const !== undefined && node.value !== schema.const) {
    const hint = saidElsewhere(node.value, [schema]) || (typeof node.value === 'string' && typeof schema.const === 'string' ? didYouMeanValue(node.value, [schema.const]) : '');
    c.out.push(error(`${name(path)} must be ${JSON.stringify(schema.const)}, got ${describeNode(node, c.text)}${hint}`, path, node));
    return;
  }
  if (schema.enum && !schema.enum.includes(node.value)) {
    const allowed = schema.enum.map((v) => JSON.stringify(v)).join(', ');
    const hint = saidElsewhere(node.value, [schema]) || (typeof node.value === 'string' ? didYouMeanValue(node.value, schema.enum.filter((v): v is string => typeof v === 'string')) : '');
    c.out.push(error(`${name(path)} must be one of ${allowed}, got ${describeNode(node, c.text)}${hint}`, path, node));
    return;
  }
  if (node.type === 'number') checkNumber(node, schema, path, c);
  if (node.type === 'string') checkString(node, schema, path, c);
  if (node.type === 'object') checkObject(node, schema, path, c);
  if (node.type === 'array') checkArray(node, schema, path, c);
  if (schema.if) {
    const branch = matchesSchema(asciiKeys(node), schema.if, c.root) ? schema.then : schema.else;
    if (branch) check(node, branch, path, c);
  }
}

function checkNumber(node: Node, schema: SchemaNode, path: string, c: Check): void {
  const value = node.value as number;
  const got = `got ${describeNode(node, c.text)}`;
  // The bounds of a count (an integer: samples, steps, a width) as counts are written (10,000; the
  // value is echoed as written).
  const integer = schema.type === 'integer' || (Array.isArray(schema.type) && schema.type.includes('integer') && !schema.type.includes('number'));
  const bound = (x: number) => (integer && Number.isSafeInteger(x) ? formatCount(x) : formatNumber(x));
  /** Why `v` is out of the schema's bounds, or null. */
  const outOfBounds = (v: number): string | null => {
    if (schema.exclusiveMinimum !== undefined && !(v > schema.exclusiveMinimum)) return `${name(path)} must be > ${bound(schema.exclusiveMinimum)}, ${got}`;
    if (schema.minimum !== undefined && !(v >= schema.minimum)) return `${name(path)} must be ≥ ${bound(schema.minimum)}, ${got}`;
    if (schema.maximum !== undefined && !(v <= schema.maximum)) return `${name(path)} must be ≤ ${bound(schema.maximum)}, ${got}${because(schema)}`;
    if (schema.exclusiveMaximum !== undefined && !(v < schema.exclusiveMaximum)) return `${name(path)} must be < ${bound(schema.exclusiveMaximum)}, ${got}`;
    if (!Number.isFinite(v)) return `${name(path)} must be a finite number, ${got}`;
    return null;
  };
  const written = c.text?.slice(node.offset, node.offset + node.length);
  if (value === 0 && written !== undefined && !c.dataValues && underflows(written)) {
    // Read as 0 it would be accepted wherever 0 is (a learning rate, a momentum) and change the run
    // silently: judged as the tiny number of its sign that it is, refused either way.
    const tiny = written.trimStart().startsWith('-') ? -Number.MIN_VALUE : Number.MIN_VALUE;
    // Under float32 (a network's keys) 5e-324 would be refused next, as 0 in float32: its smallest instead.
    const least = c.float32 ? '1.5e-45 (the trainer computes in float32, whose smallest magnitude is 1.4e-45)' : '5e-324';
    // 0 is offered only where it is taken: not as an end of a log-spaced sweep range (needs from, to > 0).
    const advice = outOfBounds(0) === null && !inLogRange(node) ? `write 0, or a magnitude of at least ${least}` : `write a magnitude of at least ${least}`;
    c.out.push(error(outOfBounds(tiny) ?? `${name(path)} = ${describeNode(node, c.text)}: nonzero, but below the smallest 64-bit magnitude (4.9e-324), where it would be 0 — ${advice}`, path, node));
    return;
  }
  const problem = outOfBounds(value);
  if (problem) c.out.push(error(problem, path, node));
}

function checkString(node: Node, schema: SchemaNode, path: string, c: Check): void {
  const length = (node.value as string).length;
  if (schema.pattern !== undefined && !compiled(schema.pattern).test(node.value as string)) c.out.push(error(`${name(path)} must match /${schema.pattern}/, got ${describeNode(node, c.text)}`, path, node));
  if (schema.minLength !== undefined && length < schema.minLength) {
    const want = schema.minLength === 1 ? 'must not be empty' : `must have at least ${countOf(schema.minLength, 'character')}`;
    c.out.push(error(`${name(path)} ${want}, got ${describeNode(node, c.text)}`, path, node));
  } else if (schema.maxLength !== undefined && length > schema.maxLength) {
    const want = schema.maxLength === 1 ? 'must be one character' : `may have at most ${countOf(schema.maxLength, 'character')}`;
    c.out.push(error(`${name(path)} ${want}, got ${describeNode(node, c.text)}`, path, node));
  }
}

function checkObject(node: Node, schema: SchemaNode, path: string, c: Check): void {
  const out = c.out;
  const props = schema.properties ?? {};
  // A key written twice is reported once, by duplicateKeys; its last value is the one checked, as it is
  // the one JSON.parse and the kind's checks keep.
  // (Read once: a plain value's tree makes new nodes at every read of `children`.)
  const children = node.children ?? [];
  if (requiredOnly(schema)) {
    // Only `required` (the root condition's tests, run at every reading of the kind): no map of the keys.
    for (const key of schema.required ?? []) {
      if (!children.some((p) => p.children?.[0]?.value === key)) out.push(error(`${name(path)} is missing the required key \`${key}\`${requiredBecause(schema, key)}`, path, node, keyOnly(node)));
    }
    return;
  }
  const last = new Map<string, Node>();
  for (const prop of children) if (prop.children?.[0]) last.set(prop.children[0].value as string, prop);
  const seen = new Map([...last].map(([key, prop]) => [key, prop.children![0]]));
  if (schema.propertyNames) for (const keyNode of seen.values()) check(keyNode, schema.propertyNames, path, c);
  // A required key that is missing and misspelled is one error, at the misspelling (`hiden` for `hidden`).
  const misspelt = new Set<string>();
  for (const prop of children) {
    const keyNode = prop.children?.[0];
    const valueNode = prop.children?.[1];
    if (!keyNode) continue;
    const key = keyNode.value as string;
    const childPath = joinPath(path, key);
    if (last.get(key) !== prop) continue;
    // Own properties only: `constructor` or `__proto__` must not find Object.prototype's.
    const childSchema = Object.hasOwn(props, key) ? props[key] : undefined;
    if (!childSchema) {
      if (typeof schema.additionalProperties === 'object') {
        if (valueNode) check(valueNode, schema.additionalProperties, childPath, c);
      } else if (schema.additionalProperties === false) {
        const where = path === '' ? '' : ` in ${path}`;
        const byValue = valueNode ? keyByValue(valueNode, schema, seen, misspelt, c.root) : undefined;
        if (byValue !== undefined) {
          const { says } = schema.keysByValue![byValue];
          misspelt.add(byValue);
          const reason = schema.requiredReason && Object.hasOwn(schema.requiredReason, byValue) ? ` (${schema.requiredReason[byValue]})` : '';
          out.push(error(`unknown key \`${excerpt(key)}\`${where}${says !== undefined ? `: ${says}` : ` — did you mean \`${byValue}\`?${reason}`}`, childPath, keyNode));
          continue;
        }
        const told = schema.keysElsewhere && Object.hasOwn(schema.keysElsewhere, key);
        const absent = (schema.required ?? []).filter((k) => !seen.has(k) && !misspelt.has(k));
        // A misspelling of a missing required key (`hiden`), or a key of another form whose text says to
        // write one instead (`layers`: "… are given by hidden …"), answers that key's absence too.
        const meant = told ? (absent.find((k) => namesWord(schema.keysElsewhere![key], k)) ?? '') : nearestWord(key, Object.keys(props));
        const missing = meant !== '' && absent.includes(meant);
        if (missing) misspelt.add(meant);
        const reason = schema.requiredReason && Object.hasOwn(schema.requiredReason, meant) ? schema.requiredReason[meant] : undefined;
        const why = !missing || told ? '' : reason !== undefined ? ` (${reason})` : ` (\`${meant}\` is required)`;
        const elsewhere = told ? `: ${schema.keysElsewhere![key]}` : didYouMean(key, Object.keys(props));
        out.push(error(`unknown key \`${excerpt(key)}\`${where}${elsewhere}${why}`, childPath, keyNode));
      }
      continue;
    }
    if (valueNode) check(valueNode, childSchema, childPath, c);
  }
  const count = seen.size;
  if (schema.minProperties !== undefined && count < schema.minProperties) {
    out.push(error(`${name(path)} must have at least ${countOf(schema.minProperties, 'key')}`, path, node));
  } else if (schema.maxProperties !== undefined && count > schema.maxProperties) {
    out.push(error(`${name(path)} may have at most ${countOf(schema.maxProperties, 'key')}, got ${formatCount(count)}`, path, node));
  }
  for (const key of schema.required ?? []) {
    if (!seen.has(key) && !misspelt.has(key)) {
      const where = path === '' ? 'the experiment' : path;
      out.push(error(`${where} is missing the required key \`${key}\`${requiredBecause(schema, key)}`, path, node, keyOnly(node)));
    }
  }
  for (const [key, others] of Object.entries(schema.dependencies ?? {})) {
    const keyNode = seen.get(key);
    if (!keyNode) continue;
    for (const other of others) {
      if (!seen.has(other)) out.push(error(`\`${key}\` and \`${other}\` go together: ${path === '' ? 'the experiment' : path} is missing \`${other}\``, joinPath(path, key), keyNode));
    }
  }
}

function checkArray(node: Node, schema: SchemaNode, path: string, c: Check): void {
  const out = c.out;
  const items = node.children ?? [];
  if (schema.minItems !== undefined && items.length < schema.minItems) {
    out.push(error(`${name(path)} must have at least ${countOf(schema.minItems, 'item')}, got ${formatCount(items.length)}`, path, node));
  }
  if (schema.maxItems !== undefined && items.length > schema.maxItems) {
    out.push(error(`${name(path)} may have at most ${countOf(schema.maxItems, 'item')}, got ${formatCount(items.length)}${because(schema)}`, path, node));
  }
  if (schema.items) {
    const before = out.length;
    for (let i = 0; i < items.length; i++) {
      check(items[i], schema.items, joinPath(path, i), c);
      if (out.length - before >= 5) break; // a few located errors say enough about a long array
    }
  }
}

/**
 * `oneOf` over object shapes. A branch is chosen, so that the user sees the errors of the form they
 * meant rather than a generic "matches no alternative": by a discriminator first — a key whose value
 * some branch fixes with `const` (`"format": "csv"`), an unknown value of which is itself the error
 * (but for a key that the forms another key names do not have: theirs to answer as an unknown key) —
 * then by the keys present (the branch whose required keys are all present, else the one sharing most keys).
 */
function checkOneOf(node: Node, schema: SchemaNode, path: string, c: Check): void {
  const out = c.out;
  const branches = (schema.oneOf ?? []).map((b) => resolve(b, c.root));
  if (node.type !== 'object') {
    out.push(error(`${name(path)} must be an object, got ${describeNode(node, c.text)}${saidElsewhere(node.value, [schema])}`, path, node));
    return;
  }
  const entries = new Map<string, Node | undefined>();
  for (const p of node.children ?? []) {
    const key = p.children?.[0]?.value as string | undefined;
    if (key !== undefined && !entries.has(key)) entries.set(key, p.children?.[1]);
  }
  // The form is chosen by the keys read as the ASCII they look like: `dаtaset` (Cyrillic `а`) is the
  // data set's form, whose check names the look-alike, not a list of every form.
  const keys = new Set([...entries.keys()].map((k) => lookAlikes(k).ascii));
  // Discriminators: keys present whose value some branch fixes by `const`.
  const matched = new Map<SchemaNode, number>();
  const unmatched: Array<[string, Node, SchemaNode[]]> = [];
  for (const [key, valueNode] of entries) {
    const fixing = branches.filter((b) => b.properties && Object.hasOwn(b.properties, key) && resolve(b.properties[key], c.root).const !== undefined);
    if (fixing.length === 0 || !valueNode) continue;
    const hits = fixing.filter((b) => resolve(b.properties![key], c.root).const === valueNode.value);
    if (hits.length === 0) unmatched.push([key, valueNode, fixing]);
    for (const b of hits) matched.set(b, (matched.get(b) ?? 0) + 1);
  }
  // A value no form has is the error — unless the key is one that the forms named by another key do not
  // have (`"dataset": "iris"` beside `"format": "csv"`): that form answers it as a key of another form.
  for (const [key, valueNode, fixing] of unmatched) {
    if (matched.size > 0 && [...matched.keys()].every((b) => !Object.hasOwn(b.properties ?? {}, key))) continue;
    const allowed = fixing.map((b) => resolve(b.properties![key], c.root).const);
    const elsewhere = saidElsewhere(valueNode.value, fixing.map((b) => resolve(b.properties![key], c.root)));
    const hint = elsewhere || (typeof valueNode.value === 'string' ? didYouMeanValue(valueNode.value, allowed.filter((v): v is string => typeof v === 'string')) : '');
    const valuePath = joinPath(path, key);
    const what = allowed.length === 1 ? JSON.stringify(allowed[0]) : `one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`;
    out.push(error(`${valuePath} must be ${what}, got ${describeNode(valueNode, c.text)}${hint}`, valuePath, valueNode));
    return;
  }
  let best = branches[0];
  let bestScore = -Infinity;
  for (const branch of branches) {
    const props = Object.keys(branch.properties ?? {});
    const required = branch.required ?? [];
    const shared = props.filter((k) => keys.has(k)).length;
    const complete = required.every((k) => keys.has(k)) ? 1000 : 0;
    // A form's required keys say which form is meant more than its optional ones: `{ "weights", "seed" }`
    // is explicit weights with a key of random ones, not random weights with an unknown key.
    const present = required.filter((k) => keys.has(k)).length;
    const score = (matched.get(branch) ?? 0) * 100000 + complete + present * 100 + shared * 10 - required.filter((k) => !keys.has(k)).length;
    if (score > bestScore) {
      bestScore = score;
      best = branch;
    }
  }
  const sharesAny = Object.keys(best.properties ?? {}).some((k) => keys.has(k));
  if (!sharesAny && keys.size > 0 && branches.length > 1) {
    // A key of another kind's form (the linear model's `x` in a network's data) is said with what this
    // node writes instead, as an unknown key of one form is; the forms' list was all it was told.
    const told = [...entries.keys()].find((k) => schema.keysElsewhere && Object.hasOwn(schema.keysElsewhere, k));
    if (told !== undefined) {
      const keyNode = node.children?.find((p) => p.children?.[0]?.value === told)?.children?.[0];
      out.push(error(`unknown key \`${excerpt(told)}\` in ${name(path)}: ${schema.keysElsewhere![told]}`, joinPath(path, told), keyNode ?? node));
      return;
    }
    const forms = branches.map((b) => '{ ' + (b.required ?? Object.keys(b.properties ?? {})).map((k) => `"${k}"`).join(', ') + ' }').join(' or ');
    out.push(error(`${name(path)} must have the form ${forms}`, path, node));
    return;
  }
  const mixed = matched.size === 0 ? mixedForms(node, best, branches, path) : [];
  if (mixed.length === 0) {
    check(node, best, path, c);
    return;
  }
  // The keys of the other form are reported once, as such, not also as unknown keys of this one.
  out.push(...mixed);
  const rest: Diagnostic[] = [];
  check(node, best, path, { ...c, out: rest });
  out.push(...rest.filter((d) => !mixed.some((m) => m.path === d.path)));
}

/**
 * Keys of two forms of a `oneOf` written together, undiscriminated (`init` with `weights` and `seed`;
 * `time` with `at` and `end`): each key of another form beside a key of the chosen form that the other
 * form does not have is one error at the key, worded as the checks of keys that exclude each other
 * (`give training.epochs or training.steps, not both`), with the forms: `give init.weights or init.seed,
 * not both: init takes either { "scheme", "scale", "seed" } or { "weights" }`. A key that the chosen
 * form shares with the other (`train` of inline data and of a CSV file) leaves it an unknown key.
 */
function mixedForms(node: Node, best: SchemaNode, branches: SchemaNode[], path: string): Diagnostic[] {
  const has = (b: SchemaNode, key: string) => b.properties !== undefined && Object.hasOwn(b.properties, key);
  const props = (node.children ?? []).map((p) => p.children?.[0]).filter((k): k is Node => k !== undefined);
  const written = [...new Set(props.map((k) => k.value as string))];
  // The chosen form's own keys, its required ones first (`weights` rather than a key both forms could have).
  const own = [...(best.required ?? []).filter((k) => written.includes(k)), ...written.filter((k) => has(best, k))];
  const forms = branches.map((b) => '{ ' + Object.keys(b.properties ?? {}).map((k) => `"${k}"`).join(', ') + ' }').join(' or ');
  const out: Diagnostic[] = [];
  for (const keyNode of props) {
    const key = keyNode.value as string;
    if (has(best, key) || out.some((d) => d.path === joinPath(path, key))) continue;
    const other = branches.find((b) => b !== best && has(b, key));
    const mine = other && own.find((k) => !has(other, k));
    if (!mine) continue;
    out.push(error(`give ${joinPath(path, mine)} or ${joinPath(path, key)}, not both: ${name(path)} takes either ${forms}`, joinPath(path, key), keyNode));
  }
  return out;
}

/**
 * `anyOf` (of scalar forms, such as an integer or `"full"`): valid when some branch accepts the node.
 * Otherwise the problems of the branch that takes the node's type (`must be ≥ 1`), or one line naming
 * every form (`must be an integer or "full"`).
 */
function checkAnyOf(node: Node, schema: SchemaNode, path: string, c: Check): void {
  const branches = (schema.anyOf ?? []).map((b) => resolve(b, c.root));
  if (branches.some((b) => matchesSchema(node, b, c.root))) return;
  const sameType = branches.filter((b) => (b.type !== undefined ? matchesType(node, b.type) : b.const !== undefined && typeof b.const === typeof node.value));
  if (sameType.length === 1) {
    check(node, sameType[0], path, c);
    return;
  }
  const forms = branches.map((b) => (b.const !== undefined ? JSON.stringify(b.const) : b.type !== undefined ? describeType(b.type) : 'a value')).join(' or ');
  const consts = branches.map((b) => b.const).filter((v): v is string => typeof v === 'string');
  const hint = saidElsewhere(node.value, [schema, ...branches]) || (typeof node.value === 'string' ? didYouMeanValue(node.value, consts) : '');
  c.out.push(error(`${name(path)} must be ${forms}, got ${describeNode(node, c.text)}${hint}`, path, node));
}

/** Longest string matched against `stringsElsewhere`: no file name or value of the format is this long. */
const MAX_ELSEWHERE_CHARACTERS = 1024;

/**
 * `: what to write instead` for a string that the first of `schemas` with a matching pattern in its
 * `stringsElsewhere` says means something elsewhere, else ''.
 */
function saidElsewhere(value: unknown, schemas: readonly SchemaNode[]): string {
  if (typeof value !== 'string' || value.length > MAX_ELSEWHERE_CHARACTERS) return '';
  for (const s of schemas) {
    for (const [pattern, said] of Object.entries(s.stringsElsewhere ?? {})) if (new RegExp(pattern, 'iu').test(value)) return `: ${said}`;
  }
  return '';
}

function resolve(schema: SchemaNode, root: SchemaNode): SchemaNode {
  let s = schema;
  for (let guard = 0; s.$ref && guard < 16; guard++) {
    const m = /^#\/\$defs\/(.+)$/.exec(s.$ref);
    const target = m ? root.$defs?.[m[1]] : undefined;
    if (!target) throw new Error(`schema: cannot resolve ${s.$ref}`);
    s = target;
  }
  return s;
}

function matchesType(node: Node, type: string | string[]): boolean {
  const types = Array.isArray(type) ? type : [type];
  return types.some((t) => {
    switch (t) {
      case 'integer':
        return node.type === 'number' && Number.isInteger(node.value);
      case 'null':
        return node.type === 'null';
      default:
        return node.type === t;
    }
  });
}

function describeType(type: string | string[]): string {
  const words: Record<string, string> = { integer: 'an integer', number: 'a number', string: 'a string', boolean: 'true or false', object: 'an object', array: 'an array', null: 'null' };
  return (Array.isArray(type) ? type : [type]).map((t) => words[t] ?? t).join(' or ');
}

/** Whether a JSON number literal is written nonzero (a nonzero digit before its exponent): one that reads as 0 underflowed. */
function underflows(literal: string): boolean {
  return /[1-9]/.test(literal.split(/[eE]/)[0]);
}

/** A value as echoed in a message: a number as written (when the text is known), a string quoted; both bounded. */
function describeNode(node: Node, text?: string): string {
  switch (node.type) {
    case 'number': {
      const value = node.value as number;
      const written = text?.slice(node.offset, node.offset + node.length);
      if (written === undefined || written === '') return formatNumber(value);
      const literal = excerpt(written);
      return Number.isFinite(value) ? literal : `${literal} (beyond the range of 64-bit numbers)`;
    }
    case 'string':
      return excerpt(JSON.stringify(node.value));
    case 'boolean':
    case 'null':
      return String(node.value);
    case 'array':
      return 'an array';
    case 'object':
      return 'an object';
    default:
      return node.type;
  }
}

/** Whether an object's schema asks nothing of its keys but that some are present. */
function requiredOnly(schema: SchemaNode): boolean {
  return !schema.properties && schema.additionalProperties === undefined && !schema.propertyNames && schema.minProperties === undefined && schema.maxProperties === undefined && !schema.dependencies;
}

/** The schema's patterns, compiled once each (the root's condition tests one on every key of `model`, at every reading of the kind). */
const PATTERNS = new Map<string, RegExp>();
function compiled(pattern: string): RegExp {
  let re = PATTERNS.get(pattern);
  if (!re) PATTERNS.set(pattern, (re = new RegExp(pattern, 'u')));
  return re;
}

/** Whether `text` has `word` as a word of its own (not inside a longer one: `hidden` is not in `hiddenLayers`). */
function namesWord(text: string, word: string): boolean {
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
    if (!/\w/.test(text[at - 1] ?? '') && !/\w/.test(text[at + word.length] ?? '')) return true;
  }
  return false;
}

/** The key of `schema.keysByValue` whose value `value` matches, not written in the object (`seen`) nor answered (`misspelt`), or undefined. */
function keyByValue(value: Node, schema: SchemaNode, seen: ReadonlyMap<string, Node>, misspelt: ReadonlySet<string>, root: SchemaNode): string | undefined {
  for (const [key, { value: shape }] of Object.entries(schema.keysByValue ?? {})) {
    if (!seen.has(key) && !misspelt.has(key) && matchesSchema(value, shape, root)) return key;
  }
  return undefined;
}

/** `: WHAT IT IS` after a required key missing that the schema says what it is of (`requiredReason`), else ''. */
function requiredBecause(schema: SchemaNode, key: string): string {
  return schema.requiredReason && Object.hasOwn(schema.requiredReason, key) ? `: ${schema.requiredReason[key]}` : '';
}

/** `: REASON` after the refusal of a limit that the schema says the reason of (`maximumReason`), else ''. */
function because(schema: SchemaNode): string {
  return schema.maximumReason ? `: ${schema.maximumReason}` : '';
}

function name(path: string): string {
  return path === '' ? 'the experiment' : path;
}

function error(message: string, path: string, node: Node, range?: { offset: number; length: number }): Diagnostic {
  return { message, path, offset: range?.offset ?? node.offset, length: range?.length ?? node.length, severity: 'error' };
}

/** Where "missing key" is reported: the object's own key (`"learningRates"`), else its opening brace. */
function keyOnly(node: Node): { offset: number; length: number } {
  const key = node.parent?.type === 'property' ? node.parent.children?.[0] : undefined;
  return key ? { offset: key.offset, length: key.length } : { offset: node.offset, length: 1 };
}

/** How deep the root's conditions read keys: the top level and the keys of its objects (`model.bias`, `data.dataset`). */
const CONDITION_DEPTH = 2;

/**
 * `tree` with the keys of its top CONDITION_DEPTH levels read as the ASCII they look like
 * (`lookAlikes`: Cyrillic, Greek and full-width letters, invisible characters), in the same order,
 * values below shared; `tree` itself when no key there has a look-alike. What the kind is decided on:
 * JSON Schema compares keys exactly, and a look-alike must not turn a network's file into the linear
 * model's (or back).
 */
export function asciiKeys(tree: Node, depth = CONDITION_DEPTH): Node {
  if (tree.type !== 'object' || depth === 0) return tree;
  let changed = false;
  const children = (tree.children ?? []).map((p) => {
    const [key, value] = p.children ?? [];
    if (!key || typeof key.value !== 'string') return p;
    const ascii = lookAlikes(key.value).ascii;
    const folded = value ? asciiKeys(value, depth - 1) : value;
    if (ascii === key.value && folded === value) return p;
    changed = true;
    const property = { type: 'property', offset: p.offset, length: p.length, children: [] as Node[] } as Node;
    property.children!.push({ ...key, value: ascii, parent: property }, ...(folded ? [folded] : []));
    return property;
  });
  if (!changed) return tree;
  const out = { type: tree.type, offset: tree.offset, length: tree.length, children } as Node;
  for (const p of children) (p as { parent?: Node }).parent = out;
  return out;
}

/**
 * A plain JSON value as a syntax tree of the shape jsonc-parser builds (offsets 0), so that the one
 * checker serves code-built values too. Children are made when asked for and not kept: checking a
 * large array holds one level of it at a time. Anything that is not JSON (a function, a symbol, a
 * bigint) reads as null; `undefined` entries of an object are absent.
 */
export function valueTree(value: unknown, parent?: Node): Node {
  const base = { offset: 0, length: 0, parent };
  if (Array.isArray(value)) {
    const node = { ...base, type: 'array' } as Node;
    Object.defineProperty(node, 'children', { enumerable: true, get: () => value.map((v) => valueTree(v, node)) });
    return node;
  }
  if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value)) {
    const node = { ...base, type: 'object' } as Node;
    Object.defineProperty(node, 'children', {
      enumerable: true,
      get: () =>
        Object.entries(value)
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => {
            const property = { type: 'property', offset: 0, length: 0, parent: node, children: [] as Node[] };
            property.children.push({ type: 'string', value: k, offset: 0, length: 0, parent: property as Node }, valueTree(v, property as Node));
            return property as Node;
          }),
    });
    return node;
  }
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return valueTree(Array.from(value as unknown as ArrayLike<number>), parent);
  switch (typeof value) {
    case 'number':
      return { ...base, type: 'number', value };
    case 'string':
      return { ...base, type: 'string', value };
    case 'boolean':
      return { ...base, type: 'boolean', value };
    default:
      return { ...base, type: 'null', value: null };
  }
}

/** Whether `node` is the value of a property of an object whose "scale" is "log" (a log-spaced sweep range's `from` or `to`). */
function inLogRange(node: Node): boolean {
  const range = node.parent?.parent;
  return range?.type === 'object' && (range.children ?? []).some((p) => p.children?.[0]?.value === 'scale' && p.children?.[1]?.value === 'log');
}
