// The panel's pure parts: the HTML and its CSP, message validation, the run from text to what the
// webview draws (templates, errors, thinning, deviation) and the export formats.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseExperiment } from '../../../src/core/experiment/parse';
import { toJson } from '../../../src/core/trajectory/writers';
import { Trajectory } from '../../../src/core/trajectory/trajectory';
import { exportCsv, exportJson } from '../../../src/extension/dynamics/exportData';
import { thin } from '../../../src/core/trajectory/thin';
import { deviations, runExperiment } from '../../../src/workers/dynamicsRun';
import { TEMPLATES } from '../../../src/extension/templates';
import { contentSecurityPolicy, escapeHtml, makeNonce, webviewHtml } from '../../../src/extension/panels/webviewHtml';
import { parsePanelState } from '../../../src/protocol/common';
import { parseFigureSpec, parseFromDynamics as parseFromWebview } from '../../../src/protocol/dynamics';
import { FIGURE_LIMITS, figureSvg } from '../../../src/core/figures/chartFigure';

describe('webview HTML', () => {
  const input = { cspSource: 'https://csp.example', scriptUri: 'https://csp.example/dist/webview.js', styleUri: 'https://csp.example/dist/webview.css', nonce: 'abc123', title: 'Dynamics: a<b>.flab.json' };
  const html = webviewHtml(input);

  it('has exactly the strict CSP, with no unsafe-inline', () => {
    const csp = contentSecurityPolicy(input.cspSource, input.nonce);
    assert.equal(csp, "default-src 'none'; img-src https://csp.example data:; style-src https://csp.example; script-src 'nonce-abc123'; font-src https://csp.example; base-uri 'none'; form-action 'none';");
    assert.ok(html.includes(`<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">`));
    assert.ok(!html.includes('unsafe-inline'));
    assert.ok(!html.includes('unsafe-eval'));
  });

  it('loads the stylesheet by link and the one script by nonce and src, with nothing inline', () => {
    assert.ok(html.includes('<link rel="stylesheet" href="https://csp.example/dist/webview.css">'));
    assert.ok(html.includes('<script nonce="abc123" src="https://csp.example/dist/webview.js"></script>'));
    assert.equal(html.match(/<script/g)!.length, 1);
    assert.ok(!/<style/.test(html));
    assert.ok(!/ style=/.test(html));
    assert.ok(!/ on[a-z]+=/.test(html));
    assert.ok(html.includes('<div id="root"></div>'));
  });

  it('escapes the title', () => {
    assert.ok(html.includes('<title>Dynamics: a&lt;b&gt;.flab.json</title>'));
  });

  it('makes a fresh, long nonce of safe characters each time', () => {
    const a = makeNonce();
    const b = makeNonce();
    assert.notEqual(a, b);
    assert.match(a, /^[A-Za-z0-9+/]{20,}$/);
  });
});

