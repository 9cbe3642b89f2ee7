/**
 * Checks a parsed JSON tree against the experiment schema (`media/flab.schema.json`), the single
 * definition of the file format. Only the parts of JSON Schema the schema uses are interpreted:
 * type, properties, required, additionalProperties: false, minimum / maximum / exclusiveMinimum,
 * enum, items, minItems / maxItems, oneOf (chosen by the keys present) and local $ref.
 */
import type { Node } from 'jsonc-parser';
import { Diagnostic, didYouMean, excerpt, formatNumber, joinPath } from './diagnostic';

export interface SchemaNode {
  type?: string | string[];
  properties?: Record<string, SchemaNode>;
  required?: string[];
  /** false: unknown keys are errors; a schema: every key not in `properties` must match it. */
  additionalProperties?: boolean | SchemaNode;
  minProperties?: number;
  maxProperties?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  enum?: unknown[];
  items?: SchemaNode;
  minItems?: number;
  maxItems?: number;
  oneOf?: SchemaNode[];
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
}

/**
 * Checks `node` against `schema`; appends every problem to `out`. `root` resolves `$ref`s. With the
 * document `text`, a number is echoed as the user wrote it rather than as its 64-bit value (a
 * literal such as 1e309 reads back as Infinity). Keys are looked up as the schema's own properties
 * only, so `__proto__`, `constructor` or `toString` are unknown keys like any other.
 */
export function checkAgainstSchema(node: Node, schema: SchemaNode, root: SchemaNode, path: string, out: Diagnostic[], text?: string): void {
  check(node, schema, path, { root, out, text });
}

function check(node: Node, schema: SchemaNode, path: string, c: Check): void {
  schema = resolve(schema, c.root);
  if (schema.oneOf) {
    checkOneOf(node, schema, path, c);
    return;
  }
  if (schema.type !== undefined && !matchesType(node, schema.type)) {
    c.out.push(error(`${name(path)} must be ${describeType(schema.type)}, got ${describeNode(node, c.text)}`, path, node));
    return;
  }
  if (schema.enum && !schema.enum.includes(node.value)) {
    const allowed = schema.enum.map((v) => JSON.stringify(v)).join(', ');
    const hint = typeof node.value === 'string' ? didYouMean(node.value, schema.enum.filter((v): v is string => typeof v === 'string')) : '';
    c.out.push(error(`${name(path)} must be one of ${allowed}, got ${describeNode(node, c.text)}${hint}`, path, node));
    return;
  }
  if (node.type === 'number') checkNumber(node, schema, path, c);
  if (node.type === 'object') checkObject(node, schema, path, c);
  if (node.type === 'array') checkArray(node, schema, path, c);
}

function checkNumber(node: Node, schema: SchemaNode, path: string, c: Check): void {
  const out = c.out;
  const value = node.value as number;
  const got = `got ${describeNode(node, c.text)}`;
  if (schema.exclusiveMinimum !== undefined && !(value > schema.exclusiveMinimum)) {
    out.push(error(`${name(path)} must be > ${formatNumber(schema.exclusiveMinimum)}, ${got}`, path, node));
  } else if (schema.minimum !== undefined && !(value >= schema.minimum)) {
    out.push(error(`${name(path)} must be ≥ ${formatNumber(schema.minimum)}, ${got}`, path, node));
  } else if (schema.maximum !== undefined && !(value <= schema.maximum)) {
    out.push(error(`${name(path)} must be ≤ ${formatNumber(schema.maximum)}, ${got}`, path, node));
  } else if (!Number.isFinite(value)) {
    out.push(error(`${name(path)} must be a finite number, ${got}`, path, node));
  }
}

