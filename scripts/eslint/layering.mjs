// The project's layering, enforced by ESLint (README, "Layout"): which folder may import which, and no
// import cycles between files — type-only imports included, which `import/no-cycle` ignores by design.
// A local plugin: both rules need only the relative import specifiers of each file.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..', '..');

/**
 * What each folder may import, by folder (paths relative to the repository). A file's folder is the
 * longest key that contains it; an import of a folder not listed (nor the file's own folder) is an error.
 * Order inside src/core: math < experiment < mechanisms < trajectory < linearFlow < descent < runs < analysis,
 * with network and checkpoints beside linearFlow and descent; figures (what an exported figure's header
 * says of a linear or network experiment) over experiment, mechanisms and network.
 */
export const LAYERS = {
  'src/core/math': [],
  'src/core/experiment': ['src/core/math', 'media'],
  'src/core/mechanisms': ['src/core/math', 'src/core/experiment'],
  'src/core/trajectory': ['src/core/math', 'src/core/experiment', 'src/core/mechanisms'],
  'src/core/figures': ['src/core/math', 'src/core/experiment', 'src/core/mechanisms', 'src/core/network'],
  'src/core/linearFlow': ['src/core/math', 'src/core/experiment', 'src/core/mechanisms', 'src/core/trajectory'],
  'src/core/descent': ['src/core/math', 'src/core/experiment', 'src/core/mechanisms', 'src/core/trajectory', 'src/core/linearFlow'],
  'src/core/network': ['src/core/math', 'src/core/experiment', 'src/core/mechanisms', 'src/core/trajectory'],
  'src/core/checkpoints': ['src/core/math', 'src/core/experiment', 'src/core/mechanisms', 'src/core/trajectory', 'src/core/network'],
  'src/core/runs': ['src/core/math', 'src/core/experiment', 'src/core/mechanisms', 'src/core/trajectory', 'src/core/linearFlow', 'src/core/descent', 'src/core/network', 'src/core/checkpoints'],
  'src/core/analysis': ['src/core'],
  'src/protocol': ['src/core'],
  'src/document': ['src/core', 'src/protocol'],
  'src/cli': ['src/core'],
  'src/workers': ['src/core', 'src/protocol', 'src/document'],
  'src/extension': ['src/core', 'src/protocol', 'src/document'],
  webview: ['src/protocol', 'src/core', 'node_modules'],
};

/** Folders whose files may not import `vscode` (everything but the extension host and the tests). */
const NO_VSCODE = ['src/core', 'src/protocol', 'src/document', 'src/cli', 'src/workers', 'webview'];

const within = (path, folder) => path === folder || path.startsWith(folder + '/');

function folderOf(path) {
  let best;
  for (const key of Object.keys(LAYERS)) if (within(path, key) && (!best || key.length > best.length)) best = key;
  return best;
}

/**
 * The folder a source file must be listed under: src/core/<concern>, src/<part>, or webview. A file
 * in a folder the layering does not list (a new concern, a file loose in src/core) is itself an error:
 * every folder says what it may import.
 */
function requiredFolder(path) {
  if (within(path, 'webview')) return 'webview';
  const core = /^src\/core\/([^/]+)\//.exec(path);
  if (core) return `src/core/${core[1]}`;
  if (/^src\/core\/[^/]+$/.test(path)) return 'src/core';
  const top = /^src\/([^/]+)\//.exec(path);
  if (top) return `src/${top[1]}`;
  return /^src\/[^/]+$/.test(path) ? 'src' : undefined;
}

const repoPath = (abs) => relative(root, abs).split(sep).join('/');

