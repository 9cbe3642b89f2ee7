/**
 * Part of the toolkit boundary (see ../toolkit.ts). FAST's `canUseFocusVisible` probes support for
 * `:focus-visible` by inserting an inline <style> element, which the panel's CSP (no
 * 'unsafe-inline') blocks and reports as a violation. scripts/build.mjs aliases the package to this
 * file, which re-exports it unchanged except for that one probe, asked through CSSOM instead.
 */
export * from '../../node_modules/@microsoft/fast-web-utilities/dist/index.js';

let supported: boolean | undefined;

/** Whether the browser supports the `:focus-visible` selector (no DOM writes, nothing for the CSP to block). */
export function canUseFocusVisible(): boolean {
  supported ??= typeof CSS !== 'undefined' && typeof CSS.supports === 'function' && CSS.supports('selector(:focus-visible)');
  return supported;
}
