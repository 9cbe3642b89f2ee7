/**
 * The SVG figure (src/core/figures/chartFigure.ts): every series drawn where its values say — the
 * coordinates recomputed here from the axis ranges —, gaps and log-axis non-positive values left
 * out, markers for descent, the header (title, label, parameters), the shared tick format, escaping.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseExperiment } from '../../../src/core/experiment/parse';
import { figureSvg, FigureSpec, labelHeadline, sweepHeadline } from '../../../src/core/figures/chartFigure';
import { experimentParameters, networkParameters } from '../../../src/core/figures/parameters';
import { networkSpec } from '../../../src/core/network/spec';

const colours = { foreground: '#111111', background: '#ffffff', grid: 'rgba(0, 0, 0, 0.12)', shade: '#aa8800' };

function spec(): FigureSpec {
  const xs = [0, 1, 2, 3, 4];
  return {
    title: 'Alignment <small init> & co',
    label: 'alignment — |ζ| rose by 0.978 ≥ 0.1',
    parameters: ['d = 64', 'γ = 1', 'σ_u = 0.001'],
    notes: ['Gradient descent (markers) over the exact flow (lines).'],
    columns: 2,
    colours,
    charts: [
      {
        title: 'Alignment ζ(t)',
        x: { label: 't', log: false, min: 0, max: 4 },
        y: [{ label: 'ζ', log: false, min: -1, max: 1 }],
        series: [
          { label: 'ζ', colour: '#1565c0', width: 2, dashed: false, points: false, axis: 0, x: xs, y: [-1, -0.5, null, 0.5, 1] },
          { label: 'ζ (GD)', colour: '#1565c0', width: 2, dashed: false, points: true, axis: 0, x: xs, y: [-1, -0.4, 0, 0.6, 1] },
        ],
        key: [{ label: 'ζ', colour: '#1565c0', mark: 'line' }, { label: 'ζ (GD)', colour: '#1565c0', mark: 'points' }],
        shade: { from: 1, to: 2 },
      },
      {
        title: 'Loss L(t)',
        x: { label: 't', log: false, min: 0, max: 4 },
        y: [{ label: 'L', log: true, min: 1e-6, max: 1 }, { label: 'right', log: false, min: 0, max: 10 }],
        series: [{ label: 'L', colour: '#c62828', width: 2, dashed: true, points: false, axis: 0, x: xs, y: [1, 0.1, 0, 1e-3, 1e-6] }],
        key: [{ label: 'L', colour: '#c62828', mark: 'dashed' }],
        shade: null,
      },
    ],
  };
}

/** Text as the SVG escapes it. */
function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The numbers of an SVG path's M/L commands. */
function pathPoints(d: string): { cmd: string; x: number; y: number }[] {
  return [...d.matchAll(/([ML])([-\d.]+) ([-\d.]+)/g)].map((m) => ({ cmd: m[1], x: Number(m[2]), y: Number(m[3]) }));
}

