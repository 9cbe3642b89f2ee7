// `npm start`: builds, then runs the extension in a real VS Code on the examples/ folder — the
// desktop `code --extensionDevelopmentPath=.` where `code` is on PATH, otherwise code-server on
// 127.0.0.1 (the same isolated set-up as the integration tests) until Ctrl+C.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const examples = join(repo, 'examples');

const build = spawnSync(process.execPath, [join(repo, 'scripts', 'build.mjs')], { cwd: repo, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const code = (process.env.PATH ?? '').split(delimiter).map((d) => join(d, 'code')).find((p) => existsSync(p));
if (code && process.env.FLAB_START_CODE_SERVER !== '1') {
  console.log(`starting ${code} --extensionDevelopmentPath=${repo} ${examples}`);
  const child = spawn(code, [`--extensionDevelopmentPath=${repo}`, examples], { stdio: 'inherit' });
  child.on('exit', (status) => process.exit(status ?? 0));
} else {
  // The harness is TypeScript, bundled by the build above.
  const { default: cs } = await import(join(repo, 'out', 'test', 'integration', 'harness', 'codeServer.js'));
  const entry = cs.ensureCodeServer(repo);
  const dir = cs.prepareRunDir(join(repo, '.tmp', 'start'));
  cs.installExtensionFolder(repo, dir.extensions);
  const port = process.env.FLAB_PORT ? Number(process.env.FLAB_PORT) : await cs.anyFreePort();
  const server = await cs.startCodeServer({ entry, dir, port, workspace: examples });
  const url = `${server.url}/?folder=${encodeURIComponent(examples)}`;
  console.log(`\nFeature Learning Lab is running in code-server (VS Code ${'1.100.3'}). Open:\n\n  ${url}\n\nCtrl+C stops it. Log: ${server.logFile}`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping code-server');
    await server.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
