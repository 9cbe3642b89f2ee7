/**
 * The shipped example examples/alignment.flab.json as a parsed experiment, changed first by `change`
 * (its raw JSON object): real runs for the dynamics panel's unit tests.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseExperiment } from '../../../../src/core/experiment/parse';

export function alignmentExample(change: (raw: Record<string, Record<string, unknown>>) => void = () => undefined) {
  const raw = JSON.parse(readFileSync(join(process.cwd(), 'examples', 'alignment.flab.json'), 'utf8')) as Record<string, Record<string, unknown>>;
  change(raw);
  const { experiment: e } = parseExperiment(JSON.stringify(raw));
  assert.ok(e);
  return e;
}