test('lines go through their values on the axes as given; a gap breaks the line', () => {
  const svg = figureSvg(spec());
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="\d+" height="\d+"/);
  const paths = [...svg.matchAll(/<path d="([^"]+)"[^>]*stroke="([^"]+)"([^>]*)\/>/g)];
  assert.equal(paths.length, 2, 'one path per line series');
  // The plot area of chart 0, read from its frame.
  const frame = /<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)" fill="none"/.exec(svg)!;
  const [left, top, width, height] = frame.slice(1).map(Number);
  const zeta = pathPoints(paths[0][1]);
  const expected = [[0, -1], [1, -0.5], [3, 0.5], [4, 1]].map(([t, z]) => ({ x: left + (t / 4) * width, y: top + height - ((z + 1) / 2) * height }));
  assert.deepEqual(zeta.map((p) => p.cmd), ['M', 'L', 'M', 'L'], 'the null at t = 2 breaks the line');
  zeta.forEach((p, i) => {
    assert.ok(Math.abs(p.x - expected[i].x) < 0.01 && Math.abs(p.y - expected[i].y) < 0.01, `point ${i}: ${JSON.stringify(p)} vs ${JSON.stringify(expected[i])}`);
  });
  // The loss on a log axis: the 0 cannot be placed and breaks the line; 10⁻³ sits at half of the six decades.
  const loss = pathPoints(paths[1][1]);
  assert.deepEqual(loss.map((p) => p.cmd), ['M', 'L', 'M', 'L']);
  assert.ok(Math.abs((loss[2].y - top) / height - 0.5) < 1e-3, `10⁻³ at ${loss[2].y}`);
  assert.match(paths[1][3], /stroke-dasharray/);
  // … and is drawn as a ▼ on the log axis's floor at t = 2, in the loss's colour (never silently dropped).
  const frames = [...svg.matchAll(/<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)" fill="none"/g)].map((m) => m.slice(1).map(Number));
  const [lx, ly, lw, lh] = frames[1];
  const zeros = [...svg.matchAll(/<path class="zeros" d="([^"]+)" fill="([^"]+)"\/>/g)];
  assert.equal(zeros.length, 1, 'only the log axis marks its zeros (ζ = 0 on a linear axis is a point like any other)');
  assert.equal(zeros[0][2], '#c62828');
  const tip = pathPoints(zeros[0][1])[2];
  assert.ok(Math.abs(tip.x - (lx + lw / 2)) < 0.01 && Math.abs(tip.y - (ly + lh)) < 0.01, `the mark's tip on the floor at t = 2: ${JSON.stringify(tip)}`);
  // Markers: one hollow circle per finite value (plus the one of the key).
  const markers = /<g fill="#ffffff" stroke="#1565c0" stroke-width="1.5">(.*?)<\/g>/.exec(svg)!;
  assert.equal((markers[1].match(/<circle/g) ?? []).length, 5);
  // The catapult window: from t = 1 to t = 2, a quarter of the width.
  const shade = /<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)" height="[\d.]+" fill="#aa8800"/.exec(svg)!;
  assert.ok(Math.abs(Number(shade[1]) - (left + width / 4)) < 0.02 && Math.abs(Number(shade[2]) - width / 4) < 0.02);
  assert.ok(svg.includes('clip-path="url(#plot0)"') && svg.includes('<clipPath id="plot1">'));
});

test('a chart\'s note is written under its key, wrapped at its width, and makes the chart taller', () => {
  const plain = figureSvg(spec());
  const noted = spec();
  noted.charts[0].note = 'Dots: the steps where ζ was measured. Between two dots it was not measured: the line only joins them <&>.';
  const svg = figureSvg(noted);
  const lines = [...svg.matchAll(/<text x="[\d.]+" y="([\d.]+)" font-size="11" fill-opacity="0.75">([^<]*)<\/text>/g)];
  assert.ok(lines.length >= 2, 'wrapped over lines');
  assert.equal(lines.map((l) => l[2]).join(' '), 'Dots: the steps where ζ was measured. Between two dots it was not measured: the line only joins them &lt;&amp;&gt;.');
  // Under the key: below the key's text of the first chart.
  const keyY = Number(/<text x="[\d.]+" y="([\d.]+)">ζ<\/text>/.exec(svg)![1]);
  assert.ok(Number(lines[0][1]) > keyY, `${lines[0][1]} > ${keyY}`);
  const height = (s: string) => Number(/height="(\d+)"/.exec(s)![1]);
  assert.ok(height(svg) > height(plain), 'room is made for it');
});

