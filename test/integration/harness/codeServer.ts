// Runs code-server (VS Code 1.100.3 with a Node extension host) isolated on 127.0.0.1: its own
// HOME/XDG folders, user data, extensions and settings, in its own process group that `stop()`
// ends. Shared by the integration tests, `npm start` and `npm run bench`.
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, closeSync, symlinkSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const CODE_SERVER_VERSION = '4.100.3';

/** Folder code-server is installed into by scripts/codeserver/install.sh. */
export function codeServerDir(): string {
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return process.env.FLAB_CODE_SERVER_DIR || join(cache, 'flab-code-server', CODE_SERVER_VERSION);
}

/** code-server's Node entry point, installing it first (idempotent) when it is missing. */
export function ensureCodeServer(repoRoot: string): string {
  const entry = join(codeServerDir(), 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  if (existsSync(entry) && existsSync(join(codeServerDir(), `.installed-${CODE_SERVER_VERSION}`))) return entry;
  console.log(`code-server ${CODE_SERVER_VERSION} is not installed: running scripts/codeserver/install.sh`);
  const r = spawnSync('bash', [join(repoRoot, 'scripts', 'codeserver', 'install.sh')], { stdio: 'inherit' });
  if (r.status !== 0 || !existsSync(entry)) throw new Error('installing code-server failed (scripts/codeserver/install.sh)');
  return entry;
}

/** The repository root, found from a file inside it (the folder holding package.json with our name). */
export function findRepoRoot(from: string): string {
  let dir = resolve(from);
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'feature-learning-lab') return dir;
    const up = resolve(dir, '..');
    if (up === dir) throw new Error(`no feature-learning-lab package.json above ${from}`);
    dir = up;
  }
}

export interface ExtensionId {
  publisher: string;
  name: string;
  version: string;
  /** `publisher.name`, as vscode.extensions.getExtension wants it. */
  id: string;
}

export function extensionId(repoRoot: string): ExtensionId {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };
  return { publisher: pkg.publisher, name: pkg.name, version: pkg.version, id: `${pkg.publisher}.${pkg.name}` };
}

/** What goes into the installed extension: the same set .vscodeignore keeps in the .vsix (and onnxruntime-node, below). */
const EXTENSION_FILES = ['package.json', 'dist', 'media', 'examples', 'README.md', 'LICENSE', 'CHANGELOG.md'];

/** Installs the built extension by copying it to `<extensionsDir>/<publisher>.<name>-<version>`. */
export function installExtensionFolder(repoRoot: string, extensionsDir: string): string {
  const ext = extensionId(repoRoot);
  if (!existsSync(join(repoRoot, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing: run `npm run build` first');
  const target = join(extensionsDir, `${ext.id}-${ext.version}`);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  for (const f of EXTENSION_FILES) {
    const src = join(repoRoot, f);
    if (existsSync(src)) cpSync(src, join(target, f), { recursive: true, filter: (p) => !p.endsWith('.map') });
  }
  // The trainer's native engine, as the platform's .vsix carries it (scripts/package.mjs): linked, not copied.
  mkdirSync(join(target, 'node_modules'));
  for (const p of ['onnxruntime-node', 'onnxruntime-common']) symlinkSync(join(repoRoot, 'node_modules', p), join(target, 'node_modules', p), 'dir');
  return target;
}

/** User settings for a quiet, deterministic workbench: no welcome page, walkthroughs, update checks or telemetry. */
export const TEST_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.editor.enablePreview': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'json.schemaDownload.enable': false,
  'editor.minimap.enabled': false,
  // VS Code in a browser saves after a delay by default; the desktop does not. Tests (and users)
  // of unsaved edits need the desktop's behaviour.
  'files.autoSave': 'off',
  // Whitespace markers would show up in the text read back from the editor's DOM.
  'editor.renderWhitespace': 'none',
  // Short files then never scroll, so the editor's DOM always holds every line (editorText).
  'editor.scrollBeyondLastLine': false,
  'chat.commandCenter.enabled': false,
  'workbench.colorTheme': 'Default Dark Modern',
};

export interface RunDir {
  root: string;
  home: string;
  userData: string;
  extensions: string;
  config: string;
}

/** Creates a fresh run folder (emptied first) with an empty config.yaml and the test settings. */
export function prepareRunDir(root: string, settings: Record<string, unknown> = TEST_SETTINGS): RunDir {
  rmSync(root, { recursive: true, force: true });
  const dir: RunDir = {
    root,
    home: join(root, 'home'),
    userData: join(root, 'user-data'),
    extensions: join(root, 'extensions'),
    config: join(root, 'config.yaml'),
  };
  for (const d of [dir.home, join(dir.userData, 'User'), dir.extensions]) mkdirSync(d, { recursive: true });
  writeFileSync(dir.config, '');
  writeFileSync(join(dir.userData, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  return dir;
}

function isolatedEnv(dir: RunDir, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Variables of an enclosing VS Code would confuse the inner one.
  for (const k of Object.keys(env)) if (k.startsWith('VSCODE_') || k === 'ELECTRON_RUN_AS_NODE') delete env[k];
  return {
    ...env,
    HOME: dir.home,
    XDG_CONFIG_HOME: join(dir.home, '.config'),
    XDG_DATA_HOME: join(dir.home, '.local', 'share'),
    XDG_CACHE_HOME: join(dir.home, '.cache'),
    ...extra,
  };
}

function commonArgs(dir: RunDir): string[] {
  return ['--config', dir.config, '--user-data-dir', dir.userData, '--extensions-dir', dir.extensions];
}

/** Installs a .vsix with `code-server --install-extension` into the run folder's extensions. */
export function installVsix(entry: string, dir: RunDir, vsix: string): string {
  const r = spawnSync(process.execPath, [entry, ...commonArgs(dir), '--install-extension', vsix, '--force'], {
    env: isolatedEnv(dir),
    encoding: 'utf8',
    timeout: 120_000,
  });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0) throw new Error(`code-server --install-extension failed (${r.status}):\n${out}`);
  return out;
}

/** A port in [from, to] that nothing listens on right now. */
export async function freePort(from: number, to: number): Promise<number> {
  for (let port = from; port <= to; port++) {
    const ok = await new Promise<boolean>((done) => {
      const srv = createServer();
      srv.once('error', () => done(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => done(true)));
    });
    if (ok) return port;
  }
  throw new Error(`no free port in ${from}–${to}`);
}

/** A port the system considers free right now (any number). */
export function anyFreePort(): Promise<number> {
  return new Promise((done, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => done(port));
    });
  });
}

