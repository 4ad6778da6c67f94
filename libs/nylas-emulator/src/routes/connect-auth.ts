import { DEFAULT_PROVIDER, parseAuthorizationRequest, type AuthorizationRequest } from '../authorization-request.js';
import { renderConsentPage } from '../consent-page.js';
import type { RequestContext } from '../emulator-context.js';
import { AuthorizationRedirectError } from '../errors.js';
import { authenticateGrant } from '../grant-lifecycle.js';
import { sendHtml, sendRedirect } from '../http-io.js';
import { withQueryParams } from '../redirect-uri.js';
import { paramsFromSearch, readBodyParams } from '../request-params.js';

/** Maximum email address length that fits in SMTP's path limit (RFC 5321 section 4.5.3.1.3). */
const MAX_EMAIL_LENGTH = 254;
const PLAUSIBLE_EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

/** GET /v3/connect/auth: validates the request and shows the consent page. */
export async function handleAuthorize(context: RequestContext): Promise<void> {
  const request = parseAuthorizationRequest(paramsFromSearch(context.url.searchParams), context.emulator.clients);
  sendHtml(context.res, 200, renderConsentPage(request));
}

/**
 * POST /v3/connect/auth/consent: validates the carried parameters again, because the form can be
 * tampered with, then sends the user back with `error=access_denied` or with a new code.
 */
export async function handleConsent(context: RequestContext): Promise<void> {
  const body = await readBodyParams(context.req);
  const { email, name, decision, ...authorizationParams } = body;
  const request = parseAuthorizationRequest({ params: authorizationParams, duplicates: [] }, context.emulator.clients);

  if (decision === 'deny') {
    throw new AuthorizationRedirectError(request.redirectUri, 'access_denied', 'The user denied access', request.state);
  }
  if (decision !== 'approve') {
    sendHtml(context.res, 400, renderConsentPage(request, { message: 'Missing or invalid decision: choose Approve or Deny', email, name }));
    return;
  }
  const trimmedEmail = email?.trim() ?? '';
  if (!isPlausibleEmail(trimmedEmail)) {
    sendHtml(context.res, 400, renderConsentPage(request, { message: `Enter a valid email address, got ${JSON.stringify(trimmedEmail)}`, email, name }));
    return;
  }

  const location = approve(context, request, trimmedEmail, name?.trim());
  sendRedirect(context.res, location);
}

/**
 * Creates or re-authenticates the grant, which queues its webhook event, issues a code bound to the request,
 * and returns the redirect.
 */
function approve(
  context: RequestContext,
  request: AuthorizationRequest,
  email: string,
  name: string | undefined,
): string {
  const { emulator } = context;
  // Without a provider in the URL the consent form offers a choice, so the POST normally names one.
  const provider = request.provider ?? DEFAULT_PROVIDER;
  const grant = authenticateGrant(emulator, {
    clientId: request.client.clientId,
    email,
    name: name === '' ? undefined : name,
    provider,
    scope: request.scope,
    state: request.state,
    credentialId: request.credentialId,
  });

  const code = emulator.codes.issue(
    {
      clientId: request.client.clientId,
      redirectUri: request.redirectUri,
      grantId: grant.id,
      scope: request.scope,
      accessType: request.accessType,
      codeChallenge: request.codeChallenge,
      codeChallengeMethod: request.codeChallengeMethod,
    },
    Date.now() + emulator.codeTtlMs,
  );
  emulator.stats.countCodeIssued();
  emulator.log(`Issued a code for grant ${grant.id} of client ${request.client.clientId}`);

  return withQueryParams(request.redirectUri, { code: code.code, state: request.state });
}

function isPlausibleEmail(email: string): boolean {
  return email.length <= MAX_EMAIL_LENGTH && PLAUSIBLE_EMAIL.test(email);
}
