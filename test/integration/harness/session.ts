// One code-server + one Chromium window on a scratch copy of a folder, with the extension
// installed: what a user-level test (or the bench) starts with. `close()` ends both.
import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { CodeServer, ensureCodeServer, freePort, installExtensionFolder, installVsix, prepareRunDir, RunDir, startCodeServer } from './codeServer';
import { PORTS, SCREENSHOTS, tmpRoot } from './paths';
import { launchBrowser, PANEL_TITLE_COMMAND, Workbench } from './workbench';

export interface Session {
  repo: string;
  dir: RunDir;
  server: CodeServer;
  context: BrowserContext;
  wb: Workbench;
  /** The scratch copy of the folder that the window has open. */
  workspace: string;
  /** Ms from spawning code-server to the workbench showing the folder. */
  startupMs: number;
  close(): Promise<void>;
}

export interface SessionOptions {
  repo: string;
  /** Scratch folder name under the test tmp root. */
  name: string;
  /** Folder copied into the run as the workspace (the original is never modified). */
  folder: string;
  /** Install this .vsix with `code-server --install-extension` instead of copying the build. */
  vsix?: string;
  env?: Record<string, string>;
  ports?: { from: number; to: number };
}

export async function openSession(opts: SessionOptions): Promise<Session> {
  const t0 = Date.now();
  const entry = ensureCodeServer(opts.repo);
  const run = join(tmpRoot(opts.repo), opts.name);
  const dir = prepareRunDir(run);
  if (opts.vsix) installVsix(entry, dir, opts.vsix);
  else installExtensionFolder(opts.repo, dir.extensions);
  if (!existsSync(opts.folder)) throw new Error(`${opts.folder} does not exist`);
  const workspace = join(run, 'workspace');
  cpSync(opts.folder, workspace, { recursive: true });
  const ports = opts.ports ?? PORTS;
  const port = await freePort(ports.from, ports.to);
  const server = await startCodeServer({ entry, dir, port, env: opts.env });
  let context: BrowserContext | undefined;
  try {
    context = await launchBrowser(join(run, 'profile'));
    const { wb } = await Workbench.open(context, server.url, workspace, SCREENSHOTS(opts.repo));
    const ctx = context;
    return {
      repo: opts.repo,
      dir,
      server,
      context: ctx,
      wb,
      workspace,
      startupMs: Date.now() - t0,
      async close() {
        await ctx.close().catch(() => undefined);
        await server.stop();
      },
    };
  } catch (e) {
    await context?.close().catch(() => undefined);
    await server.stop();
    throw e;
  }
}

/** Opens `file` with Ctrl+P, runs "Open Dynamics Panel" from the palette and waits for the charts. */
export async function openPanel(wb: Workbench, file: string, timeout = 60_000): Promise<void> {
  await wb.openFile(file);
  await wb.runCommand(PANEL_TITLE_COMMAND);
  await wb.waitForCharts(timeout);
}

/**
 * Pastes `text` as the whole document and measures, in the page, the time until one of the
 * summaries `keys` shows a new value: the end-to-end round trip (edit → host → solve → webview →
 * DOM). `before`/`after` are the watched summaries joined by " | ".
 */
export async function pasteAndMeasure(wb: Workbench, file: string, text: string, keys: string | string[] = ['zeta-final', 'loss-final'], timeout = 30_000): Promise<{ ms: number; before: string; after: string }> {
  const watch = await wb.watchSummary(keys);
  const t0 = await wb.pasteText(file, text);
  const got = await watch.collect(timeout);
  return { ms: got.at - t0, before: watch.before, after: got.text };
}

/** pasteAndMeasure for any webview elements (CSS selectors), e.g. the panel's title for an edit that needs no solving. */
export async function pasteAndMeasureText(wb: Workbench, file: string, text: string, selectors: string[], timeout = 30_000): Promise<{ ms: number; before: string; after: string }> {
  const watch = await wb.watchText(selectors);
  const t0 = await wb.pasteText(file, text);
  const got = await watch.collect(timeout);
  return { ms: got.at - t0, before: watch.before, after: got.text };
}
