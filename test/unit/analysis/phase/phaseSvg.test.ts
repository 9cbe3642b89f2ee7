/**
 * The phase diagram's SVG figure (`flab phase --svg`, the panel's Export Chart) is well-formed XML
 * whatever its legend says: a share below 0.1 % ("< 0.1 %"), a title with markup characters. A figure
 * that is not well-formed opens as text but cannot be drawn as an image, so the panel's PNG export
 * (which rasterises this SVG) failed on it. Refused cells are hatched and listed in the legend.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { phaseDiagramSync, type PhaseMethod } from '../../../../src/core/analysis/phase/phaseDiagram';
import { phaseSvg, type PhaseFigureInput } from '../../../../src/core/analysis/phase/phaseSvg';
import { cellStyle, REFUSED_FILL, REFUSED_HATCH, REFUSED_NAME, shareText } from '../../../../src/core/analysis/phase/phaseStyle';
import { parseExperiment } from '../../../../src/core/experiment/parse';
import { DESCENT_OUTCOMES } from '../../../../src/core/linearFlow/stability';
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
    refused: new Uint8Array(cells),
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

test('unsettled cells: violet, shaded by their kernel change like converged and catapult ones, with their labels; the legend from converged to diverged', () => {
  const code = (name: string): number => DESCENT_OUTCOMES.indexOf(name as (typeof DESCENT_OUTCOMES)[number]);
  // 10 × 10 cells: rows 0–3 converged, 4–5 catapult, 6–7 unsettled (alignment or kernel), 8–9 diverged (no label).
  const outcomeOf = (k: number): number => code(k < 40 ? 'converged' : k < 60 ? 'catapult' : k < 80 ? 'unsettled' : 'diverged');
  const fig = descentFigure(10, outcomeOf, (k) => (k >= 80 ? 255 : k % 2));
  const svg = phaseSvg(fig);
  assertWellFormed(svg);
  const entries = [...svg.matchAll(/<rect x="\d+" y="\d+" width="16" height="16" fill="([^"]+)"\/>\s*<text[^>]*>([a-z]+)<\/text>\s*<text[^>]*>([^<]*)<\/text>/g)].map((m) => [m[2], m[1], m[3]]);
  assert.deepEqual(entries, [
    ['converged', '#3a78b5', '40 %'],
    ['catapult', '#e5861d', '20 %'],
    ['unsettled', '#7e3ff2', '20 %'],
    ['diverged', '#a3263c', '20 %'],
  ]);
  // The labels within unsettled, as within the other outcomes that have them.
  const unsettled = svg.slice(svg.indexOf('>unsettled</text>'), svg.indexOf('>diverged</text>'));
  assert.match(unsettled, />kernel<\/text>\s*<text[^>]*>10 %<\/text>/);
  assert.match(unsettled, />alignment<\/text>\s*<text[^>]*>10 %<\/text>/);
  // Each unsettled cell in violet at its kernel change's shade; diverged flat crimson.
  const { rects } = cellRects(svg);
  const violet = rects.filter((r) => r.fill === '#7e3ff2');
  assert.ok(violet.length > 0, 'violet cells');
  const opacities = new Set([...svg.matchAll(/fill="#7e3ff2" fill-opacity="([\d.]+)"/g)].map((m) => m[1]));
  assert.ok(opacities.size >= 2, `unsettled cells are shaded: ${[...opacities].join(', ')}`);
  for (let k = 60; k < 80; k++) assert.deepEqual(cellStyle(outcomeOf(k), fig.labels[k], fig.scores.kernelChange[k]).colour, '#7e3ff2');
  assert.equal(cellStyle(code('diverged'), 255, NaN).weight, 1, 'diverged is flat');
  // The shading scale ramps unsettled's violet, not diverged's crimson.
  const ramps = new Set([...svg.matchAll(/<rect x="\d+" y="\d+" width="22" height="10" fill="([^"]+)"/g)].map((m) => m[1]));
  assert.deepEqual([...ramps], ['#3a78b5', '#e5861d', '#7e3ff2']);
});

/**
 * Refused cells (beyond 64 bits: no label, outcome NO_OUTCOME, NaN scores) over σ from 1e-300 to
 * 1e300. Before they had a look of their own, the flow drew them in the kernel regime's grey (the
 * fallback of label 255) with a legend entry "255" filled "undefined", and descent drew them in the
 * diverged crimson and counted them under an outcome "255".
 */
const WIDE = { model: { width: 64 }, data: { x: [1], y: 1 }, init: { scaleU: 1e-3, scaleW: 1e-3, seed: 1 }, learningRates: { u: 0.1, W: 0.1 }, time: { end: 400 } };

/** The cells' rectangles of a figure (inside its crisp-edged group) and the plot's frame. */
function cellRects(svg: string): { rects: { x: number; y: number; width: number; height: number; fill: string }[]; frame: { x: number; y: number; width: number; height: number } } {
  const group = /<g shape-rendering="crispEdges">([\s\S]*?)<\/g>/.exec(svg);
  assert.ok(group, 'the cells group');
  const rects = [...group[1].matchAll(/<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)" fill="([^"]+)"/g)].map((m) => ({ x: +m[1], y: +m[2], width: +m[3], height: +m[4], fill: m[5] }));
  const f = /<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)" fill="none" stroke="#222"/.exec(svg);
  assert.ok(f, 'the plot frame');
  return { rects, frame: { x: +f[1], y: +f[2], width: +f[3], height: +f[4] } };
}

