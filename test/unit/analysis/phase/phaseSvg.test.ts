/**
 * The phase diagram's SVG figure (`flab phase --svg`, the panel's Export Chart) is well-formed XML
 * whatever its legend says: a share below 0.1 % ("< 0.1 %"), a title with markup characters. A figure
 * that is not well-formed opens as text but cannot be drawn as an image, so the panel's PNG export
 * (which rasterises this SVG) failed on it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { phaseSvg, type PhaseFigureInput } from '../../../../src/core/analysis/phase/phaseSvg';
import { DEFAULT_THRESHOLDS, LABEL_NAMES } from '../../../../src/core/mechanisms/classify';

const ENTITY = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/y;
const TAG = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/y;

/** Throws unless `xml` is one well-formed element: balanced tags, quoted attributes without `<`, text and attributes with only the five entities or character references. */
function assertWellFormed(xml: string): void {
  const open: string[] = [];
  let i = 0;
  let roots = 0;
  while (i < xml.length) {
    const c = xml[i];
    if (c === '<') {
      TAG.lastIndex = i;
      const m = TAG.exec(xml);
      assert.ok(m, `not a tag at character ${i}: ${JSON.stringify(xml.slice(i, i + 40))}`);
      const [whole, closing, name, attributes, selfClosing] = m;
      for (const value of attributes.matchAll(/="([^"]*)"/g)) assertText(value[1], i);
      if (closing) assert.equal(open.pop(), name, `</${name}> at character ${i} closes nothing open`);
      else if (!selfClosing) {
        if (open.length === 0) roots++;
        open.push(name);
      } else if (open.length === 0) roots++;
      i += whole.length;
    } else {
      const end = xml.indexOf('<', i);
      const text = xml.slice(i, end < 0 ? xml.length : end);
      if (open.length === 0) assert.equal(text.trim(), '', `text outside the root at character ${i}`);
      assertText(text, i);
      i += text.length;
    }
  }
  assert.deepEqual(open, [], 'every element closed');
  assert.equal(roots, 1, 'one root element');
}

function assertText(text: string, at: number): void {
  for (let k = 0; k < text.length; k++) {
    if (text[k] === '&') {
      ENTITY.lastIndex = k;
      assert.ok(ENTITY.test(text), `a bare & near character ${at + k}: ${JSON.stringify(text)}`);
    }
    assert.notEqual(text[k], '<', `a bare < near character ${at + k}: ${JSON.stringify(text)}`);
  }
}

/** An n × n descent diagram: outcomes and labels given per cell. */
function descentFigure(n: number, outcomeOf: (k: number) => number, labelOf: (k: number) => number): PhaseFigureInput {
  const axis = (path: string) => ({ path, values: Array.from({ length: n }, (_, i) => 10 ** (-2 + (4 * i) / (n - 1))), current: 1 });
  const cells = n * n;
  return {
    method: 'descent',
    x: axis('model.outputScale'),
    y: axis('learningRates.W'),
    labels: Uint8Array.from({ length: cells }, (_, k) => labelOf(k)),
    labelNames: LABEL_NAMES,
    scores: { kernelChange: Float64Array.from({ length: cells }, (_, k) => 10 ** (-4 + (5 * k) / cells)) },
    outcomes: Uint8Array.from({ length: cells }, (_, k) => outcomeOf(k)),
    lines: [],
    thresholds: DEFAULT_THRESHOLDS,
    budget: 1000,
    defaultBudget: false,
    scoredOver: 'infinity',
  };
}

test('a share below 0.1 % is written "&lt; 0.1 %", and the figure is well-formed XML', () => {
  // 40 × 40 cells, one of them a catapult (0.06 %): the legend writes "< 0.1 %".
  const svg = phaseSvg(descentFigure(40, (k) => (k === 0 ? 1 : k < 800 ? 0 : 2), (k) => (k < 800 ? 0 : 255)), { title: 'a < b & "c"' });
  assertWellFormed(svg);
  assert.match(svg, />catapult<\/text>\s*<text[^>]*>&lt; 0\.1 %<\/text>/);
  assert.match(svg, />a &lt; b &amp; &quot;c&quot;<\/text>/);
  assert.throws(() => assertWellFormed(svg.replace('&lt; 0.1 %', '< 0.1 %')), /not a tag at character/, 'the check sees what the bug wrote');
});

test('beyond three labels within an outcome the legend counts the rest, in the singular for one', () => {
  // Converged cells with 4 labels (kernel, alignment, disalignment, rescaling): three named, "1 more label".
  const four = phaseSvg(descentFigure(20, () => 0, (k) => [0, 1, 2, 4][k % 4]));
  assertWellFormed(four);
  assert.match(four, />1 more label<\/text>/);
  const five = phaseSvg(descentFigure(20, () => 0, (k) => [0, 1, 2, 4, 5][k % 5]));
  assert.match(five, />2 more labels<\/text>/);
});
