/** Small DOM and text helpers shared by the webview panels. */

/** A new element with an optional class and text. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/**
 * Where a key moves the focus within a row of controls that is one tab stop (a roving tab stop): from
 * entry `at` of `count`, → and ↓ the next, ← and ↑ the previous (staying at the ends), Home the first,
 * End the last; null for any other key.
 */
export function rovingStep(key: string, at: number, count: number): number | null {
  const next = key === 'ArrowRight' || key === 'ArrowDown' ? at + 1 : key === 'ArrowLeft' || key === 'ArrowUp' ? at - 1 : key === 'Home' ? 0 : key === 'End' ? count - 1 : null;
  return next === null ? null : Math.max(0, Math.min(count - 1, next));
}

/**
 * A formula in running text: a norm and what is attached to it without a space — `‖K − K₀‖/‖K₀‖`,
 * `ln‖W_l‖` — up to the punctuation after it.
 */
const FORMULA = /[^\s(]*‖[^‖]{1,24}‖[^\s),.;:]*/g;

/**
 * `text` as nodes in which each formula is a `span.formula`, kept on one line (panel.css): a verdict's
 * label broke inside one, "‖K −" at the end of a line and "K₀‖/‖K₀‖" on the next.
 */
export function withFormulas(text: string): Node[] {
  const out: Node[] = [];
  let at = 0;
  for (const m of text.matchAll(FORMULA)) {
    const i = m.index ?? 0;
    if (i > at) out.push(document.createTextNode(text.slice(at, i)));
    out.push(el('span', 'formula', m[0]));
    at = i + m[0].length;
  }
  if (at < text.length) out.push(document.createTextNode(text.slice(at)));
  return out;
}
