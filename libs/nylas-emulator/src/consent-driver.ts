import { readConsentForm } from './consent-form-reader.js';

/** The user's decision on the consent page. */
export type ConsentDecision =
  | { decision: 'approve'; email: string; name?: string }
  | { decision: 'deny' };

/**
 * Plays the browser's part of the consent step over HTTP: GET the authorization URL, read the consent form,
 * POST it with the user's decision, and return the Location of the redirect back to the application.
 * An authorization URL that the emulator rejects with a redirect returns that redirect at once.
 * Throws when the URL is not served by `emulatorUrl`, because the request must not reach another host,
 * and when the emulator responds with anything other than the consent page or a 303.
 */
export async function completeConsent(emulatorUrl: string, authUrl: string, answer: ConsentDecision): Promise<string> {
  const target = new URL(authUrl);
  if (target.origin !== new URL(emulatorUrl).origin) {
    throw new Error(`Authorization URL ${target.origin}${target.pathname} is not served by this emulator (${emulatorUrl})`);
  }

  const page = await fetch(target, { redirect: 'manual', headers: { accept: 'text/html' } });
  if (page.status === 303) {
    return redirectLocation(page);
  }
  const html = await page.text();
  if (page.status !== 200) {
    throw new Error(`Authorization request failed with HTTP ${page.status}: ${html.slice(0, 300)}`);
  }

  const form = readConsentForm(html);
  const fields = new URLSearchParams(form.fields);
  fields.set('decision', answer.decision);
  if (answer.decision === 'approve') {
    fields.set('email', answer.email);
    fields.set('name', answer.name ?? '');
  }

  const consent = await fetch(new URL(form.action, target), { method: 'POST', body: fields, redirect: 'manual' });
  if (consent.status !== 303) {
    throw new Error(`Consent step failed with HTTP ${consent.status}: ${(await consent.text()).slice(0, 300)}`);
  }
  return redirectLocation(consent);
}

function redirectLocation(response: Response): string {
  const location = response.headers.get('location');
  if (!location) {
    throw new Error('The emulator sent a 303 response without a Location header');
  }
  return location;
}