function checkObject(node: Node, schema: SchemaNode, path: string, c: Check): void {
  const out = c.out;
  const props = schema.properties ?? {};
  const seen = new Set<string>();
  for (const prop of node.children ?? []) {
    const keyNode = prop.children?.[0];
    const valueNode = prop.children?.[1];
    if (!keyNode) continue;
    const key = keyNode.value as string;
    const childPath = joinPath(path, key);
    if (seen.has(key)) {
      out.push(error(`duplicate key \`${excerpt(key)}\` in ${path === '' ? 'the experiment' : path}`, childPath, keyNode));
      continue;
    }
    seen.add(key);
    // Own properties only: `constructor` or `__proto__` must not find Object.prototype's.
    const childSchema = Object.hasOwn(props, key) ? props[key] : undefined;
    if (!childSchema) {
      if (typeof schema.additionalProperties === 'object') {
        if (valueNode) check(valueNode, schema.additionalProperties, childPath, c);
      } else if (schema.additionalProperties === false) {
        const where = path === '' ? '' : ` in ${path}`;
        out.push(error(`unknown key \`${excerpt(key)}\`${where}${didYouMean(key, Object.keys(props))}`, childPath, keyNode));
      }
      continue;
    }
    if (valueNode) check(valueNode, childSchema, childPath, c);
  }
  const count = seen.size;
  if (schema.minProperties !== undefined && count < schema.minProperties) {
    out.push(error(`${name(path)} must have at least ${schema.minProperties} key${schema.minProperties === 1 ? '' : 's'}`, path, node));
  } else if (schema.maxProperties !== undefined && count > schema.maxProperties) {
    out.push(error(`${name(path)} may have at most ${schema.maxProperties} key${schema.maxProperties === 1 ? '' : 's'}, got ${count}`, path, node));
  }
  for (const key of schema.required ?? []) {
    if (!seen.has(key)) {
      const where = path === '' ? 'the experiment' : path;
      out.push(error(`${where} is missing the required key \`${key}\``, path, node, keyOnly(node)));
    }
  }
}

function checkArray(node: Node, schema: SchemaNode, path: string, c: Check): void {
  const out = c.out;
  const items = node.children ?? [];
  if (schema.minItems !== undefined && items.length < schema.minItems) {
    out.push(error(`${name(path)} must have at least ${schema.minItems} item${schema.minItems === 1 ? '' : 's'}, got ${items.length}`, path, node));
  }
  if (schema.maxItems !== undefined && items.length > schema.maxItems) {
    out.push(error(`${name(path)} may have at most ${schema.maxItems} items, got ${items.length}`, path, node));
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
 * `oneOf` over object shapes: the branch is chosen by the keys present (the branch whose
 * required keys are all present, else the one sharing most keys), so the user sees the errors
 * of the form they meant rather than a generic "matches no alternative".
 */
function checkOneOf(node: Node, schema: SchemaNode, path: string, c: Check): void {
  const out = c.out;
  const branches = (schema.oneOf ?? []).map((b) => resolve(b, c.root));
  if (node.type !== 'object') {
    out.push(error(`${name(path)} must be an object, got ${describeNode(node, c.text)}`, path, node));
    return;
  }
  const keys = new Set((node.children ?? []).map((p) => p.children?.[0]?.value as string));
  let best = branches[0];
  let bestScore = -Infinity;
  for (const branch of branches) {
    const props = Object.keys(branch.properties ?? {});
    const required = branch.required ?? [];
    const shared = props.filter((k) => keys.has(k)).length;
    const complete = required.every((k) => keys.has(k)) ? 1000 : 0;
    const score = complete + shared * 10 - required.filter((k) => !keys.has(k)).length;
    if (score > bestScore) {
      bestScore = score;
      best = branch;
    }
  }
  const sharesAny = Object.keys(best.properties ?? {}).some((k) => keys.has(k));
  if (!sharesAny && keys.size > 0 && branches.length > 1) {
    const forms = branches.map((b) => '{ ' + (b.required ?? Object.keys(b.properties ?? {})).map((k) => `"${k}"`).join(', ') + ' }').join(' or ');
    out.push(error(`${name(path)} must have the form ${forms}`, path, node));
    return;
  }
  check(node, best, path, c);
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
