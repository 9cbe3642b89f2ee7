/**
 * Finding the checkpoint files of a glob (tinyglobby: fdir's crawler with picomatch, the glob library
 * of Vite and ESLint's ecosystem), with the limits of docs/checkpoints.md: at most MAX_CHECKPOINTS
 * files, at most GLOB_TIMEOUT_MS of crawling.
 *
 * The crawler lists folders through `CheckpointCrawl.readdir` (tinyglobby's `fs` option), which
 * enforces the time limit inside the crawl — between every 256 entries of a folder, however large
 * — and sees every entry, so that none is dropped silently: what matches the pattern but cannot be a
 * checkpoint (a named pipe, a device, a socket, a symbolic link to nothing, a name that is not UTF-8)
 * is matched as a file would be, then returned as `skipped` with the reason, never opened. Symbolic
 * links are resolved here (a link to a folder is a folder, to a file a file), and each real folder is
 * read once, so a link to an ancestor does not loop.
 *
 * "**" does not descend through a symbolic link to a folder, as bash's globstar (since 4.3), zsh's
 * `**` and Python's pathlib (since 3.13) do not: such a link may lead anywhere — /proc/<pid>/cwd into
 * another process's folder, /proc/<pid>/root to / — so a search of a tree stays in that tree. A link
 * the pattern names before its first "**" (in its fixed part, or by a wildcard of one folder) is
 * followed. The links not followed are counted, never dropped silently.
 *
 * A folder of the pattern's fixed part whose name holds characters a glob reads as a pattern —
 * `runs/exp (copy)/ckpt_*.safetensors`, `runs/lr{1,2}/…` — and which exists with exactly that name is
 * that folder: its name is escaped before the glob is matched (`literalFolders`). A folder name that
 * is read as a pattern because no folder of that name exists is returned (`readAsPattern`), so that
 * "no file matches" can say which characters were read so and how to write them.
 */
import { promises as fs, type Stats } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
// The CommonJS build on purpose: the ES module build of tinyglobby's crawler (fdir) calls
// createRequire(import.meta.url), and import.meta is empty in the CommonJS bundles esbuild makes here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
import tinyglobby = require('tinyglobby');
import { countOf, excerpt } from '../experiment/diagnostic';
import { GLOB_TIMEOUT_MS, MAX_CHECKPOINTS } from './limits';
import { globBase, naturalCompare } from './naming';
import { kindOf } from '../experiment/pathKind';

/** A path the pattern matches that is not read, and why (a sentence fragment: "is a named pipe, …"). */
export interface SkippedPath {
  path: string;
  problem: string;
}

/** Symbolic links to folders that "**" met and did not descend into: how many, and the first few (absolute, natural order). */
export interface LinksNotFollowed {
  count: number;
  first: string[];
}

/**
 * A folder name of the pattern read as a pattern: `name` (as written) in the folder `parent`
 * (absolute), where no folder of that exact name exists; `characters`, the glob characters it holds,
 * each once, in order of appearance.
 */
export interface PatternFolder {
  parent: string;
  name: string;
  characters: string[];
}

/**
 * What a glob matches: the files to read (absolute, natural order), the matches that are not read,
 * the links not followed; `folder`, the folder the pattern's fixed part names (absolute, its literal
 * folders included: where the default metrics file is); `literalFolders`, the folder names read
 * literally although they hold glob characters; `readAsPattern`, the first folder name after the fixed
 * part that holds characters other than "*" alone and was read as a pattern (null when none).
 */
export interface FoundCheckpoints {
  files: string[];
  skipped: SkippedPath[];
  linksNotFollowed: LinksNotFollowed;
  folder: string;
  literalFolders: string[];
  readAsPattern: PatternFolder | null;
}

/** The limits of one search; the defaults are MAX_CHECKPOINTS and GLOB_TIMEOUT_MS. */
export interface DiscoveryLimits {
  maxFiles: number;
  timeoutMs: number;
  /** The clock the crawl looks at, in ms (tests); the limit is also held by a timer of `timeoutMs`. */
  now?: () => number;
}

/** Entries of a folder read between two looks at the clock. */
const ENTRIES_PER_CHECK = 256;

/** Links not followed that are named in `LinksNotFollowed.first`. */
const LISTED_LINKS = 3;

/** How many times more files each crawl of a search may show the matcher than the one before: 2 to 16. */
const MAX_BUDGET_GROWTH = 16;