describe('messages from the webview', () => {
  it('accepts the well-formed ones', () => {
    assert.deepEqual(parseFromWebview({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseFromWebview({ type: 'setValue', key: 'model.width', value: 10, final: true }), { type: 'setValue', key: 'model.width', value: 10, final: true });
    assert.deepEqual(parseFromWebview({ type: 'setView', view: 'both' }), { type: 'setView', view: 'both' });
    assert.deepEqual(parseFromWebview({ type: 'reveal', line: 3.7, column: 1 }), { type: 'reveal', line: 3, column: 1 });
    assert.deepEqual(parseFromWebview({ type: 'chartImage', requestId: 1, dataUrl: 'data:image/png;base64,AAAA' }), { type: 'chartImage', requestId: 1, dataUrl: 'data:image/png;base64,AAAA' });
  });

  it('drops everything else', () => {
    for (const m of [
      null,
      'ready',
      { type: 'nope' },
      { type: 'setValue', key: 'model.activation', value: 1, final: true },
      { type: 'setValue', key: 'model.width', value: Infinity, final: true },
      { type: 'setValue', key: 'model.width', value: '3', final: true },
      { type: 'setValue', key: 'model.width', value: 3 },
      { type: 'setCompare', simulate: 'yes' },
      { type: 'reveal', line: 0, column: 1 },
      { type: 'chartImage', requestId: 1, dataUrl: 'javascript:alert(1)' },
    ]) {
      assert.equal(parseFromWebview(m), null, JSON.stringify(m));
    }
  });

  it('reads the restored panel state, ignoring the webview’s own preferences', () => {
    assert.deepEqual(parsePanelState({ documentUri: 'file:///a.flab.json', logTime: true }), { documentUri: 'file:///a.flab.json' });
    assert.equal(parsePanelState(undefined), null);
    assert.equal(parsePanelState({ logTime: true }), null);
    assert.equal(parsePanelState({ documentUri: 3 }), null);
  });
});

describe('runExperiment', () => {
  const opts = { maxPoints: 4000, fileName: 'x.flab.json' };

  it('a sweep of a width-powered key carries its width power and the file\'s base (Export Data heads its column KEY.base)', () => {
    const text = JSON.stringify({ model: { width: 64, outputScale: { widthExponent: -0.5, base: 2 } }, data: { x: [1], y: 1 }, init: { scaleU: 0.5, scaleW: 0.5, seed: 0 }, learningRates: { u: 0.1, W: 0.1 }, sweep: { 'model.outputScale': [0.5, 1] } });
    const o = runExperiment(text, opts);
    assert.equal(o.kind, 'result');
    if (o.kind !== 'result') return;
    assert.deepEqual([o.sweep?.widthPower, o.sweep?.current], [{ exponent: -0.5, width: 64 }, 2]);
    const plain = runExperiment(JSON.stringify({ ...JSON.parse(text), model: { width: 64, outputScale: 2 } }), opts);
    assert.ok(plain.kind === 'result' && plain.sweep?.widthPower === null);
  });

  it('every template is valid and shows what it says', () => {
    const summary: Record<string, Trajectory> = {};
    for (const t of TEMPLATES) {
      assert.deepEqual(parseExperiment(t.text).diagnostics, [], t.id);
      const o = runExperiment(t.text, opts);
      assert.equal(o.kind, 'result', t.id);
      if (o.kind === 'result') summary[t.id] = o.trajectory;
    }
    // Each template's label is pinned, as the examples' are: the disalignment template was labelled
    // kernel by the product until 2026-12-03 (width 16, σ = 1, η = 0.01: kernelChange 0.0061, tangentChange 0.055).
    const labels = Object.fromEntries(Object.entries(summary).map(([id, t]) => [id, t.summary.label]));
    assert.deepEqual(labels, { alignment: 'alignment', disalignment: 'disalignment', rescaling: 'rescaling', kernel: 'kernel', relu: 'alignment' });
    const last = (a: ArrayLike<number | null>) => a[a.length - 1] as number;
    const a = summary.alignment.summary;
    assert.ok(Math.abs(a.zetaInitial!) < 0.5 && a.zetaFinal! > 0.999, 'alignment: |ζ| grows to 1');
    const d = summary.disalignment.summary;
    assert.ok(Math.abs(d.zetaFinal!) < 0.1 * Math.abs(d.zetaInitial!), 'disalignment: |ζ| falls');
    const r = summary.rescaling;
    assert.ok(Math.abs(r.summary.zetaFinal! - 1) < 1e-9 && last(r.normU) / r.normU[0] > 20, 'rescaling: ζ constant, |u| grows');
    const k = summary.kernel.summary;
    assert.ok(Math.abs(k.ntkFinal! / k.ntkInitial! - 1) < 0.05, 'kernel: K barely moves');
    const relu = summary.relu.summary;
    assert.equal(relu.solver, 'simulate');
    assert.ok(relu.zetaFinal! > 0.99, 'relu: aligns too');
  });

  it('names the run after the experiment, or the file', () => {
    const o = runExperiment(TEMPLATES[0].text, opts);
    assert.equal(o.kind === 'result' && o.title, 'Alignment (small initialisation)');
    const unnamed = runExperiment(TEMPLATES[0].text.replace(/"name": [^\n]*\n/, ''), opts);
    assert.equal(unnamed.kind === 'result' && unnamed.title, 'x.flab.json');
  });

  it('reports invalid documents with the CLI’s diagnostics and the controls it can read', () => {
    const o = runExperiment(TEMPLATES[0].text.replace('"u": 0.1', '"u": -1'), opts);
    assert.equal(o.kind, 'invalid');
    if (o.kind !== 'invalid') return;
    assert.equal(o.diagnostics.length, 1);
    assert.equal(o.diagnostics[0].path, 'learningRates.u');
    assert.equal(o.controls!.find((c) => c.key === 'learningRates.u')!.value, -1);
    const notJson = runExperiment('{ "model": ', opts);
    assert.equal(notJson.kind, 'invalid');
  });

  it('turns a solver exception into a located diagnostic', () => {
    // Gradient descent counts whole steps: a fractional time.end is refused by the simulator.
    const text = TEMPLATES.find((t) => t.id === 'relu')!.text.replace('"end": 2000', '"end": 20.5');
    const o = runExperiment(text, opts);
    assert.equal(o.kind, 'invalid');
    if (o.kind !== 'invalid') return;
    assert.equal(o.diagnostics[0].path, 'time.end');
    assert.equal(text.slice(o.diagnostics[0].offset, o.diagnostics[0].offset + o.diagnostics[0].length), '20.5');
  });

  it('compares gradient descent with the exact flow when asked, for a linear network', () => {
    const text = TEMPLATES.find((t) => t.id === 'relu')!.text.replace('"relu"', '"linear"').replace('"u": 0.1, "W": 0.1', '"u": 0.01, "W": 0.01');
    const o = runExperiment(text, opts);
    assert.equal(o.kind, 'result');
    if (o.kind !== 'result') return;
    assert.equal(o.compareSimulate, true);
    assert.equal(o.trajectory.summary.solver, 'exact');
    assert.equal(o.simulation!.summary.solver, 'simulate');
    assert.ok(o.deviation !== null && o.deviation >= 0 && o.deviation < 0.2, String(o.deviation));
  });

  it('thins long series to at most maxPoints, keeping the ends and the summary', () => {
    const text = TEMPLATES[0].text.replace('"points": 400', '"points": 100000');
    const o = runExperiment(text, { ...opts, maxPoints: 1000 });
    assert.equal(o.kind, 'result');
    if (o.kind !== 'result') return;
    const n = o.trajectory.t.length;
    // Extremes per bucket (src/core/trajectory/thin.ts): at most maxPoints, and not far fewer.
    assert.ok(n <= 1000 && n >= 500, `${n} points`);
    assert.equal(o.trajectory.zeta.length, n);
    assert.equal(o.trajectory.t[0], 0);
    assert.equal(o.trajectory.t[n - 1], o.trajectory.summary.horizon);
    assert.equal(o.trajectory.zeta[n - 1], o.trajectory.summary.zetaFinal);
  });
});

describe('the figure a webview sends for SVG export', () => {
  const figure = () => ({
    title: 'T',
    label: 'Label: alignment',
    parameters: ['d = 64'],
    notes: [],
    columns: 2,
    colours: { foreground: '#111', background: '#ffffff', grid: 'rgba(0, 0, 0, 0.12)', shade: 'rgb(200, 160, 0)' },
    charts: [
      {
        title: 'ζ',
        x: { label: 't', log: false, min: 0, max: 1 },
        y: [{ label: 'ζ', log: false, min: -1, max: 1 }],
        series: [{ label: 'ζ', colour: '#1565c0', width: 2, dashed: false, points: false, axis: 0, x: [0, 1], y: [0, null] }],
        key: [{ label: 'ζ', colour: '#1565c0', mark: 'line' }],
        shade: null,
      },
    ],
  });

  it('accepts a well-formed figure and answers chartFigure with it', () => {
    assert.deepEqual(parseFigureSpec(figure()), figure());
    assert.deepEqual(parseFromWebview({ type: 'chartFigure', requestId: 3, figure: figure() }), { type: 'chartFigure', requestId: 3, figure: figure() });
    // A chart's note (what its dots are) is kept; one that is not text refuses the figure.
    const noted = figure();
    (noted.charts[0] as { note?: unknown }).note = 'Dots: the steps where ζ was measured.';
    assert.deepEqual(parseFigureSpec(noted), noted);
    (noted.charts[0] as { note?: unknown }).note = 3;
    assert.equal(parseFigureSpec(noted), null);
    // A sweep's values as the x axis's ticks are kept (they were dropped, and the SVG was ticked at decades).
    const ticked = figure();
    ticked.charts[0].x = { ...ticked.charts[0].x, log: true, min: 32, max: 2048 };
    (ticked.charts[0].x as { at?: unknown }).at = [32, 128, 512, 2048];
    assert.deepEqual(parseFigureSpec(ticked), ticked);
    assert.match(figureSvg(parseFigureSpec(ticked)!), />32<\/text>[\s\S]*>128<\/text>[\s\S]*>512<\/text>[\s\S]*>2048<\/text>/);
    // A quantity's bounds (no tick past them where the axis has room past them for a marker) are kept; bounds not in order refuse it.
    const bounded = figure();
    (bounded.charts[0].y[0] as { within?: unknown }).within = [0, 1];
    assert.deepEqual(parseFigureSpec(bounded), bounded);
    (bounded.charts[0].y[0] as { within?: unknown }).within = [1, 0];
    assert.equal(parseFigureSpec(bounded), null);
  });

  it('refuses what could escape the SVG, non-finite numbers, mismatched columns and oversized figures', () => {
    const bad: ((f: ReturnType<typeof figure>) => void)[] = [
      (f) => (f.colours.background = 'red" onload="alert(1)'),
      (f) => (f.charts[0].series[0].colour = 'url(javascript:x)'),
      (f) => (f.charts[0].x.max = Infinity),
      (f) => (f.charts[0].series[0].y = [0]),
      (f) => ((f.charts[0].series[0].y as unknown[])[0] = '1'),
      (f) => ((f.charts[0].key[0] as { mark: string }).mark = 'image'),
      (f) => (f.columns = 7),
      (f) => (f.title = 'x'.repeat(FIGURE_LIMITS.text + 1)),
      (f) => (f.charts = Array.from({ length: FIGURE_LIMITS.charts + 1 }, () => f.charts[0])),
      (f) => (f.charts[0].series[0].x = new Array(FIGURE_LIMITS.points + 1).fill(0)),
      (f) => (f.charts[0].y = []),
      (f) => ((f.charts[0].x as { at?: unknown }).at = [1, NaN]),
      (f) => ((f.charts[0].x as { at?: unknown }).at = new Array(FIGURE_LIMITS.ticks + 1).fill(1)),
    ];
    for (const change of bad) {
      const f = figure();
      change(f);
      assert.equal(parseFigureSpec(f), null, change.toString());
    }
    assert.equal(parseFromWebview({ type: 'chartFigure', requestId: 'x', figure: figure() }), null);
  });
});

describe('thin and the deviations of descent from flow', () => {
  const series = (t: number[], zeta: (number | null)[]): Trajectory =>
    ({ t, zeta, output: t, loss: t, normU: t, normW: t, distance: t, summary: { solver: 'exact' } }) as unknown as Trajectory;

  it('leaves short series alone', () => {
    const s = series([0, 1, 2], [0, 0.5, 1]);
    assert.equal(thin(s, 10), s);
  });

  it('measures every drawn quantity as its chart shows it: ζ, K/K(0), distance absolute; norms relative; loss in decades', () => {
    const t = [0, 1, 2, 3];
    const flow = { t, zeta: [0, 0.5, 0.9, null], loss: [1, 0.1, 1e-3, 1e-20], normU: [1, 2, 4, 4], normW: [1, 1, 1, 1], ntk: [2, 4, 6, 6], distance: [0, 0.5, 1, 1], output: t, summary: { solver: 'exact' } } as unknown as Trajectory;
    const gd = { t, zeta: [0, 0.4, 0.95, 0.99], loss: [1, 0.2, 0.1, 1e-25], normU: [1, 2.2, 4, 3.6], normW: [1, 1, 1, 1], ntk: [2, 5, 6, 6], distance: [0, 0.5, 1.2, 1], output: t, summary: { solver: 'simulate' } } as unknown as Trajectory;
    const d = Object.fromEntries(deviations(flow, gd).map((x) => [x.column, x]));
    assert.deepEqual(Object.keys(d), ['zeta', 'loss', 'normU', 'normW', 'ntk', 'distance']);
    assert.ok(Math.abs(d.zeta.max - 0.1) < 1e-12 && d.zeta.at === 1 && d.zeta.measure === 'absolute', JSON.stringify(d.zeta));
    assert.ok(Math.abs(d.zeta.final - 0.05) < 1e-12, 'the last step with both ζ defined');
    // The loss: 2 decades at t = 2; at t = 3 both are below 10⁻¹² of the start (converged): compared as that floor, they agree.
    assert.ok(Math.abs(d.loss.max - 2) < 1e-12 && d.loss.at === 2 && d.loss.measure === 'decades', JSON.stringify(d.loss));
    assert.equal(d.loss.final, 0);
    // |u|: 0.4 off at t = 3, relative to the flow's largest value 4.
    assert.ok(Math.abs(d.normU.max - 0.1) < 1e-12 && d.normU.at === 3 && d.normU.measure === 'relative');
    assert.equal(d.normW.max, 0);
    // K/K(0): (5 − 4)/2.
    assert.ok(Math.abs(d.ntk.max - 0.5) < 1e-12 && d.ntk.at === 1);
    assert.ok(Math.abs(d.distance.max - 0.2) < 1e-12 && d.distance.at === 2);
  });

  it('compares descent with the flow at exactly its steps (an independent loop over the two runs agrees)', () => {
    const text = JSON.stringify({ model: { width: 50, outputScale: 1 }, data: { x: [1], y: 1 }, init: { scaleU: 0.1, scaleW: 0.1, seed: 3 }, learningRates: { u: 0.3, W: 0.3 }, time: { end: 60, points: 61 } });
    const o = runExperiment(text, { maxPoints: 4000, fileName: 'x.flab.json', view: 'both' });
    assert.equal(o.kind, 'result');
    if (o.kind !== 'result') return;
    const sim = o.simulation!;
    // The flow and descent share the grid 0, 1, …, 60 here: compare them directly.
    let worst = 0;
    for (let k = 0; k < sim.t.length; k++) {
      assert.equal(o.trajectory.t[k], sim.t[k]);
      worst = Math.max(worst, Math.abs((sim.zeta[k] as number) - (o.trajectory.zeta[k] as number)));
    }
    assert.ok(Math.abs(o.deviation! - worst) < 1e-12, `${o.deviation} vs ${worst}`);
    const loss = o.deviations.find((d) => d.column === 'loss')!;
    let decades = 0;
    const floor = 1e-12 * o.trajectory.loss[0];
    for (let k = 0; k < sim.t.length; k++) decades = Math.max(decades, Math.abs(Math.log10(Math.max(sim.loss[k], floor) / Math.max(o.trajectory.loss[k], floor))));
    assert.ok(Math.abs(loss.max - decades) < 1e-9, `${loss.max} vs ${decades}`);
    assert.equal(o.deviations.length, 6);
  });
});

describe('export', () => {
  const t = (solver: string): Trajectory =>
    ({ t: [0, 1], output: [0, 0.5], loss: [0.5, 0.125], zeta: [null, 0.25], normU: [1, 2], normW: [3, 4], ntk: [1, 1], distance: [0, 0.1], summary: { solver, label: solver === 'exact' ? 'alignment' : null, diverged: solver === 'exact' ? null : { step: 1 } } }) as unknown as Trajectory;
  const run = {
    title: 'x\ny',
    documentUri: 'file:///x',
    trajectory: t('exact'),
    simulation: t('simulate'),
    deviation: 0.1,
    deviations: [{ column: 'zeta', measure: 'absolute' as const, max: 0.1, at: 1, final: 0.05 }],
    parameters: [{ path: 'model.width', symbol: 'd', value: '64' }, { path: 'learningRates.u', symbol: 'η_u', value: '0.1' }],
    thresholds: { kernelChange: 0.1, tangentChange: 0.1, zetaChange: 0.1, balanceChange: 1 },
    view: 'both' as const,
    sweep: null,
  };

  it('writes CSV: commented header lines (what, parameters, label, thresholds), then a series column and empty cells for missing ζ', () => {
    const csv = exportCsv(run);
    const lines = csv.split('\n');
    const header = lines.filter((l) => l.startsWith('#'));
    const body = lines.filter((l) => !l.startsWith('#')).join('\n');
    assert.equal(body, 'series,t,output,loss,zeta,normU,normW,ntk,distance\nexact,0,0,0.5,,1,3,1,0\nexact,1,0.5,0.125,0.25,2,4,1,0.1\nsimulate,0,0,0.5,,1,3,1,0\nsimulate,1,0.5,0.125,0.25,2,4,1,0.1\n');
    // The header comes first, every line a comment: pandas' read_csv(comment='#') skips it.
    assert.ok(lines.slice(0, header.length).every((l) => l.startsWith('# ')));
    assert.equal(header[0], '# Feature Learning Lab: x y', 'a line break in the title stays on one line');
    assert.ok(header.includes('#   model.width (d) = 64'));
    assert.ok(header.includes('#   learningRates.u (η_u) = 0.1'));
    assert.ok(header.includes('# label: alignment (exact gradient flow); gradient descent at these rates: none (diverged at step 1)'));
    assert.ok(header.includes('# thresholds of the label: kernelChange 0.1, tangentChange 0.1, zetaChange 0.1, balanceChange 1'));
    assert.ok(header.includes('#   zeta: largest 0.1 at t = 1, at the end 0.05'));
  });

  it('writes every run of a sweep, not only the file\'s own: a run column and the swept key\'s value in CSV, panel.sweep in JSON', () => {
    const swept = {
      ...run,
      parameters: [...run.parameters, { path: 'model.outputScale', symbol: 'γ', value: '1' }],
      sweep: {
        key: 'outputScale',
        path: 'model.outputScale',
        runs: [
          { value: 0.1, trajectory: t('exact'), simulation: null, thresholds: run.thresholds },
          { value: 10, trajectory: t('exact'), simulation: t('simulate'), thresholds: run.thresholds },
        ],
      },
    };
    const lines = exportCsv(swept).split('\n');
    const body = lines.filter((l) => l && !l.startsWith('#'));
    assert.equal(body[0], 'run,model.outputScale,series,t,output,loss,zeta,normU,normW,ntk,distance');
    // The file's own run (0, its value 1), then each sweep run with its value: 2 + 2 + 1 + 2 series of two points.
    assert.deepEqual(body.slice(1).map((l) => l.split(',').slice(0, 3).join(',')), ['0,1,exact', '0,1,exact', '0,1,simulate', '0,1,simulate', '1,0.1,exact', '1,0.1,exact', '2,10,exact', '2,10,exact', '2,10,simulate', '2,10,simulate']);
    assert.ok(lines.includes('# sweep over model.outputScale: 2 runs; the column run is 0 for the file\'s own values and 1 … 2 for the sweep\'s, the column model.outputScale is each run\'s value'));
    assert.ok(lines.includes('#   run 2: model.outputScale = 10; label: flow alignment, descent none (diverged at step 1)'));
    // A sweep of one value: its count agrees with its noun.
    const one = exportCsv({ ...swept, sweep: { ...swept.sweep, runs: swept.sweep.runs.slice(0, 1) } }).split('\n');
    assert.ok(one.includes('# sweep over model.outputScale: 1 run; the column run is 0 for the file\'s own values and 1 for the sweep\'s, the column model.outputScale is each run\'s value'), one.join('\n'));
    const json = JSON.parse(exportJson(swept)) as { panel: { sweep: unknown } };
    assert.deepEqual(json.panel.sweep, JSON.parse(JSON.stringify(swept.sweep)));
  });

  // A sweep of a width-powered key (found beside the CSV of bases, 2026-12-03): the column was
  // headed model.outputScale over bases, and the file's own run had no value in it (its parameter reads
  // "0.0625 (= 2·d^-0.5)", no number). Now it is headed model.outputScale.base, as flab sweep --csv heads
  // it, with the file's own base in run 0 and the header saying what the runs compute with.
  it('heads the column of a width-powered sweep KEY.base, the file\'s own run at its base', () => {
    const t = (solver: 'exact' | 'simulate'): Trajectory => ({ ...run.trajectory, t: [0, 1], output: [0, 1], loss: [1, 0], zeta: [0, 1], normU: [1, 1], normW: [1, 1], ntk: [1, 1], distance: [0, 1], summary: { ...run.trajectory.summary, solver } });
    const swept = {
      ...run,
      parameters: [...run.parameters, { path: 'model.outputScale', symbol: 'γ', value: '0.0625 (= 2·d^-0.5)' }],
      sweep: { key: 'outputScale', path: 'model.outputScale', widthPower: { exponent: -0.5, width: 64 }, current: 2, runs: [{ value: 0.5, trajectory: t('exact'), simulation: null, thresholds: run.thresholds }] },
    };
    const lines = exportCsv(swept).split('\n');
    const body = lines.filter((l) => l && !l.startsWith('#'));
    assert.equal(body[0].split(',').slice(0, 3).join(','), 'run,model.outputScale.base,series');
    const values = new Set(body.slice(1).map((l) => l.split(',').slice(0, 2).join(',')));
    assert.deepEqual([...values], ['0,2', '1,0.5'], 'the file\'s own run at its base 2, the sweep\'s at 0.5');
    assert.ok(lines.includes('# sweep over model.outputScale: 1 run; the column run is 0 for the file\'s own values and 1 for the sweep\'s, the column model.outputScale.base is each run\'s value — the base b: each run computes with γ = b·d^(−1/2), d = 64 (the file\'s width)'), lines.join('\n'));
  });

  it('writes JSON in the CLI\'s shape, the panel\'s context under `panel`', () => {
    const json = JSON.parse(exportJson(run)) as Record<string, unknown>;
    // Exactly what `flab solve --json` prints for this trajectory (src/core/trajectory/writers.ts), plus `panel`.
    const { panel, ...cli } = json;
    assert.deepEqual(cli, JSON.parse(toJson(run.trajectory)));
    assert.deepEqual(panel, { title: run.title, documentUri: 'file:///x', view: 'both', parameters: run.parameters, thresholds: run.thresholds, simulation: run.simulation, deviation: 0.1, deviations: run.deviations, sweep: null });
    assert.deepEqual(Object.keys(json), [...Object.keys(run.trajectory), 'panel']);
  });
});
