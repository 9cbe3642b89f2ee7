/**
 * The phase diagram's legend words (src/core/analysis/phase/phaseStyle.ts), shared by the panel and
 * the SVG of `flab phase --svg`: the shading said in words true on a dark page as on a light one,
 * and every threshold of the labelling rule — the tangent-feature change too, as the verdict lists it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { phaseDiagramSync } from '../../../../src/core/analysis/phase/phaseDiagram';
import { phaseSvg } from '../../../../src/core/analysis/phase/phaseSvg';
import { shadeNote, thresholdClauses } from '../../../../src/core/analysis/phase/phaseStyle';
import { parseExperiment } from '../../../../src/core/experiment/parse';
import { DEFAULT_THRESHOLDS } from '../../../../src/core/mechanisms/classify';

test('the shading is faint to full, never "pale" (a faint shade is dark on a dark page)', () => {
  assert.doesNotMatch(shadeNote(), /pale/i);
  assert.match(shadeNote(), /^Each label's colour from faint — close to the background — \(kernel change ≤ 10⁻⁴\) to full \(≥ 10¹\), in 8 steps\.$/);
});

test('every threshold of the rule, as set (a missing one is the default)', () => {
  assert.deepEqual(thresholdClauses(DEFAULT_THRESHOLDS), [
    'kernel regime: kernel change < 0.1 and tangent-feature change < 0.1',
    'alignment or disalignment: |ζ| change ≥ 0.1',
    'rescaling alongside: balance change ≥ 1',
  ]);
  assert.match(thresholdClauses({ kernelChange: 0.05, tangentChange: 0.12345 })[0], /kernel change < 0\.05 and tangent-feature change < 0\.12345/);
});

test('the SVG states the tangent-feature threshold of the file, within its legend column', () => {
  const text = JSON.stringify({ model: { width: 64, outputScale: 1 }, data: { x: [1], y: 1 }, init: { scaleU: 0.1, scaleW: 0.1, seed: 1 }, learningRates: { u: 1, W: 1 }, classify: { tangentChange: 0.25 } });
  const { experiment } = parseExperiment(text);
  assert.ok(experiment);
  const d = phaseDiagramSync(experiment, { key: 'model.outputScale', from: 1e-3, to: 1e3, scale: 'log' }, { key: 'learningRates.W', from: 1e-3, to: 1e3, scale: 'log' }, 8);
  const svg = phaseSvg(d);
  const legend = [...svg.matchAll(/<text x="(\d+)" y="(\d+)" font-size="11">([^<]*)<\/text>/g)].map((m) => ({ x: Number(m[1]), y: Number(m[2]), text: m[3] }));
  const words = legend.map((l) => l.text).join(' ');
  assert.match(words, /kernel regime: kernel change &lt; 0\.1 and tangent-feature change &lt; 0\.25/);
  assert.match(words, /\|ζ\| change ≥ 0\.1/);
  assert.match(words, /balance change ≥ 1/);
  // Each line fits the 200 px column (11 px text: at most 34 characters), and the lines do not overlap.
  const heading = Number(/<text x="560" y="(\d+)" font-size="11" font-weight="bold">thresholds<\/text>/.exec(svg)?.[1]);
  assert.ok(heading > 0, 'a thresholds heading');
  const lines = legend.filter((l) => l.x === 560 && l.y > heading);
  assert.ok(lines.length >= 4, lines.map((l) => l.text).join(' / '));
  for (const l of lines) assert.ok(l.text.replace(/&lt;/g, '<').length <= 34, `"${l.text}" fits`);
  const ys = lines.map((l) => l.y);
  assert.equal(new Set(ys).size, ys.length);
  assert.ok(Math.max(...ys) < 560, 'inside the figure');
});
