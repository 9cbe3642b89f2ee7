// The layering rules fail the lint when broken (scripts/eslint/layering.mjs, docs/architecture.md
// "Layers"): a core folder importing a higher one, the core importing vscode, a webview importing the
// extension, and an import cycle between two files, type-only imports included.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ESLint } from 'eslint';

const ROOT = process.cwd();
const eslint = new ESLint({ cwd: ROOT });

async function problems(file: string, text: string): Promise<string[]> {
  const [result] = await eslint.lintText(text, { filePath: join(ROOT, file) });
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('layering rules', () => {
  const scratch = join(ROOT, 'src', 'core', 'experiment', `lint-test-${process.pid}`);
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it('refuse an import of a higher layer, type-only or not', async () => {
    const found = await problems('src/core/math/probe.ts', "import { solve } from '../runs/solve';\nimport type { Trajectory } from '../trajectory/trajectory';\nexport const s = solve;\nexport type T = Trajectory;\n");
    assert.equal(found.filter((p) => p.startsWith('flab/layers: src/core/math may not import')).length, 2, found.join('\n'));
  });

  it('refuse vscode outside the extension host, and the extension from a webview', async () => {
    assert.ok((await problems('src/core/runs/probe.ts', "import * as vscode from 'vscode';\nexport const v = vscode;\n")).some((p) => p.includes('never imports vscode')));
    assert.ok((await problems('webview/dynamics/probe.ts', "import { activate } from '../../src/extension/extension';\nexport const a = activate;\n")).some((p) => p.includes('webview may not import src/extension/extension')));
  });

  it('refuse a folder or a file the layering does not list, whatever it imports', async () => {
    for (const file of ['src/core/training/probe.ts', 'src/core/probe.ts', 'src/newtop/probe.ts']) {
      const found = await problems(file, "export const x = 1;\n");
      assert.ok(found.some((p) => p.startsWith('flab/layers:') && p.includes('is not in the layering')), `${file}: ${found.join('; ')}`);
    }
  });

  it('see every way of naming a module: import(), typeof import(), require(), import = require()', async () => {
    const text = [
      "export type S = typeof import('../runs/solve');",
      "export const load = () => import('../../extension/extension');",
      "// eslint-disable-next-line @typescript-eslint/no-require-imports",
      "export const v: unknown = require('vscode');",
      "export type T = import('../trajectory/trajectory').Trajectory;",
      "import simulate = require('../runs/simulate');",
      'export const s = simulate;',
    ].join('\n');
    const found = (await problems('src/core/math/probe.ts', text)).filter((p) => p.startsWith('flab/layers:'));
    assert.ok(found.some((p) => p.includes('src/core/runs/solve')), found.join('\n'));
    assert.ok(found.some((p) => p.includes('src/extension/extension')), found.join('\n'));
    assert.ok(found.some((p) => p.includes('never imports vscode')), found.join('\n'));
    assert.ok(found.some((p) => p.includes('src/core/trajectory/trajectory')), found.join('\n'));
    assert.ok(found.some((p) => p.includes('src/core/runs/simulate')), found.join('\n'));
  });

  it('accept what the layers allow', async () => {
    const found = await problems('src/core/runs/probe.ts', "import { gradientDescent } from '../descent/gradientDescent';\nexport const g = gradientDescent;\n");
    assert.deepEqual(found.filter((p) => p.startsWith('flab/')), []);
  });

  it('refuse an import cycle through `.js` specifiers and import() types', async () => {
    mkdirSync(scratch, { recursive: true });
    const c = "import type { D } from './d.js';\nexport type C = D | string;\n";
    writeFileSync(join(scratch, 'c.ts'), c);
    writeFileSync(join(scratch, 'd.ts'), "export type D = import('./c').C | number;\n");
    const found = await problems(join('src', 'core', 'experiment', `lint-test-${process.pid}`, 'c.ts'), c);
    assert.ok(found.some((p) => p.startsWith('flab/no-cycle: import cycle:') && p.includes('/c.ts → ') && p.includes('/d.ts')), found.join('\n'));
  });

  it('refuse an import cycle made of type-only imports', async () => {
    mkdirSync(scratch, { recursive: true });
    const a = "import type { B } from './b';\nexport type A = B | string;\n";
    writeFileSync(join(scratch, 'a.ts'), a);
    writeFileSync(join(scratch, 'b.ts'), "import type { A } from './a';\nexport type B = A | number;\n");
    const found = await problems(join('src', 'core', 'experiment', `lint-test-${process.pid}`, 'a.ts'), a);
    assert.ok(found.some((p) => p.startsWith('flab/no-cycle: import cycle:') && p.includes('/a.ts → ') && p.includes('/b.ts')), found.join('\n'));
  });
});
