// Every citation of the docs in the code points at a section that exists: `docs/x.md §3` needs a
// heading numbered 3 in docs/x.md, `docs/x.md, "Heading"` a heading containing that text, and any
// `docs/x.md` the file itself. Comments are where the formulas get their sources; a dangling citation
// is a formula without one.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = process.cwd();
const CITATION = /docs\/([A-Za-z0-9-]+\.md)(?:,? ?§(\d+(?:\.\d+)?)|,? "([^"]+)")?/g;

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...sources(full));
    else if (/\.(ts|mjs)$/.test(name)) out.push(full);
  }
  return out;
}

function headings(file: string): string[] {
  return readFileSync(join(ROOT, 'docs', file), 'utf8').split('\n').filter((l) => /^#{1,6} /.test(l)).map((l) => l.replace(/^#+ /, '').trim());
}

describe('citations of docs/ in the code', () => {
  it('name files and sections that exist', () => {
    const problems: string[] = [];
    let count = 0;
    for (const file of [...sources(join(ROOT, 'src')), ...sources(join(ROOT, 'webview')), ...sources(join(ROOT, 'scripts'))]) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(CITATION)) {
        count++;
        const [whole, doc, section, wrapped] = m;
        // A quoted heading may run over a comment's line break (` * `).
        const heading = wrapped?.replace(/\s*\n\s*(\*|\/\/)\s*/g, ' ');
        const where = `${file.slice(ROOT.length + 1)}: ${whole}`;
        if (!existsSync(join(ROOT, 'docs', doc))) {
          problems.push(`${where} — no such file`);
          continue;
        }
        const hs = headings(doc);
        if (section && !hs.some((h) => h.startsWith(`${section}.`) || h.startsWith(`${section} `))) problems.push(`${where} — no section ${section}`);
        if (heading && !hs.some((h) => h.toLowerCase().includes(heading.toLowerCase()))) problems.push(`${where} — no heading containing "${heading}"`);
      }
    }
    assert.ok(count > 20, `only ${count} citations found: is the pattern still right?`);
    assert.deepEqual(problems, []);
  });
});

// A file of the repository that the README or docs/ names exists: a dangling path sends a reader
// to nothing (the docs named test/unit/mechanism-core.test.ts and src/core/rng.ts long after they moved).
const REPO_PATH = /(?<![\w./-])(?:src|test|scripts|media|examples|webview|docs)\/[\w./-]*\w\.(?:ts|mjs|md|json|sh|js|safetensors)\b/g;

function markdown(): string[] {
  return ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join('docs', f))];
}

describe('paths named in the README and docs/', () => {
  it('are files of the repository', () => {
    const problems: string[] = [];
    let count = 0;
    for (const doc of markdown()) {
      for (const m of readFileSync(join(ROOT, doc), 'utf8').matchAll(REPO_PATH)) {
        count++;
        if (!existsSync(join(ROOT, m[0]))) problems.push(`${doc}: ${m[0]}`);
      }
    }
    assert.ok(count > 20, `only ${count} paths found: is the pattern still right?`);
    assert.deepEqual(problems, []);
  });
});
