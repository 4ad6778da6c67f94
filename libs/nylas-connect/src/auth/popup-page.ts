import { createHash } from 'node:crypto';

import type { Response } from 'express';

import { NYLAS_CONNECT_ERROR, NYLAS_CONNECT_SUCCESS } from '../nylas-flow-mode.js';

/**
 * Message a pop-up callback page posts to `window.opener`, never with a token. A `popup` flow
 * posts the linked grant. A `client` flow posts the code and the state for the opener's exchange
 * request, in the shape `@nylas/connect` 1.2.5 waits for.
 */
export type NylasPopupMessage =
  | { type: typeof NYLAS_CONNECT_SUCCESS; grantId: string; email: string; provider: string }
  | { type: typeof NYLAS_CONNECT_SUCCESS; code: string; state: string }
  | { type: typeof NYLAS_CONNECT_ERROR; error: string };

/** Content of a pop-up callback page. */
export interface PopupPage {
  message: NylasPopupMessage;
  /** Sentence shown when the window has no opener to post to, so it stays open. */
  text: string;
  /** Same-site path of the link shown beside `text`. */
  returnPath: string;
}

/**
 * Sends the pop-up callback page: one inline script posts the message to `window.opener` for
 * `targetOrigin` only, then closes the window. The Content-Security-Policy allows that script by
 * its SHA-256 hash and nothing else (`default-src 'none'`).
 *
 * The page sets `Cross-Origin-Opener-Policy: unsafe-none`, because the pop-up passes through
 * Nylas on another origin: a stricter policy here would make the browser cut the link to
 * `window.opener` when the callback loads. The opening page may keep `same-origin-allow-popups`.
 */
export function sendPopupPage(response: Response, status: number, page: PopupPage, targetOrigin: string): void {
  const script = [
    '(function () {',
    `  var message = ${toScriptLiteral(page.message)};`,
    '  if (window.opener && !window.opener.closed) {',
    `    window.opener.postMessage(message, ${toScriptLiteral(targetOrigin)});`,
    '    window.close();',
    '  }',
    '}());',
  ].join('\n');
  const scriptHash = createHash('sha256').update(script, 'utf8').digest('base64');

  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Connecting a mailbox</title>
</head>
<body>
<p>${escapeHtml(page.text)} <a href="${escapeHtml(page.returnPath)}">Return to the app</a></p>
<script>${script}</script>
</body>
</html>
`;

  response.status(status);
  response.setHeader('Content-Type', 'text/html; charset=utf-8');
  response.setHeader('Cache-Control', 'no-store');
  response.setHeader(
    'Content-Security-Policy',
    `default-src 'none'; script-src 'sha256-${scriptHash}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
  );
  response.setHeader('Cross-Origin-Opener-Policy', 'unsafe-none');
  // The callback URL carries the code and the state, so no link on this page may send it on.
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.send(html);
}

/**
 * Serializes a value as a JavaScript literal that is safe inside `<script>`: JSON with `<`, `>`,
 * `&` and the two line separators escaped, so no value can close the element or break the line.
 */
function toScriptLiteral(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
}
