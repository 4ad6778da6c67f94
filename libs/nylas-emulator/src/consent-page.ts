import { DEFAULT_PROVIDER, PROVIDERS, type AuthorizationRequest } from './authorization-request.js';

/** Path the consent form posts to. */
export const CONSENT_PATH = '/v3/connect/auth/consent';

/** Form input that the consent step rejected, shown again with the reason. */
export interface ConsentProblem {
  message: string;
  email?: string;
  name?: string;
}

/**
 * Renders the page that replaces the provider's login and consent screens. Every echoed value
 * is HTML-escaped, because `state`, `login_hint` and the other parameters come from the URL.
 * The hidden inputs use one fixed layout, which `readConsentForm` relies on.
 */
export function renderConsentPage(request: AuthorizationRequest, problem?: ConsentProblem): string {
  const hiddenInputs = Object.entries(request.params)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n      ');
  const email = problem?.email ?? request.loginHint ?? '';
  const scope = request.scope.length > 0 ? request.scope.join(' ') : '(the default scopes)';

  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>Nylas emulator: connect an account</title>
  </head>
  <body>
    <h1>Connect an account</h1>
    <p>Application <code>${escapeHtml(request.client.clientId)}</code> requests access with scope <code>${escapeHtml(scope)}</code>.</p>
    ${problem ? `<p role="alert">${escapeHtml(problem.message)}</p>` : ''}
    <form method="post" action="${CONSENT_PATH}" accept-charset="utf-8">
      ${hiddenInputs}
      <label>Email <input type="email" name="email" value="${escapeHtml(email)}" required></label>
      <label>Name <input type="text" name="name" value="${escapeHtml(problem?.name ?? '')}"></label>
      ${request.provider === undefined ? renderProviderSelect() : ''}
      <button type="submit" name="decision" value="approve">Approve</button>
      <button type="submit" name="decision" value="deny" formnovalidate>Deny</button>
    </form>
  </body>
</html>
`;
}

/** Renders the page for an authorization request that cannot be sent back to its redirect_uri. */
export function renderErrorPage(message: string): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>Nylas emulator: authorization error</title>
  </head>
  <body>
    <h1>Authorization error</h1>
    <p role="alert">${escapeHtml(message)}</p>
  </body>
</html>
`;
}

/** Escapes the five characters that are special in HTML text and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** Lets the user pick a provider, as Nylas hosted login does when the URL names none. */
function renderProviderSelect(): string {
  const options = PROVIDERS.map((provider) => {
    const selected = provider === DEFAULT_PROVIDER ? ' selected' : '';
    return `<option value="${provider}"${selected}>${provider}</option>`;
  }).join('');
  return `<label>Provider <select name="provider">${options}</select></label>`;
}