test('a chart title wider than its chart wraps at its words, and the plots of its row move down alike', () => {
  // "Tangent kernel ‖K − K₀‖/‖K₀‖ (features ‖J − J₀‖/‖J₀‖ dashed, probe batch) (log scale)" ran off a PNG's right edge.
  const long = 'Tangent kernel ‖K − K₀‖/‖K₀‖ (features ‖J − J₀‖/‖J₀‖ dashed, probe batch) (log scale)';
  const plain = figureSvg(spec());
  const wrapped = spec();
  wrapped.charts[0].title = long;
  const svg = figureSvg(wrapped);
  const titles = [...svg.matchAll(/<text x="([\d.]+)" y="([\d.]+)" font-size="13" font-weight="bold">([^<]*)<\/text>/g)].filter((m) => Number(m[1]) < 40);
  const lines = titles.map((m) => m[3]).filter((t) => long.includes(t));
  assert.ok(lines.length >= 2, `wrapped: ${JSON.stringify(lines)}`);
  assert.equal(lines.join(' '), long);
  // Each line fits the chart's width (470 px at the figure's estimate of 0.56 em a character).
  for (const line of lines) assert.ok([...line].length * 13 * 0.56 <= 466, line);
  // Both plots of the row start lower by the extra line: their frames (the plot's top grid line) line up.
  const frameTops = (s: string) => [...s.matchAll(/<rect x="([\d.]+)" y="([\d.]+)" width="[\d.]+" height="[\d.]+" fill="none"/g)].map((m) => Number(m[2]));
  const before = frameTops(plain);
  const after = frameTops(svg);
  assert.equal(after.length, before.length);
  assert.ok(after.length >= 2 && after.every((y, i) => Math.abs(y - before[i] - 16 * (lines.length - 1)) < 1e-9), `${before} → ${after}`);
});

test('a constant series on an axis whose range is one value is one flat line inside it, linear and log, with ticks of its size', () => {
  // An axis from 10⁻¹⁰ to 10⁻¹⁰ (a constant's extent) drew the linear series at the top and at the bottom
  // (its rounding spread over the whole height) with a single tick, and nothing at all on a log axis.
  const xs = [0, 1, 2, 3];
  const flat = (log: boolean, min: number, max: number, y: number[]): FigureSpec => ({
    ...spec(),
    columns: 1,
    charts: [{
      title: 'ζ',
      x: { label: 't', log: false, min: 0, max: 3 },
      y: [{ label: 'ζ', log, min, max }],
      series: [{ label: 'ζ', colour: '#1565c0', width: 2, dashed: false, points: false, axis: 0, x: xs, y }],
      key: [],
      shade: null,
    }],
  });
  const noisy = [1e-10, 1e-10 * (1 + 1e-12), 1e-10, 1e-10 * (1 + 1e-12)];
  for (const [log, min, max, y, size] of [
    [false, 1e-10, 1e-10 * (1 + 1e-12), noisy, /×10⁻¹⁰$/],
    [false, 1e-10, 1e-10, xs.map(() => 1e-10), /×10⁻¹⁰$/],
    [false, 0, 0, xs.map(() => 0), /^−?\d/],
    [true, 1e-10, 1e-10, xs.map(() => 1e-10), /^10⁻(⁹|¹⁰|¹¹)$/],
    // On a log axis a spread of 10⁻⁷ of the value does not show: the extent 10⁻¹⁰ … 10⁻¹⁰ + 10⁻¹⁷ was drawn
    // as the axis, the series at its top and bottom.
    [true, 1e-10, 1e-10 + 1e-17, xs.map((i) => (i % 2 ? 1e-10 + 1e-17 : 1e-10)), /^10⁻(⁹|¹⁰|¹¹)$/],
  ] as const) {
    const svg = figureSvg(flat(log, min, max, [...y]));
    const frame = /<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)" fill="none"/.exec(svg)!;
    const [top, height] = [Number(frame[2]), Number(frame[4])];
    const path = /<path d="([^"]+)" fill="none"/.exec(svg);
    assert.ok(path, `${log ? 'log' : 'linear'} ${min} … ${max}: the series is drawn`);
    const ys = pathPoints(path[1]).map((p) => p.y);
    assert.equal(ys.length, 4);
    assert.equal(new Set(ys).size, 1, `one flat line: ${ys.join(', ')}`);
    assert.ok(ys[0] > top + 0.2 * height && ys[0] < top + 0.8 * height, `inside the axis, not on an edge: ${ys[0]} in ${top} … ${top + height}`);
    const yTicks = [...svg.matchAll(/<text x="[\d.]+" y="[\d.]+" text-anchor="end">([^<]*)<\/text>/g)].map((m) => m[1]);
    assert.ok(yTicks.length >= 2 && new Set(yTicks).size === yTicks.length, `distinct ticks: ${yTicks.join(' ')}`);
    assert.ok(yTicks.every((t) => size.test(t) || t === '0'), `ticks of the value's size, not of its rounding: ${yTicks.join(' ')}`);
  }
});

