/** The error banner of a panel: present only while the document is invalid, each error a link to its place. */
import type { ErrorInfo } from '../../src/protocol/common';
import { defineTerm } from './definitionTip';
import { el } from './dom';

/**
 * Shows `errors` under `heading` in `slot` (or removes the banner when null) and marks `root`
 * invalid, which greys the last good result. Clicking an error calls `reveal` with its place.
 */
export function renderBanner(root: HTMLElement, slot: HTMLElement, errors: ErrorInfo[] | null, heading: string, reveal: (line: number, column: number) => void): void {
  root.classList.toggle('is-invalid', errors !== null);
  if (errors === null) {
    slot.replaceChildren();
    return;
  }
  const banner = el('div', 'banner');
  banner.dataset.summary = 'error';
  banner.setAttribute('role', 'alert');
  const list = el('ul', 'banner-errors');
  for (const error of errors) {
    const link = el('button', 'error-link');
    link.type = 'button';
    link.dataset.line = String(error.line);
    link.dataset.column = String(error.column);
    defineTerm(link, 'Show in the editor', { control: true });
    link.append(el('span', 'error-where', `Line ${error.line}, column ${error.column}: `), document.createTextNode(error.message));
    link.addEventListener('click', () => reveal(error.line, error.column));
    // The bullet is an element of its own in the first column: it stays beside the first line of
    // its error however the text wraps (a native marker sits beside a wrapped button's last line).
    const item = el('li');
    const bullet = el('span', 'banner-bullet', '•');
    bullet.setAttribute('aria-hidden', 'true');
    item.append(bullet, link);
    list.append(item);
  }
  banner.append(el('p', 'banner-heading', heading), list);
  slot.replaceChildren(banner);
}
