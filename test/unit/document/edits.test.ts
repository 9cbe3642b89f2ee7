// Control write-back: minimal edits that keep comments and formatting, insert a missing key, and
// refuse what the document's current form does not have.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTree } from 'jsonc-parser';
import { readCompareSimulate, readControls } from '../../../src/document/controlState';
import { applyTextEdits, editControlValue, formatControlValue } from '../../../src/document/edits';
import { TEMPLATES } from '../../../src/extension/templates';
import { parseExperiment } from '../../../src/core/experiment/parse';
import { sliderRange } from '../../../src/protocol/dynamics';

const doc = `// my experiment
{
  "model": {
    "width":    100,   // hidden units
    "outputScale": 1
  },
  /* the data */
  "data": { "x": [1], "y": 1 },
  "init": {
    "scaleU": 0.001, // small
    "scaleW": 0.001
  },
  "learningRates": { "u": 1, "W": 1 }
}
`;

function set(text: string, key: Parameters<typeof editControlValue>[1], value: number): string | null {
  const edits = editControlValue(text, key, value);
  return edits === null ? null : applyTextEdits(text, edits);
}

describe('editControlValue', () => {
  it('replaces exactly the value and nothing else (comments and odd spacing kept)', () => {
    const out = set(doc, 'model.width', 250)!;
    assert.equal(out, doc.replace('"width":    100,', '"width":    250,'));
    const edits = editControlValue(doc, 'model.width', 250)!;
    assert.equal(edits.length, 1);
    assert.equal(doc.slice(edits[0].offset, edits[0].offset + edits[0].length), '100');
  });

  it('edits values inside a one-line object and in a commented line', () => {
    assert.equal(set(doc, 'data.y', -0.5), doc.replace('"y": 1 }', '"y": -0.5 }'));
    assert.equal(set(doc, 'init.scaleU', 0.02), doc.replace('"scaleU": 0.001, // small', '"scaleU": 0.02, // small'));
    assert.equal(set(doc, 'learningRates.W', 3), doc.replace('"W": 1 }', '"W": 3 }'));
  });

  it('returns no edit when the value is already there', () => {
    assert.deepEqual(editControlValue(doc, 'model.outputScale', 1), []);
  });

  it('rounds the width to an integer and strips float noise', () => {
    assert.equal(formatControlValue('model.width', 12.6), '13');
    assert.equal(formatControlValue('model.width', 0.2), '1');
    assert.equal(formatControlValue('learningRates.u', 0.1 + 0.2), '0.3');
    assert.equal(formatControlValue('data.y', -0), '0');
    assert.equal(formatControlValue('init.scaleU', 1e-7), '1e-7');
  });

  it('inserts a missing optional key after the last property, in its indentation', () => {
    const text = doc.replace('100,   // hidden units\n    "outputScale": 1', '100   // hidden units');
    assert.ok(!text.includes('outputScale'));
    const out = set(text, 'model.outputScale', 0.5)!;
    assert.equal(out, doc.replace('"outputScale": 1', '"outputScale": 0.5'));
    assert.equal(parseExperiment(out).experiment?.model.outputScale, 0.5);
  });

  it('inserts into a one-line object on that line', () => {
    const text = '{ "model": { "width": 3 }, "data": { "x": [1], "y": 1 }, "init": { "scaleU": 1, "scaleW": 1 }, "learningRates": { "u": 1, "W": 1 } }';
    assert.equal(set(text, 'model.outputScale', 2), text.replace('"width": 3 }', '"width": 3, "outputScale": 2 }'));
  });

  it('inserts after a trailing comma and a line comment, and keeps CRLF line ends', () => {
    const text = '{\r\n  "model": {\r\n    "width": 3, // three\r\n  },\r\n  "x": 1\r\n}\r\n';
    const out = set(text, 'model.outputScale', 2)!;
    assert.equal(out, '{\r\n  "model": {\r\n    "width": 3, // three\r\n    "outputScale": 2,\r\n  },\r\n  "x": 1\r\n}\r\n');
  });

  it('refuses keys the current form does not have', () => {
    const explicit = TEMPLATES.find((t) => t.id === 'rescaling')!.text;
    assert.equal(editControlValue(explicit, 'init.scaleU', 1), null);
    assert.equal(editControlValue(explicit, 'init.scaleW', 1), null);
    const samples = '{ "model": { "width": 2 }, "data": { "samples": [{ "x": [1], "y": 1 }] }, "init": { "scaleU": 1, "scaleW": 1 }, "learningRates": { "u": 1, "W": 1 } }';
    assert.equal(editControlValue(samples, 'data.y', 1), null);
    assert.equal(editControlValue('{}', 'model.width', 3), null);
    // An explicit init fixes the width (init.u's entries, init.W's rows): finding 7 of the breaker's round,
    // where typing 5 wrote "width": 5 into a file of 3 neurons and broke it; a random init's width is the panel's to set.
    const threeNeurons = '{ "model": { "width": 3 }, "init": { "u": [0.1, 0.2, 0.3], "W": [[1], [2], [3]] }, "learningRates": { "u": 0.2, "W": 0.2 }, "data": { "x": [1], "y": 3 } }';
    assert.equal(editControlValue(threeNeurons, 'model.width', 5), null);
    assert.equal(editControlValue(threeNeurons, 'model.width', 3), null);
    assert.equal(readControls(parseTree(threeNeurons))!.find((c) => c.key === 'model.width')!.value, null, 'disabled, as σ_u and σ_W');
    assert.equal(set(threeNeurons.replace('"u": [0.1, 0.2, 0.3], "W": [[1], [2], [3]]', '"scaleU": 1, "scaleW": 1'), 'model.width', 5)?.includes('"width": 5'), true);
    assert.equal(editControlValue('[1, 2]', 'model.width', 3), null);
    assert.equal(editControlValue('', 'model.width', 3), null);
  });

  it('writes the base of a key written as { widthExponent, base }, or inserts "base" into it, the exponent and the rest untouched', () => {
    const powered = `{
  "model": { "width": 1024, "outputScale": { "widthExponent": -0.5, /* b */ "base": 2 } },
  "data": { "x": [1], "y": 1 },
  "init": { "scaleU": 1, "scaleW": 1, "seed": 1 },
  "learningRates": {
    "u": { "widthExponent": 1 }, // base 1
    "W": 0.1
  }
}`;
    assert.equal(set(powered, 'model.outputScale', 0.5), powered.replace('"base": 2', '"base": 0.5'));
    assert.deepEqual(editControlValue(powered, 'model.outputScale', 2), [], 'already the base');
    assert.equal(set(powered, 'learningRates.u', 0.25), powered.replace('{ "widthExponent": 1 }', '{ "widthExponent": 1, "base": 0.25 }'));
    assert.equal(parseExperiment(set(powered, 'learningRates.u', 0.25)!).experiment?.learningRates.u, 0.25 * 1024);
  });

  it('never overwrites a value of another type', () => {
    const text = doc.replace('"width":    100', '"width":    "100"');
    assert.equal(editControlValue(text, 'model.width', 5), null);
  });

  it('replaces a readable value in a document with a syntax error elsewhere, but inserts nothing there', () => {
    const broken = doc.replace('"scaleW": 0.001', '"scaleW": 0.0.01');
    assert.equal(set(broken, 'model.width', 7), broken.replace('"width":    100', '"width":    7'));
    const brokenNoScale = broken.replace('100,   // hidden units\n    "outputScale": 1', '100   // hidden units');
    assert.ok(!brokenNoScale.includes('outputScale'));
    assert.equal(editControlValue(brokenNoScale, 'model.outputScale', 2), null);
  });

  it('keeps every template valid after setting every control it has', () => {
    for (const t of TEMPLATES) {
      for (const c of readControls(parseTree(t.text))!) {
        if (c.value === null) continue;
        const value = c.linear ? c.value / 2 : c.value * 2;
        const out = set(t.text, c.key, value);
        assert.ok(out !== null, `${t.id}: ${c.key}`);
        // (Doubling the width of an explicit initialisation makes its u and W too short: that error is the user's to see.)
        const explicitWidth = c.key === 'model.width' && /"u": \[/.test(t.text);
        if (!explicitWidth) assert.deepEqual(parseExperiment(out).diagnostics, [], `${t.id}: ${c.key}`);
        // Only the value changed: comments are all still there.
        assert.equal(out.split('//').length, t.text.split('//').length);
      }
    }
  });
});

describe('readControls', () => {
  it('reads every value, the default for a missing outputScale, and null for keys of the other form', () => {
    const explicit = TEMPLATES.find((t) => t.id === 'rescaling')!.text.replace(/"outputScale": 1/, '"activation": "linear"');
    const controls = readControls(parseTree(explicit))!;
    const byKey = Object.fromEntries(controls.map((c) => [c.key, c.value]));
    // The explicit init fixes the width as it rules out σ_u and σ_W.
    assert.deepEqual(byKey, { 'model.width': null, 'model.outputScale': 1, 'init.scaleU': null, 'init.scaleW': null, 'learningRates.u': 1, 'learningRates.W': 0.01, 'data.y': 1 });
    const width = readControls(parseTree(explicit.replace(/"init": \{[^}]*\}/, '"init": { "scaleU": 1, "scaleW": 1 }')))!.find((c) => c.key === 'model.width')!;
    assert.equal(width.value, 3);
    assert.deepEqual([width.min, width.max, width.integer, width.linear], [1, 1e6, true, false]);
    const y = controls.find((c) => c.key === 'data.y')!;
    assert.deepEqual([y.min, y.max, y.linear], [-10, 10, true]);
  });

  it('widens a slider to hold the file\'s value, within the key\'s domain, and gives the value as written', () => {
    const text = '{ "model": { "width": 1e7, "outputScale": 2.5E9 }, "data": { "x": [1], "y": -47 }, "init": { "scaleU": 0.0000605417987571, "scaleW": 0 }, "learningRates": { "u": 1, "W": 1 } }';
    const c = Object.fromEntries(readControls(parseTree(text), text)!.map((x) => [x.key, x]));
    // A width of 10⁷ sat at the end of a slider to 10⁶: one arrow key wrote 986279 into the file.
    assert.deepEqual([c['model.width'].min, c['model.width'].max, c['model.width'].text], [1, 1e7, '1e7']);
    assert.deepEqual([c['model.outputScale'].min, c['model.outputScale'].max, c['model.outputScale'].text], [1e-6, 1e10, '2.5E9']);
    assert.deepEqual([c['data.y'].min, c['data.y'].max, c['data.y'].text], [-50, 50, '-47']);
    assert.deepEqual([c['init.scaleU'].min, c['init.scaleU'].max, c['init.scaleU'].text], [1e-6, 1e3, '0.0000605417987571']);
    assert.deepEqual([c['init.scaleW'].min, c['init.scaleW'].max, c['init.scaleW'].value], [1e-6, 1e3, 0], 'σ = 0 keeps the range');
    assert.deepEqual([sliderRange('init.scaleU', 1e-9).min, sliderRange('init.scaleU', 2e4).max], [1e-9, 1e5]);
    // Beyond the domain (an invalid width of 10⁹): the slider ends at the domain's bound.
    assert.equal(sliderRange('model.width', 1e9).max, 1e7);
    assert.equal(readControls(parseTree(text))!.find((x) => x.key === 'model.width')!.text, undefined, 'no text without the document');
  });

  it('reads what it can from an invalid document, and nothing from one that is not an object', () => {
    const broken = doc.replace('"scaleW": 0.001', '"scaleW": -1');
    const c = readControls(parseTree(broken))!;
    assert.equal(c.find((x) => x.key === 'init.scaleW')!.value, -1);
    assert.equal(readControls(parseTree('[1]')), null);
    assert.equal(readControls(parseTree('')), null);
  });
});

describe('edits of a document nested too deeply to parse safely', () => {
  it('are refused, never a stack overflow', () => {
    const deep = `{ "model": { "width": 3 }, "x": ${'['.repeat(200_000)}${']'.repeat(200_000)} }`;
    assert.equal(editControlValue(deep, 'model.width', 4), null);
  });
});

describe('readCompareSimulate', () => {
  it('is true only for a boolean true at compare.simulate', () => {
    assert.equal(readCompareSimulate(parseTree('{ "compare": { "simulate": true } }')), true);
    for (const text of ['{ "compare": { "simulate": false } }', '{ "compare": { "simulate": "true" } }', '{ "compare": {} }', '{}', '[]']) {
      assert.equal(readCompareSimulate(parseTree(text)), false, text);
    }
    assert.equal(readCompareSimulate(undefined), false);
  });
});