/**
 * Absolute paths of the files `pattern` matches, relative to `baseDir` unless absolute, in natural
 * order, and the matches that are skipped (not regular files, dangling links, names not UTF-8), each
 * with its reason. Folders are not matched; symbolic links are followed, except links to folders
 * below a "**", which are counted in `linksNotFollowed` (see above). Throws a message naming the
 * pattern when it is empty, matches more than `maxFiles` paths (said as soon as more are found, not
 * after the whole tree: see CheckpointCrawl), or crawls longer than `timeoutMs` (checked inside the
 * crawl: the search ends within about one batch of entries of the limit).
 */
export async function findCheckpointFiles(pattern: string, baseDir: string, limits: DiscoveryLimits = { maxFiles: MAX_CHECKPOINTS, timeoutMs: GLOB_TIMEOUT_MS }): Promise<FoundCheckpoints> {
  if (pattern.trim() === '') throw new Error('the checkpoint path is empty: give a glob such as "runs/exp1/*.safetensors"');
  if (pattern.includes('\\') && !isAbsolute(pattern)) throw new Error(`the checkpoint path "${excerpt(pattern)}" contains "\\": globs use "/" between folders`);
  const now = limits.now ?? Date.now;
  const deadline = now() + limits.timeoutMs;
  const literal = await literalFolders(clampParents(pattern, baseDir), baseDir);
  const globbed = literal.pattern;
  const links = linkRule(globbed, baseDir);
  let crawl: CheckpointCrawl | null = null;
  let timedOut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      crawl?.expire();
      reject(new Error('expired'));
    }, limits.timeoutMs);
  });
  expired.catch(() => undefined); // it may come between two crawls
  try {
    // tinyglobby says what matched only once its crawl ends: each crawl stops after `budget` files,
    // matching or not. More than maxFiles matches among them is a refusal; fewer, a longer crawl —
    // long enough to match twice the limit at the rate this one matched, 2 to MAX_BUDGET_GROWTH times
    // as long — until one ends by itself. So "**" is refused after about maxFiles + 1 files, and not
    // after holding every match of the tree; a search among many other files reads their first ones
    // again (/usr/**/*.safetensors over 118,000 files and no match: 2.8 s instead of 2.4).
    for (let budget = limits.maxFiles + 1; ; ) {
      crawl = new CheckpointCrawl(deadline, now, budget, links);
      const searching = tinyglobby.glob(globbed, { cwd: baseDir, absolute: true, onlyFiles: true, expandDirectories: false, signal: crawl.signal, fs: { readdir: crawl.readdir } });
      searching.catch(() => undefined); // once expired, its end is not waited for
      let matched: string[] = [];
      try {
        // The race returns at the limit even if a file system call of the crawl hangs (a network drive).
        matched = await Promise.race([searching, expired]);
      } catch (err) {
        if (!timedOut && !crawl.expired) throw err;
      }
      if (timedOut || crawl.expired) {
        throw new Error(
          `the checkpoint path "${excerpt(pattern)}" was still being searched after ${limits.timeoutMs / 1000} s, the limit (${crawl.folders.toLocaleString('en-US')} folders and ${crawl.entries.toLocaleString('en-US')} entries read): name the folder the checkpoints are in, e.g. "runs/exp1/*.safetensors", rather than "**" over a large tree such as / or /proc`,
        );
      }
      if (matched.length > limits.maxFiles) {
        const count = `${crawl.stopped ? 'at least ' : ''}${matched.length.toLocaleString('en-US')}`;
        throw new Error(`the checkpoint path "${excerpt(pattern)}" matches ${count} files, more than the ${limits.maxFiles.toLocaleString('en-US')} allowed: narrow it (e.g. "ckpt_*000.safetensors" for every 1000th step)`);
      }
      if (!crawl.stopped) {
        return {
          ...sortFound(matched, crawl.problems),
          linksNotFollowed: { count: crawl.linksNotFollowed, first: crawl.firstLinksNotFollowed.sort(naturalCompare) },
          folder: literal.folder,
          literalFolders: literal.literalFolders,
          readAsPattern: literal.readAsPattern,
        };
      }
      budget *= Math.min(MAX_BUDGET_GROWTH, Math.max(2, Math.ceil((2 * (limits.maxFiles + 1)) / (matched.length + 1))));
    }
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `pattern` with the "." and ".." of its start resolved as the system resolves them: ".." of / is /
 * (POSIX), so the ".." beyond the depth of `baseDir` (relative pattern) or of / (absolute) are dropped
 * — `../../../../../var/ckpt/*` in /tmp/exp is `../../var/ckpt/*`, as `ls` reads it; tinyglobby, which
 * counts every "..", matched nothing. The ".." that stay are left to tinyglobby, which resolves them
 * as path.resolve does, by their text (not through symbolic links).
 */
function clampParents(pattern: string, baseDir: string): string {
  const parts = pattern.split('/');
  const absolute = parts[0] === '';
  let depth = absolute ? 0 : resolve(baseDir).split('/').filter((p) => p !== '').length;
  const kept: string[] = [];
  let i = absolute ? 1 : 0;
  for (; i < parts.length - 1; i++) {
    const part = parts[i];
    if (part === '.' || (part === '' && absolute)) continue;
    if (part !== '..') break;
    if (depth === 0) continue; // the ".." of /
    depth--;
    kept.push(part);
  }
  const rest = [...kept, ...parts.slice(i)].join('/');
  return absolute ? `/${rest}` : rest;
}

/** The characters of a name that a glob reads as a pattern (picomatch's, as tinyglobby's `escapePath` escapes them on POSIX). */
const GLOB_CHARACTERS = /[()[\]{}*?|]|^!|[!+@](?=\()/g;

/**
 * `pattern` with each folder name of its fixed part that holds glob characters and exists with exactly
 * that name escaped (tinyglobby's `escapePath`), walking from `baseDir` (or /) folder by folder up to
 * the first name that is a pattern; the folder reached, those names, and that first name when it holds
 * glob characters (not a bare "**" or "*": a wildcard meant as one). The last part (the file names) is
 * always a pattern. A name written with "\" (an absolute pattern may escape) is left as written.
 */
async function literalFolders(pattern: string, baseDir: string): Promise<{ pattern: string; folder: string; literalFolders: string[]; readAsPattern: PatternFolder | null }> {
  const parts = pattern.split('/');
  let folder = isAbsolute(pattern) ? '/' : resolve(baseDir);
  const literal: string[] = [];
  let readAsPattern: PatternFolder | null = null;
  for (let i = 0; i < parts.length - 1; i++) {
    const name = parts[i];
    if (name === '' || name === '.') continue;
    if (name.includes('\\')) break;
    const escaped = tinyglobby.escapePath(name);
    if (escaped === name && !tinyglobby.isDynamicPattern(name)) {
      folder = resolve(folder, name);
      continue;
    }
    const isFolder = await fs.stat(resolve(folder, name)).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (!isFolder) {
      const characters = [...new Set(name.match(GLOB_CHARACTERS) ?? [])];
      if (name !== '**' && name !== '*') readAsPattern = { parent: folder, name, characters };
      break;
    }
    parts[i] = escaped;
    literal.push(name);
    folder = resolve(folder, name);
  }
  return { pattern: parts.join('/'), folder, literalFolders: literal, readAsPattern };
}

/** What each glob character does, in a sentence's words. */
const GLOB_MEANINGS: Record<string, string> = {
  '*': 'any characters',
  '?': 'any one character',
  '[': 'a set of characters, "[abc]"',
  ']': 'a set of characters, "[abc]"',
  '{': 'alternatives, "{a,b}"',
  '}': 'alternatives, "{a,b}"',
  '(': 'a group, "(a|b)"',
  ')': 'a group, "(a|b)"',
  '|': 'a choice within a group, "(a|b)"',
  '!': 'not, "!(a)" or at the start',
  '+': 'one or more, "+(a)"',
  '@': 'one of, "@(a|b)"',
};

/**
 * Why a pattern whose folder name `p` was read as a pattern may match nothing, and how to write the
 * name literally: each character in a set of one ("[(]"), as "\\" is refused in a relative path.
 * `display` shows a folder as the messages do.
 */
export function patternFolderNote(p: PatternFolder, display: (path: string) => string): string {
  const meanings = [...new Set(p.characters.map((c) => GLOB_MEANINGS[c]).filter((m) => m !== undefined))];
  const chars = p.characters.map((c) => `"${c}"`);
  const list = chars.length === 1 ? chars[0] : `${chars.slice(0, -1).join(', ')} and ${chars[chars.length - 1]}`;
  const literal = p.name.replace(/[()[\]{}*?|]/g, '[$&]');
  return `in the folder name "${excerpt(p.name)}", ${list} ${chars.length === 1 ? 'is' : 'are'} read as a pattern (${meanings.join('; ')}), as no folder of exactly that name is in ${display(p.parent)} (a folder that is, is matched by its name, those characters included)${literal !== p.name ? `; to match only that name, write each such character as a set of one: "${excerpt(literal)}"` : ''}`;
}

/**
 * Which symbolic links to folders a crawl follows: those fewer than `depth` folders below `base`, the
 * folder the pattern's fixed part names (absolute); a link that deep or deeper is met by the
 * pattern's first "**" (`depth` is Infinity without one). Counted on the pattern's text: with a brace
 * whose alternatives hold "/", a link above that depth may be followed where an alternative's "**"
 * meets it, never a link deeper.
 */
interface LinkRule {
  base: string;
  depth: number;
}

/** The LinkRule of `pattern`, relative to `baseDir` unless absolute. */
function linkRule(pattern: string, baseDir: string): LinkRule {
  const fixed = globBase(pattern);
  const rest = fixed === '.' ? pattern : pattern.slice(fixed === '/' ? 1 : fixed.length + 1);
  const first = rest.split('/').findIndex((part) => part.includes('**'));
  return { base: resolve(baseDir, fixed), depth: first < 0 ? Infinity : first };
}

/** The matches in natural order, split into files to read and paths skipped with their problem. */
function sortFound(matched: string[], problems: ReadonlyMap<string, string>): Pick<FoundCheckpoints, 'files' | 'skipped'> {
  const files: string[] = [];
  const skipped: SkippedPath[] = [];
  for (const path of matched.sort(naturalCompare)) {
    const problem = problems.get(path);
    if (problem === undefined) files.push(path);
    else skipped.push({ path, problem });
  }
  return { files, skipped };
}

/** The part of a Dirent that fdir reads. */
interface Entry {
  name: string;
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
}

const asFile = (name: string): Entry => ({ name, isFile: () => true, isDirectory: () => false, isSymbolicLink: () => false });
const asFolder = (name: string): Entry => ({ name, isFile: () => false, isDirectory: () => true, isSymbolicLink: () => false });

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * One crawl: the deadline, what was read, and the problem of each path that is not a checkpoint file.
 * It shows the matcher at most `budget` files (every entry it presents as a file, matching or not):
 * once that many are shown it reads nothing more — the folder being read is cut there and the
 * folders yet to read are empty — and is `stopped`, the crawl ending with what it matched among them.
 */
class CheckpointCrawl {
  /** Problems by the path (as tinyglobby returns it) of an entry presented as a file that is not one. */
  readonly problems = new Map<string, string>();
  folders = 0;
  entries = 0;
  /** Files shown to the matcher. */
  files = 0;
  expired = false;
  /** Whether the crawl met a file past its budget, and so ended before the tree did. */
  stopped = false;
  /** Symbolic links to folders not followed (below a "**"), and the first LISTED_LINKS of them. */
  linksNotFollowed = 0;
  readonly firstLinksNotFollowed: string[] = [];
  private readonly controller = new AbortController();
  /** Raw bytes of folders whose path is not UTF-8 (under a name that is not), by their path as text. */
  private readonly rawPaths = new Map<string, Buffer>();
  /** Real folders read (device:inode): a folder reached again through a link is not read again. */
  private readonly seen = new Set<string>();

  constructor(
    private readonly deadline: number,
    private readonly now: () => number,
    private readonly budget: number,
    private readonly links: LinkRule,
  ) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  expire(): void {
    this.expired = true;
    this.controller.abort();
  }

  /** fdir's `readdir(path, { withFileTypes: true }, callback)`. */
  readonly readdir = ((path: string, _options: unknown, callback: (err: NodeJS.ErrnoException | null, entries?: Entry[]) => void) => {
    this.list(path).then(
      (entries) => callback(null, entries),
      (err: NodeJS.ErrnoException) => callback(err),
    );
  }) as unknown as typeof import('node:fs').readdir;

  private check(): void {
    if (!this.expired && this.now() >= this.deadline) this.expire();
    if (this.expired) throw Object.assign(new Error('the search time is over'), { code: 'ETIMEDOUT' });
  }

  /** The entries of one folder, as fdir should see them. */
  private async list(crawlPath: string): Promise<Entry[]> {
    if (this.stopped) return [];
    this.check();
    const folder = crawlPath.length > 1 && crawlPath.endsWith('/') ? crawlPath.slice(0, -1) : crawlPath;
    const raw = this.rawPaths.get(folder);
    const real: string | Buffer = raw ?? folder;
    const stat = await fs.stat(real);
    const id = `${stat.dev}:${stat.ino}`;
    if (this.seen.has(id)) return [];
    this.seen.add(id);
    this.folders++;
    // Without "**" (depth Infinity) every link is followed; above or beside the fixed folder (depth
    // -1) too, as the pattern names what is read there (fdir does not enter the folders it cannot match).
    const followLinks = this.links.depth === Infinity || this.depthBelowBase(folder) < this.links.depth;
    const out: Entry[] = [];
    // Names as bytes: a name that is not UTF-8 would otherwise be replaced by U+FFFD and then not found.
    const dir = await fs.opendir(real as string, { encoding: 'buffer' as BufferEncoding, bufferSize: ENTRIES_PER_CHECK });
    let count = 0;
    for await (const dirent of dir) {
      if (this.stopped) break; // by another folder read meanwhile; leaving the loop closes the folder
      if (++count % ENTRIES_PER_CHECK === 0) this.check();
      this.entries++;
      const bytes = dirent.name as unknown as Buffer;
      let name: string;
      let notUtf8 = raw !== undefined;
      try {
        name = strictUtf8.decode(bytes);
      } catch {
        name = bytes.toString('utf8');
        notUtf8 = true;
      }
      const path = folder === '/' ? `/${name}` : `${folder}/${name}`;
      const rawPath = notUtf8 ? Buffer.concat([raw ?? Buffer.from(folder), Buffer.from('/'), bytes]) : null;
      const whyNotUtf8 = raw !== undefined ? 'a folder of its path has a name that is not UTF-8' : `its name is not UTF-8 (${escapeBytes(bytes)})`;
      const entry = await this.classify(dirent, rawPath ?? path);
      if (entry.kind === 'folder') {
        if (entry.link && !followLinks) {
          if (this.linksNotFollowed++ < LISTED_LINKS) this.firstLinksNotFollowed.push(path);
          continue;
        }
        if (rawPath) this.rawPaths.set(path, rawPath);
        out.push(asFolder(name));
        continue;
      }
      // Anything else is shown to the matcher as a file; what is not a readable file is remembered.
      if (this.files === this.budget) {
        this.stopped = true;
        break;
      }
      this.files++;
      out.push(asFile(name));
      if (notUtf8) this.problems.set(path, `${whyNotUtf8}: skipped, as paths are read as UTF-8 text — rename it`);
      else if (entry.kind !== 'file') this.problems.set(path, entry.problem);
    }
    return out;
  }

  /**
   * How many folders `folder` (a crawl path) is below the pattern's fixed folder: 0 for it, -1 for a
   * folder above it (crawled on the way to it: / for "/var/ckpt/*"), Infinity elsewhere.
   */
  private depthBelowBase(folder: string): number {
    const { base } = this.links;
    if (folder === base) return 0;
    const prefix = base === '/' ? '/' : `${base}/`;
    if (folder.startsWith(prefix)) return folder.slice(prefix.length).split('/').length;
    return folder === '/' || base.startsWith(`${folder}/`) ? -1 : Infinity;
  }

  /** What an entry is, following a symbolic link (`link` says whether it is one); never opens it. */
  private async classify(dirent: { isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }, path: string | Buffer): Promise<{ kind: 'file' } | { kind: 'folder'; link: boolean } | { kind: 'other'; problem: string }> {
    if (dirent.isFile()) return { kind: 'file' };
    if (dirent.isDirectory()) return { kind: 'folder', link: false };
    const link = dirent.isSymbolicLink();
    let stat: Stats;
    try {
      // A link is followed; an entry of unknown type (some file systems do not say) is looked at.
      stat = link ? await fs.stat(path) : await fs.lstat(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? String(err);
      if (!link) return { kind: 'other', problem: `cannot be examined (${code}): skipped` };
      const target = await fs.readlink(path).catch(() => '?');
      const why = code === 'ENOENT' ? 'which does not exist' : code === 'ELOOP' ? 'which loops' : `which cannot be followed (${code})`;
      return { kind: 'other', problem: `is a symbolic link to "${excerpt(target)}", ${why}: skipped — fix or remove the link` };
    }
    if (stat.isFile()) return { kind: 'file' };
    if (stat.isDirectory()) return { kind: 'folder', link };
    return { kind: 'other', problem: `is ${link ? 'a symbolic link to ' : ''}${kindOf(stat)}, not a file: skipped without being opened (a checkpoint is a regular file)` };
  }
}

/** A name's bytes as text, each byte outside printable ASCII as \xNN: `ckpt\xff.safetensors`. */
function escapeBytes(bytes: Buffer): string {
  let out = '';
  for (const b of bytes.subarray(0, 96)) out += b >= 0x20 && b < 0x7f && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  return bytes.length > 96 ? `${out}… (${countOf(bytes.length, 'byte')})` : out;
}
