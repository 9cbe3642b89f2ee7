/**
 * One Problems entry per fault (issue 10): VS Code validates `*.flab.json` against the schema it is
 * given (`jsonValidation`) and our validator reports the same faults with the CLI's messages, so
 * every fault showed twice ("must be ≥ 1" and "Value is below the minimum of 1"). VS Code is given
 * media/flab.editor.schema.json instead: the format's schema (media/flab.schema.json, the single
 * definition, which our validator interprets) without what validates — types, bounds, required keys,
 * closed objects, enums (kept as `examples`: completion without validation), oneOf (as anyOf) —
 * and with everything that documents (the root's if/then/else keeps its condition, which only picks
 * the kind whose keys are documented, and loses its branches' validation): descriptions, defaults, properties for completion and hover.
 * This test derives it and compares; `FLAB_UPDATE_EDITOR_SCHEMA=1` writes it.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const MEDIA = join(process.cwd(), 'media');
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** The keywords that validate; VS Code would report a fault our validator reports already. */
const VALIDATING = new Set(['type', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minItems', 'maxItems', 'minLength', 'maxLength', 'pattern', 'required', 'multipleOf', 'uniqueItems', 'minProperties', 'maxProperties', 'propertyNames', 'const', 'not', 'dependencies', 'contains', 'format', 'float32']);

/** A schema node without its validating keywords (recursively; property names are not keywords). */
function derive(node: Json): Json {
  if (Array.isArray(node)) return node.map(derive);
  if (node === null || typeof node !== 'object') return node;
  const out: { [k: string]: Json } = {};
  for (const [k, v] of Object.entries(node)) {
    if (VALIDATING.has(k)) continue;
    // Keys told by their value (a list of widths for `hidden`): a shape that validates, for our messages only.
    if (k === 'keysByValue') continue;
    if (k === 'properties' || k === 'definitions' || k === '$defs') out[k] = Object.fromEntries(Object.entries(v as { [k: string]: Json }).map(([name, s]) => [name, derive(s)]));
    else if (k === 'enum') out.examples = v;
    // The kind of file (docs/networks.md, "The file format"): the condition as written, so that VS Code
    // documents the right kind's keys; the branches without validation.
    else if (k === 'if') out.if = v;
    else if (k === 'then' || k === 'else') out[k] = derive(v);
    else if (k === 'oneOf' || k === 'anyOf' || k === 'allOf') out.anyOf = (v as Json[]).map(derive);
    else if (k === 'additionalProperties' || k === 'items') {
      if (typeof v === 'object' && v !== null) out[k] = derive(v);
    } else out[k] = v;
  }
  // Completion of an object or array key still inserts its brackets.
  const type = (node as { type?: Json }).type;
  if (type === 'object' && !out.defaultSnippets) out.defaultSnippets = [{ body: {} }];
  if (type === 'array' && !out.defaultSnippets) out.defaultSnippets = [{ body: [] }];
  return out;
}

function editorSchema(schema: { [k: string]: Json }): Json {
  const derived = derive(schema) as { [k: string]: Json };
  return {
    $comment: 'Generated from flab.schema.json by test/unit/extension/editorSchema.test.ts (FLAB_UPDATE_EDITOR_SCHEMA=1): its documentation without its validation, which the extension does itself with the CLI\'s messages (one Problems entry per fault). Edit flab.schema.json, not this file.',
    ...derived,
    $id: 'https://feature-learning-lab/flab.editor.schema.json',
    allowTrailingCommas: true,
  };
}

test('the editor schema is the format\'s schema without validation, and up to date', () => {
  const schema = JSON.parse(readFileSync(join(MEDIA, 'flab.schema.json'), 'utf8')) as { [k: string]: Json };
  const expected = JSON.stringify(editorSchema(schema), null, 2) + '\n';
  const file = join(MEDIA, 'flab.editor.schema.json');
  if (process.env.FLAB_UPDATE_EDITOR_SCHEMA === '1') writeFileSync(file, expected);
  assert.equal(readFileSync(file, 'utf8'), expected, 'media/flab.editor.schema.json is stale: run the unit tests with FLAB_UPDATE_EDITOR_SCHEMA=1');
});

test('nothing in it validates; every description and default of the format is in it, at the same place', () => {
  const schema = JSON.parse(readFileSync(join(MEDIA, 'flab.schema.json'), 'utf8')) as Json;
  const editor = JSON.parse(readFileSync(join(MEDIA, 'flab.editor.schema.json'), 'utf8')) as Json;
  const keywords: string[] = [];
  const documented = new Map<string, Json>();
  const walk = (node: Json, path: string, into: (path: string, k: string, v: Json) => void, names = false): void => {
    if (Array.isArray(node)) node.forEach((n, i) => walk(n, `${path}[${i}]`, into));
    else if (node !== null && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (!names) into(path, k, v);
        // The root's condition only chooses the kind documented: it is kept as written.
        if (!names && k === 'if') continue;
        // Property names are not keywords, nor are keysElsewhere's (nor stringsElsewhere's patterns): a key of another form may be named
        // as a keyword is (the embedded MNIST's `format`, a file form's discriminator).
        walk(v, `${path}/${k}`, into, !names && (k === 'properties' || k === 'definitions' || k === '$defs' || k === 'keysElsewhere' || k === 'stringsElsewhere'));
      }
    }
  };
  walk(editor, '', (_p, k) => {
    if (VALIDATING.has(k) || k === 'enum' || k === 'oneOf') keywords.push(k);
  });
  assert.deepEqual(keywords, [], 'validating keywords left');
  walk(schema, '', (p, k, v) => {
    if (k === 'description' || k === 'default') documented.set(`${p.replace(/oneOf/g, 'anyOf')}/${k}`, v);
  });
  let found = 0;
  walk(editor, '', (p, k, v) => {
    const key = `${p}/${k}`;
    if (documented.has(key)) {
      assert.deepEqual(v, documented.get(key), key);
      found++;
    }
  });
  assert.equal(found, documented.size, 'every description and default kept');
  // keysElsewhere is documentation (what a key of another form means here): kept whole, keys named as
  // keywords too — `format` in the embedded MNIST's was once left out of the format, for this check.
  const mnist = (s: Json) => (s as { $defs: Record<string, { keysElsewhere: Record<string, string> }> }).$defs.dataMnist.keysElsewhere;
  assert.deepEqual(mnist(editor), mnist(schema));
  assert.ok(Object.hasOwn(mnist(editor), 'format'), 'the embedded MNIST answers `format`');
  // Completion of values: the activations and the sweep scales are offered as examples.
  const defs = (editor as { $defs: Record<string, { properties: { model: { properties: { activation: { examples: string[] } } } } }> }).$defs;
  for (const kind of ['linearExperiment', 'networkExperiment']) {
    assert.deepEqual(defs[kind].properties.model.properties.activation.examples, ['linear', 'relu', 'leaky_relu', 'tanh', 'sigmoid', 'swish'], kind);
  }
});