/** The file a relative specifier names (TypeScript's extension rules), or undefined. */
function resolveSpecifier(fromFile, spec) {
  const base = resolve(dirname(fromFile), spec);
  // TypeScript lets `./x.js` name ./x.ts.
  const asTs = /\.js$/.test(base) ? [base.replace(/\.js$/, '.ts')] : [];
  for (const candidate of [...asTs, base, `${base}.ts`, `${base}.mjs`, `${base}.js`, join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

// Every way a file names another: `from '…'` (import, export), a bare `import '…'`, a dynamic or type
// `import('…')`, `require('…')` (also `import x = require('…')`).
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s*)['"](\.[^'"]+)['"]/gm;
const importsCache = new Map();
function importsOf(file) {
  let list = importsCache.get(file);
  if (list) return list;
  list = [];
  let text = '';
  try { text = readFileSync(file, 'utf8'); } catch { /* gone */ }
  for (const m of text.matchAll(IMPORT)) {
    const target = resolveSpecifier(file, m[1]);
    if (target && /\.(ts|mjs)$/.test(target)) list.push(target);
  }
  importsCache.set(file, list);
  return list;
}

/** A path of imports from `from` back to `to`, or null. */
function pathBack(from, to) {
  const seen = new Set();
  const stack = [[from, [from]]];
  while (stack.length) {
    const [file, trail] = stack.pop();
    if (file === to) return trail;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const next of importsOf(file)) stack.push([next, [...trail, next]]);
  }
  return null;
}

/** The module specifiers a node names, as literal nodes: imports, exports, `import()`, `typeof import()`, `require()`. */
function sources(node) {
  switch (node.type) {
    case 'ImportDeclaration':
    case 'ExportNamedDeclaration':
    case 'ExportAllDeclaration':
    case 'ImportExpression':
      return node.source && node.source.type === 'Literal' && typeof node.source.value === 'string' ? [node.source] : [];
    case 'TSImportType': {
      const arg = node.argument?.type === 'TSLiteralType' ? node.argument.literal : node.argument;
      return arg && arg.type === 'Literal' && typeof arg.value === 'string' ? [arg] : [];
    }
    case 'TSExternalModuleReference':
      return node.expression?.type === 'Literal' && typeof node.expression.value === 'string' ? [node.expression] : [];
    case 'CallExpression':
      return node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments[0]?.type === 'Literal' && typeof node.arguments[0].value === 'string' ? [node.arguments[0]] : [];
    default:
      return [];
  }
}

/** The visitor of every node kind that names a module. */
function visitAll(check) {
  return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check, TSImportType: check, TSExternalModuleReference: check, CallExpression: check };
}

const layers = {
  meta: { type: 'problem', docs: { description: 'imports follow the folder layering of scripts/eslint/layering.mjs' }, schema: [] },
  create(context) {
    const file = context.filename;
    const here = repoPath(file);
    const required = requiredFolder(here);
    if (required && !(required in LAYERS)) {
      return {
        Program(node) {
          context.report({ node, message: `${required} is not in the layering: add it to LAYERS in scripts/eslint/layering.mjs with what it may import (docs/architecture.md, "Layers")` });
        },
      };
    }
    const folder = folderOf(here);
    if (!folder) return {};
    const check = (node) => {
      for (const src of sources(node)) {
        const spec = src.value;
        if (spec === 'vscode' && NO_VSCODE.some((f) => within(here, f))) {
          context.report({ node: src, message: `${folder} never imports vscode: it is shared with the CLI, the workers, the webviews and the tests` });
          continue;
        }
        if (!spec.startsWith('.')) continue;
        const target = repoPath(resolve(dirname(file), spec));
        if (within(target, folder)) continue;
        const allowed = LAYERS[folder];
        if (!allowed.some((f) => within(target, f))) {
          context.report({ node: src, message: `${folder} may not import ${target} (it may import ${allowed.length ? allowed.join(', ') : 'nothing outside itself'}; see scripts/eslint/layering.mjs)` });
        }
      }
    };
    return visitAll(check);
  },
};

const noCycle = {
  meta: { type: 'problem', docs: { description: 'no import cycles, type-only imports included' }, schema: [] },
  create(context) {
    const file = context.filename;
    // Each lint run sees the files as they are on disk now.
    importsCache.clear();
    const check = (node) => {
      for (const src of sources(node)) {
        if (!src.value.startsWith('.')) continue;
        const target = resolveSpecifier(file, src.value);
        if (!target) continue;
        const back = pathBack(target, file);
        if (back) context.report({ node: src, message: `import cycle: ${[file, ...back].map(repoPath).join(' → ')}` });
      }
    };
    return visitAll(check);
  },
};

export const layeringPlugin = { rules: { layers, 'no-cycle': noCycle } };
