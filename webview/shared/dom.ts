/** Small DOM and text helpers shared by the webview panels. */

/** A new element with an optional class and text. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

const SUPERSCRIPT: Record<string, string> = { '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹' };

/** An integer in superscript digits: −4 → ⁻⁴. */
export function superscript(n: number): string {
  return String(n).replace(/./g, (c) => SUPERSCRIPT[c] ?? c);
}

/** The tick label of the decade 10ⁿ: plain for 0.01 … 1000, 10ⁿ otherwise. */
export function decadeLabel(n: number): string {
  if (n >= 0 && n <= 3) return String(10 ** n);
  if (n === -1 || n === -2) return (10 ** n).toFixed(-n);
  return `10${superscript(n)}`;
}
