// The panel's pure parts: the HTML and its CSP, message validation, the run from text to what the
// webview draws (templates, errors, thinning, deviation) and the export formats.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseExperiment } from '../../../src/core/experiment/parse';
import { toJson } from '../../../src/core/trajectory/writers';
import { Trajectory } from '../../../src/core/trajectory/trajectory';
import { exportCsv, exportJson } from '../../../src/extension/dynamics/exportData';
import { thin } from '../../../src/core/trajectory/thin';
import { maxZetaDeviation, runExperiment } from '../../../src/workers/dynamicsRun';
import { TEMPLATES } from '../../../src/extension/templates';
import { contentSecurityPolicy, escapeHtml, makeNonce, webviewHtml } from '../../../src/extension/panels/webviewHtml';
import { parsePanelState } from '../../../src/protocol/common';
import { parseFromDynamics as parseFromWebview } from '../../../src/protocol/dynamics';

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
    assert.deepEqual(parseFromWebview({ type: 'setCompare', simulate: false }), { type: 'setCompare', simulate: false });
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

  it('every template is valid and shows what it says', () => {
    const summary: Record<string, Trajectory> = {};
    for (const t of TEMPLATES) {
      assert.deepEqual(parseExperiment(t.text).diagnostics, [], t.id);
      const o = runExperiment(t.text, opts);
      assert.equal(o.kind, 'result', t.id);
      if (o.kind === 'result') summary[t.id] = o.trajectory;
    }
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
    const o = runExperiment(TEMPLATES[0].text.replace('"u": 1', '"u": -1'), opts);
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

describe('thin and maxZetaDeviation', () => {
  const series = (t: number[], zeta: (number | null)[]): Trajectory =>
    ({ t, zeta, output: t, loss: t, normU: t, normW: t, distance: t, summary: { solver: 'exact' } }) as unknown as Trajectory;

  it('leaves short series alone', () => {
    const s = series([0, 1, 2], [0, 0.5, 1]);
    assert.equal(thin(s, 10), s);
  });

  it('interpolates the exact ζ at the simulation’s times and skips nulls and times outside', () => {
    const exact = series([0, 1, 2], [0, 1, 0]);
    const sim = series([0.5, 1, 1.5, 3], [0.6, 1, null, 7]);
    assert.ok(Math.abs(maxZetaDeviation(exact, sim)! - 0.1) < 1e-12);
    assert.equal(maxZetaDeviation(exact, series([5], [1])), null);
  });
});

describe('export', () => {
  const t = (solver: string): Trajectory =>
    ({ t: [0, 1], output: [0, 0.5], loss: [0.5, 0.125], zeta: [null, 0.25], normU: [1, 2], normW: [3, 4], ntk: [1, 1], distance: [0, 0.1], summary: { solver } }) as unknown as Trajectory;

  it('writes CSV with a series column and empty cells for missing ζ', () => {
    const csv = exportCsv({ title: 'x', documentUri: 'file:///x', trajectory: t('exact'), simulation: t('simulate'), deviation: 0.1 });
    assert.equal(csv, 'series,t,output,loss,zeta,normU,normW,ntk,distance\nexact,0,0,0.5,,1,3,1,0\nexact,1,0.5,0.125,0.25,2,4,1,0.1\nsimulate,0,0,0.5,,1,3,1,0\nsimulate,1,0.5,0.125,0.25,2,4,1,0.1\n');
  });

  it('writes JSON in the CLI\'s shape, the panel\'s context under `panel`', () => {
    const run = { title: 'x', documentUri: 'file:///x', trajectory: t('exact'), simulation: t('simulate'), deviation: 0.1 };
    const json = JSON.parse(exportJson(run)) as Record<string, unknown>;
    // Exactly what `flab solve --json` prints for this trajectory (src/core/trajectory/writers.ts), plus `panel`.
    const { panel, ...cli } = json;
    assert.deepEqual(cli, JSON.parse(toJson(run.trajectory)));
    assert.deepEqual(panel, { title: 'x', documentUri: 'file:///x', simulation: run.simulation, deviation: 0.1 });
    assert.deepEqual(Object.keys(json), [...Object.keys(run.trajectory), 'panel']);
  });
});
