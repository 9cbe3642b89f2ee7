/**
 * `compileKernels` (src/core/math/kernels.ts): the module compiled off the thread is the one
 * `kernels()` instantiates, so that the trainer's first record does not compile it again. A file of
 * its own: the kernels are one per process, and every other test file's first call compiles them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileKernels, kernels, squaredNorms } from '../../../src/core/math/kernels';

test('after compileKernels, kernels() instantiates the module it compiled instead of compiling another', async () => {
  await compileKernels();
  const Module = WebAssembly.Module;
  // Compiling on the thread would now throw: only the module compileKernels made can be used.
  WebAssembly.Module = function () {
    throw new Error('compiled on the thread');
  } as unknown as typeof WebAssembly.Module;
  try {
    const k = kernels();
    assert.equal(kernels(), k);
    assert.deepEqual(squaredNorms(Float64Array.of(3, 4), Float64Array.of(0, 4)), { a2: 25, difference2: 9, b2: 16 });
  } finally {
    WebAssembly.Module = Module;
  }
  // Once the kernels exist, compileKernels has nothing to do.
  let settled = false;
  void compileKernels().then(() => (settled = true));
  await Promise.resolve();
  assert.ok(settled);
});