for (const method of ['flow', 'descent'] as PhaseMethod[]) {
  test(`${method}: refused cells are hatched, never in a label or outcome colour, and the legend gives their share of all the cells`, () => {
    const { experiment } = parseExperiment(JSON.stringify(WIDE));
    assert.ok(experiment);
    const n = 7;
    const p = phaseDiagramSync(experiment, { key: 'init.scaleW', from: 1e-300, to: 1e300 }, { key: 'init.scaleU', from: 1e-300, to: 1e300 }, n, method);
    const refused = [...p.refused].filter((r) => r === 1).length;
    assert.ok(refused > 0 && refused < n * n, `${refused} refused cells: the figure has both kinds`);
    const svg = phaseSvg(p);
    assertWellFormed(svg);
    assert.doesNotMatch(svg, /undefined|NaN/, 'no colour or number is missing');
    // The pattern: the shared fill and hatch of phaseStyle.ts.
    const pattern = /<pattern id="refused"[^>]*>([\s\S]*?)<\/pattern>/.exec(svg);
    assert.ok(pattern, 'the hatch pattern');
    assert.match(pattern[1], new RegExp(`fill="${REFUSED_FILL}"`));
    assert.match(pattern[1], new RegExp(`stroke="${REFUSED_HATCH}"`));
    // Each cell's centre lies in one rectangle: the hatch exactly where refused, its own colour elsewhere.
    const { rects, frame } = cellRects(svg);
    const cw = frame.width / n;
    const ch = frame.height / n;
    const computedColours = new Set<string>();
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const k = i * n + j;
        const cx = frame.x + (j + 0.5) * cw;
        const cy = frame.y + frame.height - (i + 0.5) * ch;
        const under = rects.filter((r) => cx >= r.x && cx < r.x + r.width && cy >= r.y && cy < r.y + r.height);
        assert.equal(under.length, 1, `cell ${k}: one rectangle`);
        if (p.refused[k]) assert.equal(under[0].fill, 'url(#refused)', `refused cell ${k}`);
        else {
          assert.equal(under[0].fill, cellStyle(p.outcomes ? p.outcomes[k] : null, p.labels[k], p.scores.kernelChange[k]).colour, `computed cell ${k}`);
          computedColours.add(under[0].fill);
        }
      }
    }
    // The legend: every entry's share of all 49 cells, refused ones included, and no entry for code 255.
    const entries = [...svg.matchAll(/<text x="(\d+)" y="(\d+)">([^<]*)<\/text>\s*<text x="\d+" y="\2" text-anchor="end" font-size="11" fill="#555">([^<]*)<\/text>/g)].map((m) => ({ name: m[3], share: m[4].replace('&lt;', '<') }));
    assert.match(svg, /fill="#555">share of all cells<\/text>/);
    const count = (pick: (k: number) => boolean): number => Array.from({ length: n * n }, (_, k) => k).filter(pick).length;
    const expected: { name: string; share: string }[] = [];
    if (p.outcomes) {
      const outcomes = p.outcomes;
      // From the most settled outcome to the least.
      for (const name of ['converged', 'catapult', 'unsettled', 'diverged']) {
        const code = DESCENT_OUTCOMES.indexOf(name as (typeof DESCENT_OUTCOMES)[number]);
        const m = count((k) => !p.refused[k] && outcomes[k] === code);
        if (m > 0) expected.push({ name, share: shareText(m, n * n) });
      }
    } else {
      p.labelNames.forEach((name, code) => {
        const m = count((k) => !p.refused[k] && p.labels[k] === code);
        if (m > 0) expected.push({ name, share: shareText(m, n * n) });
      });
    }
    expected.push({ name: REFUSED_NAME, share: shareText(refused, n * n) });
    assert.deepEqual(entries, expected);
    assert.doesNotMatch(svg, />255</, 'no legend entry for the code of no label or outcome');
    // The swatch of the entry is the hatch, and the shading ramps only the computed cells' colours.
    assert.match(svg, /<rect x="\d+" y="\d+" width="16" height="16" fill="url\(#refused\)"/);
    const ramps = new Set([...svg.matchAll(/<rect x="\d+" y="\d+" width="22" height="10" fill="([^"]+)"/g)].map((m) => m[1]));
    for (const colour of ramps) assert.ok(computedColours.has(colour), `${colour} ramps a computed cell's colour`);
    if (!p.outcomes) assert.deepEqual([...ramps].sort(), [...computedColours].sort());
  });
}

test('a figure without refused cells has neither the hatch nor its legend entry', () => {
  const svg = phaseSvg(descentFigure(6, () => 0, () => 0));
  assert.doesNotMatch(svg, /pattern|refused/);
});