test('a sweep\'s headline names the run it is of first, or, with no value chosen, says it is the sweep\'s, each value with its label', () => {
  // "Label: alignment (outputScale = 1 (sweep run 2 of 3), exact gradient flow) — …" hid the run in the
  // parentheses; a training sweep with no value chosen had no headline at all.
  const criteria = ['kernel change 12.3 ≥ 0.1', 'balance change 0.0112 < 1'];
  assert.equal(labelHeadline('alignment', 'feature learning, exact gradient flow', criteria, null), 'Label: alignment (feature learning, exact gradient flow) — kernel change 12.3 ≥ 0.1, balance change 0.0112 < 1');
  assert.equal(labelHeadline('alignment', 'feature learning', [], 'σ = 2 (sweep run 2 of 3)'), 'Label for σ = 2 (sweep run 2 of 3): alignment (feature learning)');
  assert.equal(sweepHeadline('init.scale', ['0.1 alignment', '0.3 rescaling', '1']), 'Sweep over init.scale: 0.1 alignment, 0.3 rescaling, 1');
  // Drawn as the figure's label line: the run first on its first line, lines broken between criteria.
  const named = spec();
  named.label = labelHeadline('alignment', 'feature learning, exact gradient flow', [...criteria, 'tangent-feature change 2.98 ≥ 0.1', '|ζ| change +0.978 ≥ 0.1'], 'outputScale = 1 (sweep run 2 of 3)');
  const lines = [...figureSvg(named).matchAll(/<text x="20" y="[\d.]+" font-size="13" font-weight="bold">([^<]*)<\/text>/g)].map((m) => m[1]).filter((l) => esc(named.label!).includes(l));
  assert.ok(lines[0].startsWith('Label for outputScale = 1 (sweep run 2 of 3): alignment'), lines.join(' / '));
  assert.equal(lines.join(' '), esc(named.label!));
});

