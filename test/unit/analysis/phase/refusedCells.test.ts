/**
 * Issue 8, kind 2 (review round 3): a phase diagram over σ from 1e-300 to 1e300 gave its extreme cells
 * a label, with `kernelChange` null (the flow) or a kernel change of 6e6 (descent), where `flab solve`
 * and `flab simulate` of the same cell refuse the run (a number beyond 64 bits). Now such a cell is
 * refused, exactly where the one-run commands refuse it: `refused` 1, no label, no scores, no outcome.
 * The reference is the one-run command on each cell's own experiment (a separate code path: the file
 * rewritten, parsed and drawn again).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NO_LABEL, NO_OUTCOME, phaseDiagramSync, type PhaseMethod } from '../../../../src/core/analysis/phase/phaseDiagram';
import { phaseCsv, phaseJson } from '../../../../src/core/analysis/phase/phaseTable';
import { withValue } from '../../../../src/core/analysis/sweep';
import { ExperimentError } from '../../../../src/core/experiment/errors';
import type { Experiment } from '../../../../src/core/experiment/experiment';
import { parseExperiment } from '../../../../src/core/experiment/parse';
import { SCORE_NAMES } from '../../../../src/core/mechanisms/classify';
import { simulate } from '../../../../src/core/runs/simulate';
import { solve } from '../../../../src/core/runs/solve';

function experiment(raw: unknown): Experiment {
  const { experiment: e, diagnostics } = parseExperiment(JSON.stringify(raw));
  assert.deepEqual(diagnostics.map((d) => d.message), []);
  return e!;
}

/** The one-run command's verdict on a cell: its label, or 'refused' when it throws an ExperimentError. */
function oneRun(run: () => { summary: { label?: string | null } }): string | null {
  try {
    return run().summary.label ?? null;
  } catch (e) {
    if (e instanceof ExperimentError) return 'refused';
    throw e;
  }
}

const FILES: Record<string, unknown> = {
  'random init, width 64, scored over t → ∞': { model: { width: 64 }, data: { x: [1], y: 1 }, init: { scaleU: 1e-3, scaleW: 1e-3, seed: 1 }, learningRates: { u: 0.1, W: 0.1 }, time: { end: 400 } },
  'two inputs, scored at the end': { model: { width: 16 }, data: { x: [1, 0.5], y: -2 }, init: { scaleU: 0.1, scaleW: 0.1, seed: 4 }, learningRates: { u: 0.5, W: 0.5 }, time: { end: 60 }, classify: { at: 'end' } },
};

// Review round 4: γ × σ_u (γ = 1e-300 with σ_u = 1e225 was "diverged") and η_W × σ_u (η_W = 1e-300 with
// σ_u = 1e100 was converged in the diagram, diverged at step 0 in simulate).
const AXES: [string, string][] = [['init.scaleW', 'init.scaleU'], ['model.outputScale', 'init.scaleU'], ['learningRates.W', 'init.scaleU']];

for (const [name, raw] of Object.entries(FILES)) {
  for (const method of ['flow', 'descent'] as PhaseMethod[]) for (const [xKey, yKey] of AXES) {
    test(`${name}, ${method}, ${xKey} × ${yKey}: a cell is refused exactly where flab ${method === 'flow' ? 'solve' : 'simulate'} of it is, and labelled as it`, () => {
      const e = experiment(raw);
      const size = 7;
      const p = phaseDiagramSync(e, { key: xKey, from: 1e-300, to: 1e300 }, { key: yKey, from: 1e-300, to: 1e300 }, size, method);
      let refused = 0;
      for (let i = 0; i < size; i++) {
        for (let j = 0; j < size; j++) {
          const k = i * size + j;
          const cell = withValue(withValue(e, xKey, p.x.values[j]), yKey, p.y.values[i]);
          const verdict = oneRun(() => (method === 'flow' ? solve(cell) : simulate(cell)));
          const where = `cell ${xKey} = ${p.x.values[j]}, ${yKey} = ${p.y.values[i]}`;
          if (verdict === 'refused') {
            refused++;
            assert.equal(p.refused[k], 1, `${where}: refused by the one-run command`);
            assert.equal(p.labels[k], NO_LABEL, where);
            if (p.outcomes) assert.equal(p.outcomes[k], NO_OUTCOME, where);
            for (const s of SCORE_NAMES) assert.ok(Number.isNaN(p.scores[s][k]), `${where}: ${s}`);
          } else {
            assert.equal(p.refused[k], 0, `${where}: computed by the one-run command (${verdict})`);
            if (verdict !== null) assert.equal(p.labelNames[p.labels[k]], verdict, where);
            else assert.equal(p.labels[k], NO_LABEL, `${where}: the one-run command's run diverged`);
          }
        }
      }
      // The extremes are beyond the range, the middle is not: the test sees both kinds.
      assert.ok(refused > 0 && refused < size * size, `${refused} refused cells`);
      // The data exports say which cells are refused.
      const json = phaseJson(p) as { refused: boolean[][]; label: (string | null)[][] };
      assert.equal(json.refused.flat().filter(Boolean).length, refused);
      json.refused.flat().forEach((r, k) => r && assert.equal(json.label.flat()[k], null));
      const rows = phaseCsv(p).trim().split('\n');
      const column = rows[0].split(',').indexOf('refused');
      assert.ok(column > 0, rows[0]);
      assert.equal(rows.slice(1).filter((r) => r.split(',')[column] === 'true').length, refused);
    });
  }
}
