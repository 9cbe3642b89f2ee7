// Where the integration tests keep their scratch folders, screenshots and ports.
import { join } from 'node:path';

/** Scratch root (gitignored): FLAB_TEST_TMP or <repo>/.tmp/vscode. */
export function tmpRoot(repo: string): string {
  return process.env.FLAB_TEST_TMP || join(repo, '.tmp', 'vscode');
}

/** Screenshots the code-server tests take (gitignored; the webview tests have their own folder beside it). */
export function SCREENSHOTS(repo: string): string {
  return join(repo, 'test-results', 'screenshots', 'vscode');
}

/** Ports the tests may use: FLAB_TEST_PORTS="from-to", default 18100–18199. */
export const PORTS = ((): { from: number; to: number } => {
  const m = /^(\d+)-(\d+)$/.exec(process.env.FLAB_TEST_PORTS ?? '');
  return m ? { from: Number(m[1]), to: Number(m[2]) } : { from: 18100, to: 18199 };
})();
