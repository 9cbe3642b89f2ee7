// `npm run package [-- --target T] [-- --out FILE]`: the .vsix for one platform (vsce's --target,
// default this machine's). The bundles carry everything but onnxruntime-node, whose native binary
// differs per platform (docs/networks.md, "Speed"): the .vsix of a platform it has a build for holds
// that one binary and the package's JavaScript; any other platform's .vsix trains on TensorFlow.js.
// vsce collects package.json's packagedDependencies (onnxruntime-node and what it needs); the files
// kept are .vscodeignore's plus the ones named here, through a generated ignore file.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** vsce targets → onnxruntime-node's binary folder (bin/napi-v6/<platform>/<arch>); none for the others. */
const ORT_BINARIES = {
  'linux-x64': 'linux/x64',
  'linux-arm64': 'linux/arm64',
  'darwin-arm64': 'darwin/arm64',
  'win32-x64': 'win32/x64',
  'win32-arm64': 'win32/arm64',
};
const TARGETS = ['linux-x64', 'linux-arm64', 'linux-armhf', 'alpine-x64', 'alpine-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64', 'win32-arm64', 'web'];

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const target = option('--target') ?? `${process.platform}-${process.arch}`;
if (!TARGETS.includes(target)) {
  console.error(`package: --target must be one of ${TARGETS.join(', ')}; got ${target}`);
  process.exit(2);
}

const binaries = ORT_BINARIES[target];
const lines = [readFileSync('.vscodeignore', 'utf8')];
if (binaries) {
  lines.push(
    `# ${target}: onnxruntime-node's JavaScript and its ${binaries} binary, with onnxruntime-common.`,
    '!node_modules/onnxruntime-node/package.json',
    '!node_modules/onnxruntime-node/LICENSE',
    '!node_modules/onnxruntime-node/dist/**/*.js',
    `!node_modules/onnxruntime-node/bin/napi-v6/${binaries}/**`,
    '!node_modules/onnxruntime-common/package.json',
    '!node_modules/onnxruntime-common/LICENSE',
    '!node_modules/onnxruntime-common/dist/cjs/**/*.js',
    '!node_modules/onnxruntime-common/dist/cjs/package.json',
  );
}
mkdirSync('.tmp', { recursive: true });
const ignoreFile = join('.tmp', `vscodeignore-${target}`);
writeFileSync(ignoreFile, lines.join('\n') + '\n');
const r = spawnSync('npx', ['--no-install', 'vsce', 'package', '--allow-missing-repository', '--no-rewrite-relative-links', '--target', target, '--ignoreFile', ignoreFile, ...args], { stdio: 'inherit' });
process.exit(r.status ?? 1);
