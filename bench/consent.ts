import type { HttpClient } from './http-client.js';

const FORM_ACTION = /<form method="post" action="([^"]*)"/;
const HIDDEN_INPUT = /<input type="hidden" name="([^"]*)" value="([^"]*)">/g;

/** The mailbox a virtual user approves at the consent page. */
export interface ConsentUser {
  email: string;
  name: string;
}

/**
 * Approves an authorization request at the emulator as a browser would: GET the authorization
 * URL, read the consent form's hidden fields, and POST them with the user's decision to
 * `/v3/connect/auth/consent`. Returns the `Location` of the 303 back to the application.
 * Throws on any other response.
 */
export async function approveAtEmulator(emulator: HttpClient, authUrl: string, user: ConsentUser): Promise<string> {
  const page = await emulator.send('GET', authUrl, { headers: { accept: 'text/html' } });
  if (page.status !== 200) {
    throw new Error(`The consent page responded with HTTP ${page.status}: ${page.body.slice(0, 200)}`);
  }

  const action = FORM_ACTION.exec(page.body)?.[1];
  if (action === undefined) throw new Error('The consent page contains no form');
  const fields = new URLSearchParams();
  for (const [, name, value] of page.body.matchAll(HIDDEN_INPUT)) {
    fields.append(unescapeHtml(name), unescapeHtml(value));
  }
  fields.set('decision', 'approve');
  fields.set('email', user.email);
  fields.set('name', user.name);

  const consent = await emulator.send('POST', unescapeHtml(action), {
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
    body: fields.toString(),
  });
  const location = consent.headers.location;
  if (consent.status !== 303 || location === undefined) {
    throw new Error(`The consent step responded with HTTP ${consent.status}: ${consent.body.slice(0, 200)}`);
  }
  return location;
}

/** Reverses the emulator's HTML escaping; `&amp;` goes last so that an escaped entity stays literal. */
function unescapeHtml(text: string): string {
  return text
    .replaceAll('&#39;', "'")
    .replaceAll('&quot;', '"')
    .replaceAll('&gt;', '>')
    .replaceAll('&lt;', '<')
    .replaceAll('&amp;', '&');
}
