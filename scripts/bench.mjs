// `npm run bench` (after the build): named benchmark sections, each printing one line of results.
// Sections live in scripts/bench/*.mjs, each exporting `sections = [{ name, run }]` where `run()`
// returns (or resolves to) that line; add a file there to add sections. `node scripts/bench.mjs WORD…`
// runs only the sections whose name contains one of the words. Timings are whole processes
// measured side by side (alternating), medians of several repetitions.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repo, scratchDir } from './bench/util.mjs';

const dir = join(repo, 'scripts', 'bench');
const files = readdirSync(dir).filter((f) => f.endsWith('.mjs') && f !== 'util.mjs').sort((a, b) => (a === 'core.mjs' ? -1 : b === 'core.mjs' ? 1 : a.localeCompare(b)));
const sections = [];
for (const f of files) {
  const mod = await import(pathToFileURL(join(dir, f)).href);
  for (const s of mod.sections ?? []) sections.push(s);
}
const filters = process.argv.slice(2);
const chosen = filters.length ? sections.filter((s) => filters.some((w) => s.name.includes(w))) : sections;
let failed = false;
for (const s of chosen) {
  try {
    console.log(`${s.name}: ${await s.run()}`);
  } catch (err) {
    failed = true;
    console.log(`${s.name}: FAILED: ${err instanceof Error ? err.message : err}`);
  }
}
rmSync(scratchDir(), { recursive: true, force: true });
process.exit(failed ? 1 : 0);
