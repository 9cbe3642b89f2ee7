/**
 * Checks a parsed JSON tree against the experiment schema (`media/flab.schema.json`), the single
 * definition of the file format. Only the parts of JSON Schema the schema uses are interpreted:
 * type, properties, required, additionalProperties: false, minimum / maximum / exclusiveMinimum,
 * enum, items, minItems / maxItems, oneOf (chosen by the keys present) and local $ref.
 */
import type { Node } from 'jsonc-parser';
import { Diagnostic, didYouMean, formatNumber, joinPath } from './diagnostic';

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

/** Checks `node` against `schema`; appends every problem to `out`. `root` resolves `$ref`s. */
export function checkAgainstSchema(node: Node, schema: SchemaNode, root: SchemaNode, path: string, out: Diagnostic[]): void {
  schema = resolve(schema, root);
  if (schema.oneOf) {
    checkOneOf(node, schema, root, path, out);
    return;
  }
  if (schema.type !== undefined && !matchesType(node, schema.type)) {
    out.push(error(`${name(path)} must be ${describeType(schema.type)}, got ${describeNode(node)}`, path, node));
    return;
  }
  if (schema.enum && !schema.enum.includes(node.value)) {
    const allowed = schema.enum.map((v) => JSON.stringify(v)).join(', ');
    const hint = typeof node.value === 'string' ? didYouMean(node.value, schema.enum.filter((v): v is string => typeof v === 'string')) : '';
    out.push(error(`${name(path)} must be one of ${allowed}, got ${JSON.stringify(node.value)}${hint}`, path, node));
    return;
  }
  if (node.type === 'number') checkNumber(node, schema, path, out);
  if (node.type === 'object') checkObject(node, schema, root, path, out);
  if (node.type === 'array') checkArray(node, schema, root, path, out);
}

function checkNumber(node: Node, schema: SchemaNode, path: string, out: Diagnostic[]): void {
  const value = node.value as number;
  const got = `got ${formatNumber(value)}`;
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

function checkObject(node: Node, schema: SchemaNode, root: SchemaNode, path: string, out: Diagnostic[]): void {
  const props = schema.properties ?? {};
  const seen = new Set<string>();
  for (const prop of node.children ?? []) {
    const keyNode = prop.children?.[0];
    const valueNode = prop.children?.[1];
    if (!keyNode) continue;
    const key = keyNode.value as string;
    const childPath = joinPath(path, key);
    if (seen.has(key)) {
      out.push(error(`duplicate key \`${key}\` in ${path === '' ? 'the experiment' : path}`, childPath, keyNode));
      continue;
    }
    seen.add(key);
    const childSchema = props[key];
    if (!childSchema) {
      if (typeof schema.additionalProperties === 'object') {
        if (valueNode) checkAgainstSchema(valueNode, schema.additionalProperties, root, childPath, out);
      } else if (schema.additionalProperties === false) {
        const where = path === '' ? '' : ` in ${path}`;
        out.push(error(`unknown key \`${key}\`${where}${didYouMean(key, Object.keys(props))}`, childPath, keyNode));
      }
      continue;
    }
    if (valueNode) checkAgainstSchema(valueNode, childSchema, root, childPath, out);
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

function checkArray(node: Node, schema: SchemaNode, root: SchemaNode, path: string, out: Diagnostic[]): void {
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
      checkAgainstSchema(items[i], schema.items, root, joinPath(path, i), out);
      if (out.length - before >= 5) break; // a few located errors say enough about a long array
    }
  }
}

/**
 * `oneOf` over object shapes: the branch is chosen by the keys present (the branch whose
 * required keys are all present, else the one sharing most keys), so the user sees the errors
 * of the form they meant rather than a generic "matches no alternative".
 */
function checkOneOf(node: Node, schema: SchemaNode, root: SchemaNode, path: string, out: Diagnostic[]): void {
  const branches = (schema.oneOf ?? []).map((b) => resolve(b, root));
  if (node.type !== 'object') {
    out.push(error(`${name(path)} must be an object, got ${describeNode(node)}`, path, node));
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
  checkAgainstSchema(node, best, root, path, out);
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

function describeNode(node: Node): string {
  switch (node.type) {
    case 'number':
      return formatNumber(node.value as number);
    case 'string':
      return JSON.stringify(node.value);
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
