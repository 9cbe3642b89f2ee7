/**
 * Every panel's HTML (no vscode import; unit-tested). Strict CSP: nothing inline, styles
 * from a file, the one script by nonce, resources only from the webview's own origin.
 */
import { randomBytes } from 'node:crypto';

export interface WebviewHtmlInput {
  /** `webview.cspSource`. */
  cspSource: string;
  /** `webview.asWebviewUri(…dist/webview.js)`, as a string. */
  scriptUri: string;
  /** `webview.asWebviewUri(…dist/webview.css)`, as a string. */
  styleUri: string;
  nonce: string;
  title: string;
  /** The page's id (`data-page` on <html>), which its `ready` carries back (pageHandshake.ts). */
  page?: string;
}

/** A fresh nonce for one HTML document: 128 random bits, base64 without padding. */
export function makeNonce(): string {
  return randomBytes(16).toString('base64').replace(/=+$/, '');
}

/** The Content-Security-Policy of the panel. */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    // Nothing may change where relative URLs point, and no form may submit anywhere.
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ') + ';';
}

/** The panel's whole HTML document. */
export function webviewHtml(input: WebviewHtmlInput): string {
  const csp = contentSecurityPolicy(input.cspSource, input.nonce);
  return `<!DOCTYPE html>
<html lang="en"${input.page ? ` data-page="${escapeHtml(input.page)}"` : ''}>
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(input.styleUri)}">
<title>${escapeHtml(input.title)}</title>
</head>
<body>
<div id="root"></div>
<script nonce="${escapeHtml(input.nonce)}" src="${escapeHtml(input.scriptUri)}"></script>
</body>
</html>
`;
}

/** Escapes text for an HTML attribute or text node. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}