test('the header says the title, the label and the parameters; text is escaped; ticks in the shared format', () => {
  const svg = figureSvg(spec());
  assert.ok(svg.includes('Alignment &lt;small init&gt; &amp; co'));
  assert.ok(!svg.includes('<small init>'));
  assert.ok(svg.includes('alignment — |ζ| rose by 0.978 ≥ 0.1'));
  assert.ok(svg.includes('d = 64, γ = 1, σ_u = 0.001'));
  for (const tick of ['−1.0', '−0.5', '0.0', '0.5', '1.0', '10⁻⁶', '10⁻⁴', '10⁻²', '10⁰']) assert.ok(svg.includes(`>${tick}</text>`), `tick ${tick}`);
  // Both charts have the same plot width (a right axis on one reserves the margin on all).
  const frames = [...svg.matchAll(/<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)" height="[\d.]+" fill="none"/g)].map((m) => m[1]);
  assert.equal(new Set(frames).size, 1);
});

test('a parameter wider than the figure wraps at its words instead of running off the edge', () => {
  // The σ sweep's data line ended "…the first and the last of the embedd" at the right edge.
  const long = 'data = the embedded MNIST, 2,000 training digits and 500 test digits, the first and the last of the embedded set, normalised to [0, 1]';
  const svg = figureSvg({ ...spec(), columns: 1, parameters: ['layers = 784-256-10', long] });
  const width = Number(/<svg[^>]* width="([\d.]+)"/.exec(svg)![1]);
  const lines = [...svg.matchAll(/<text x="([\d.]+)" y="[\d.]+" font-size="12">([^<]*)<\/text>/g)].map((m) => ({ x: Number(m[1]), text: m[2] }));
  const joined = lines.map((l) => l.text).join(' ');
  assert.ok(joined.includes('the first and the last of the embedded set, normalised to [0, 1]'), joined);
  for (const l of lines) assert.ok(l.x + [...l.text].length * 12 * 0.56 <= width, `"${l.text}" runs past ${width} px`);
});

test('a label line wider than the figure breaks between its criteria, never inside one or inside parentheses', () => {
  // A training figure's label ran "… largest tangent-feature change ‖J −" / "J₀‖/‖J₀‖ 1.98 ≥ 0.1, …".
  const criteria = ['largest tangent kernel change ‖K − K₀‖/‖K₀‖ 7.22 ≥ 0.1', 'largest tangent-feature change ‖J − J₀‖/‖J₀‖ 1.98 ≥ 0.1', 'largest rise of ζ over the pairs 0.0058 < 0.1', 'largest fall of ζ over the pairs 0 < 0.1', "balance change (spread of the layers' ln‖W_l‖ changes) 0.98 < 1"];
  const label = `Label: rescaling (feature learning, so far (step 290)) — ${criteria.join(', ')}`;
  const svg = figureSvg({ ...spec(), columns: 1, label });
  const titles = new Set(spec().charts.map((c) => c.title));
  const lines = [...svg.matchAll(/<text x="[\d.]+" y="[\d.]+" font-size="13" font-weight="bold">([^<]*)<\/text>/g)].map((m) => m[1].replaceAll('&lt;', '<')).filter((t) => !titles.has(t));
  assert.ok(lines.length >= 3, lines.join(' | '));
  assert.equal(lines.join(' '), label);
  assert.ok(lines[0].startsWith('Label: rescaling (feature learning, so far (step 290)) —'), lines[0]);
  for (const line of lines.slice(1)) assert.ok(criteria.some((c) => line.startsWith(c)), `a line starts inside a criterion: "${line}"`);
});

test('parameters: every value that sets the run, as run', () => {
  const { experiment } = parseExperiment(JSON.stringify({ parameterisation: 'ntk', model: { width: 1024 }, data: { x: [1, 0], y: 1 }, init: { scaleU: 1, scaleW: 1, seed: 3 }, learningRates: { u: 0.1, W: 0.2 }, weightDecay: 0.01, classify: { kernelChange: 0.05 } }));
  assert.ok(experiment);
  const p = Object.fromEntries(experimentParameters(experiment).map((x) => [x.path, `${x.symbol} = ${x.value}`]));
  assert.equal(p['model.width'], 'd = 1024');
  assert.equal(p['model.outputScale'], 'γ = 0.03125 (= 1·d^-0.5)');
  assert.equal(p['data.x'], 'x = [1, 0]');
  assert.equal(p['init.scaleU'], 'σ_u = 1');
  assert.equal(p['learningRates.W'], 'η_W = 0.2');
  assert.equal(p.weightDecay, 'ρ = 0.01');
  assert.equal(p['classify.kernelChange'], 'threshold of kernelChange = 0.05');
  assert.equal(p['classify.zetaChange'], undefined, 'defaults are not repeated');
  assert.equal(p.parameterisation, 'parameterisation = ntk');
});

test('a network\'s parameters: the layer sizes, the data, the initialisation and the training as run', () => {
  const line = (spec: ReturnType<typeof networkSpec>) => networkParameters(spec, [784, 256, 10], 'embedded MNIST: 3,000 training digits').map((x) => `${x.symbol} = ${x.value}`);
  assert.deepEqual(line(networkSpec({ model: { hidden: [256], activation: 'relu', outputScale: 0.5 }, init: { scale: 2, seed: 7 }, training: { loss: 'crossEntropy', momentum: 0.9, learningRate: 0.05, batchSize: 128, epochs: 3, weightDecay: 1e-4 }, classify: { zetaChange: 0.2 } })), [
    'layers = 784-256-10', 'φ = relu', 'γ = 0.5', 'data = embedded MNIST: 3,000 training digits', 'init = kaiming', 'σ = 2', 'seed = 7',
    'loss = cross-entropy', 'optimizer = SGD (momentum μ = 0.9)', 'η = 0.05', 'B = 128', 'epochs = 3', 'ρ = 0.0001', 'batch-order seed = 8', 'records = every step', 'threshold of zetaChange = 0.2',
  ]);
  const adam = line(networkSpec({ model: { hidden: [256], bias: true }, init: { weights: [[[1]], [[1]]] }, training: { optimizer: 'adam', learningRate: [0.1, 0.01], steps: 50 } }));
  assert.ok(adam.includes('bias = yes') && adam.includes('init = explicit W_1 … W_2') && adam.includes('steps = 50') && adam.includes('η = [0.1, 0.01]'), adam.join('; '));
  assert.ok(adam.some((x) => /^optimizer = Adam \(β₁ = 0\.9, β₂ = 0\.999, ε = 1e-8\)$/.test(x)), adam.join('; '));
  assert.ok(!adam.some((x) => x.startsWith('ρ')), 'no weight decay, none printed');
  // The record cadence as run (Export Data's CSV did not say which steps its rows are).
  assert.ok(line(networkSpec({ model: { hidden: [256] }, training: { steps: 500, record: { every: 25 } } })).includes('records = every 25 steps'));
});

test('a measurement\'s dots are filled on a solid series and hollow on a dashed one, so that two series measured at the same steps tell apart without a line', () => {
  // A sweep value's kernel and feature changes, each measured at the first and the last step only: one
  // colour, and their dots were alike.
  const s = spec();
  s.charts = [{
    title: 'Tangent kernel',
    x: { label: 'step', log: false, min: 0, max: 80 },
    y: [{ label: 'change', log: true, min: 0.01, max: 10 }],
    series: [
      { label: 'kernel', colour: '#6a1b9a', width: 2, dashed: false, points: false, joined: true, axis: 0, x: [80], y: [0.6] },
      { label: 'features', colour: '#6a1b9a', width: 2, dashed: true, points: false, joined: true, axis: 0, x: [80], y: [0.3] },
    ],
    key: [{ label: 'kernel', colour: '#6a1b9a', mark: 'line' }, { label: 'features', colour: '#6a1b9a', mark: 'dashed' }],
    shade: null,
  }];
  const svg = figureSvg(s);
  const groups = [...svg.matchAll(/<g fill="([^"]+)"( stroke="([^"]+)")?[^>]*>((?:<circle [^>]+\/>)+)<\/g>/g)].map((m) => ({ fill: m[1], stroke: m[3] ?? null, dots: (m[4].match(/<circle/g) ?? []).length }));
  assert.deepEqual(groups, [
    { fill: '#6a1b9a', stroke: null, dots: 1 },
    { fill: colours.background, stroke: '#6a1b9a', dots: 1 },
  ]);
});

