// Whether an edit changes the run a file describes or only its header (src/document/sameRun.ts): the
// training panel trains again only in the first case.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sameRun } from '../../../src/document/sameRun';

const file = (name: string, description: string, rate = 0.5, extra = '') =>
  `{\n  "name": ${JSON.stringify(name)},\n  "description": ${JSON.stringify(description)},\n  "model": { "hidden": [4] },${extra}\n  "training": { "learningRate": ${rate}, "steps": 10 }\n}\n`;

test('an edit of the top-level name or description is the same run; anything else is another', () => {
  const a = file('a', 'what it shows');
  assert.equal(sameRun(a, a), true);
  assert.equal(sameRun(a, file('a', 'what it shows, typed on')), true);
  assert.equal(sameRun(a, file('another name 😀', 'x')), true);
  assert.equal(sameRun(a, file('a', 'what it shows', 0.05)), false, 'a learning rate');
  // Not at the top level: a key of that name inside data is part of the run.
  assert.equal(sameRun(file('a', 'd', 0.5, ' "data": { "description": "one" },'), file('a', 'd', 0.5, ' "data": { "description": "two" },')), false);
  // Whatever does not parse, or is not an object, is never taken for the same run.
  assert.equal(sameRun(a, a.replace('"model"', 'model')), false);
  assert.equal(sameRun('[1]', '[1 ]'), false);
  // The order of keys counts (a conservative comparison: the run is trained again).
  assert.equal(sameRun(a, a.replace('"name": "a",\n  "description": "what it shows",', '"description": "what it shows",\n  "name": "a",')), false);
  // Past the parse limit only identical texts are the same run.
  assert.equal(sameRun(a, file('a', 'typed on'), 10), false);
  assert.equal(sameRun(a, a, 10), true);
});