function httpStatus(url: string): Promise<number> {
  return new Promise((done) => {
    const req = get(url, (res) => {
      res.resume();
      done(res.statusCode ?? 0);
    });
    req.on('error', () => done(0));
    req.setTimeout(2000, () => {
      req.destroy();
      done(0);
    });
  });
}

export interface CodeServer {
  url: string;
  port: number;
  dir: RunDir;
  pid: number;
  /** Ms from spawn until it answered /healthz. */
  startMs: number;
  logFile: string;
  /** Ends code-server's whole process group (extension hosts included). */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}
// Never leave a code-server behind, even when the runner dies of an exception or Ctrl+C.
process.on('exit', () => {
  for (const c of running) killGroup(c, 'SIGKILL');
});

export interface StartOptions {
  entry: string;
  dir: RunDir;
  port: number;
  /** Folder opened by default (the URL's ?folder= still decides what a browser opens). */
  workspace?: string;
  /** Extra environment for the server and so for the extension hosts it starts. */
  env?: Record<string, string>;
  timeoutMs?: number;
}

/** Starts code-server in its own process group and resolves once it answers HTTP. */
export async function startCodeServer(opts: StartOptions): Promise<CodeServer> {
  const { entry, dir, port } = opts;
  const logFile = join(dir.root, `code-server-${port}.log`);
  const fd = openSync(logFile, 'a');
  const args = [
    entry,
    ...commonArgs(dir),
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--disable-proxy',
    '--ignore-last-opened',
  ];
  if (opts.workspace) args.push(opts.workspace);
  const t0 = Date.now();
  const child = spawn(process.execPath, args, { env: isolatedEnv(dir, opts.env), detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  running.add(child);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = t0 + (opts.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) {
      running.delete(child);
      throw new Error(`code-server exited with ${child.exitCode} before listening; log ${logFile}:\n${readFileSync(logFile, 'utf8').slice(-3000)}`);
    }
    if ((await httpStatus(`${url}/healthz`)) === 200) break;
    if (Date.now() > deadline) {
      killGroup(child, 'SIGKILL');
      throw new Error(`code-server did not listen on ${url} within ${opts.timeoutMs ?? 60_000} ms; log ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const startMs = Date.now() - t0;
  return {
    url,
    port,
    dir,
    pid: child.pid ?? -1,
    startMs,
    logFile,
    async stop() {
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      // Extension hosts are in the same group; make sure none outlives the server.
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // The group is empty: nothing left.
      }
      running.delete(child);
    },
  };
}