test('an axis with room past its quantity\'s bounds (a marker at ζ = 1) has no tick past them', () => {
  // The training panel's ζ axis reaches a little past 1 so that a dot at 1 shows whole; 1.02 is no ζ.
  const s = spec();
  const chart = (within?: [number, number]) => ({
    title: 'Alignment ζ',
    x: { label: 'step', log: false, min: -4, max: 104 },
    y: [{ label: 'ζ', log: false, min: 0.955, max: 1.024, ...(within ? { within } : {}) }],
    series: [{ label: 'ζ', colour: '#1565c0', width: 2, dashed: false, points: false, joined: true, axis: 0 as const, x: [0, 100], y: [0.96, 1] }],
    key: [],
    shade: null,
  });
  const yLabels = (svg: string) => [...svg.matchAll(/<text x="[\d.]+" y="[\d.]+" text-anchor="end">([^<]+)<\/text>/g)].map((m) => m[1]);
  s.charts = [chart()];
  assert.ok(yLabels(figureSvg(s)).includes('1.02'), `the fixture ticks past 1: ${yLabels(figureSvg(s)).join(' ')}`);
  s.charts = [chart([0, 1])];
  const within = yLabels(figureSvg(s));
  assert.ok(within.some((l) => Number(l) === 1) && within.every((l) => Number(l) <= 1), within.join(' '));
});
