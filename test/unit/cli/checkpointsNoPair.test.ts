/**
 * Checkpoints whose layers do not chain (docs/checkpoints.md, "Summary and label"; `noPairNote`): two
 * tensors 8 × 4 and 3 × 7, no pair measured, were labelled "rescaling" — the rule's remainder, with no ζ
 * at all — with nothing on standard error; the pair left out was in `--json` only. As processes of the
 * built CLI (dist/cli.js).
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliFolder } from './cliFolder';
import { writeSafetensors } from '../../../src/core/checkpoints/writeSafetensors';
import { Rng } from '../../../src/core/math/rng';

const { dir, flab, write } = cliFolder('flab-ck-nopair-');

/** A series of two checkpoints of tensors of these shapes (random, the second moved well past the kernel test). */
async function series(name: string, shapes: Record<string, [number, number]>): Promise<string> {
  const folder = join(dir, name);
  mkdirSync(folder, { recursive: true });
  const rng = new Rng(7);
  const first = Object.entries(shapes).map(([tensor, [r, c]]) => ({ name: tensor, dtype: 'F32' as const, shape: [r, c], data: new Float32Array(r * c).map(() => rng.normal()) }));
  await writeSafetensors(join(folder, 'step_0.safetensors'), first);
  await writeSafetensors(join(folder, 'step_10.safetensors'), first.map((t) => ({ ...t, data: t.data.map((x) => x * 1.5 + rng.normal()) })));
  return write(`${name}.flab.json`, { checkpoints: { path: `${name}/*.safetensors` } });
}

const NO_PAIR = 'rescaling: no pair of consecutive layers has ζ at both ends (their shapes do not chain, or a layer is zero there), so alignment and disalignment were not measured — past the kernel test, the rule names what is not one of them rescaling';

test('no pair of layers chains: standard error names the pair left out, and says the label rests on no ζ', async () => {
  const r = flab('checkpoints', await series('nochain', { 'a.weight': [8, 4], 'b.weight': [3, 7] }), '--summary');
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout) as { label: string | null };
  assert.equal(s.label, 'rescaling');
  assert.match(r.stderr, /: note: left out of the alignment: a\.weight → b\.weight — "b\.weight" \[3, 7\] does not follow "a\.weight" \[8, 4\]: its input size 7 is not the previous layer's output size 8/);
  assert.ok(r.stderr.includes(`: note: ${NO_PAIR}\n`), r.stderr);
});

test('a partial chain: labelled from the pair that chains, with a note for the pair left out', async () => {
  const r = flab('checkpoints', await series('partial', { 'a.weight': [8, 4], 'b.weight': [6, 8], 'c.weight': [3, 5] }), '--summary');
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout) as { label: string | null };
  assert.notEqual(s.label, null);
  assert.match(r.stderr, /: note: left out of the alignment: b\.weight → c\.weight — /);
  assert.ok(!r.stderr.includes('were not measured'), r.stderr);
});
