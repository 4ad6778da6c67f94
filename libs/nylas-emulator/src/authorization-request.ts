import type { ClientRegistry } from './client-registry.js';
import { AuthorizationPageError, AuthorizationRedirectError } from './errors.js';
import type { EmulatorClient } from './options.js';
import { parseCodeChallengeMethod, type CodeChallengeMethod } from './pkce.js';
import type { ParsedParams, RequestParams } from './request-params.js';

/** Providers that /v3/connect/auth accepts in `provider`. */
export const PROVIDERS = ['google', 'microsoft', 'imap', 'icloud', 'yahoo', 'ews', 'zoom'] as const;
export type Provider = (typeof PROVIDERS)[number];

/** Provider of a grant when the request names none and the user picks none. */
export const DEFAULT_PROVIDER: Provider = 'google';

/** Nylas stores `state` on the grant and limits it to 256 characters. */
export const MAX_STATE_LENGTH = 256;

/**
 * Fields of the consent form itself. A query parameter with one of these names is not carried
 * into the form, because the form's own input would replace it.
 */
export const CONSENT_FIELDS = ['email', 'name', 'decision'] as const;

/** A validated GET /v3/connect/auth request. */
export interface AuthorizationRequest {
  client: EmulatorClient;
  redirectUri: string;
  provider?: Provider;
  scope: string[];
  prompt?: string;
  state?: string;
  loginHint?: string;
  accessType: 'online' | 'offline';
  codeChallenge?: string;
  codeChallengeMethod?: CodeChallengeMethod;
  credentialId?: string;
  /** The request's non-empty parameters as received, minus the consent form's own fields, for the form's hidden inputs. */
  params: RequestParams;
}

/**
 * Validates authorization request parameters in the order RFC 6749 section 4.1.2.1 implies:
 * an unknown client or unregistered redirect_uri throws AuthorizationPageError, because the user must
 * never be sent to an unverified URI; any later fault throws AuthorizationRedirectError.
 */
export function parseAuthorizationRequest(parsed: ParsedParams, clients: ClientRegistry): AuthorizationRequest {
  const { params, duplicates } = parsed;
  const client = verifyClient(params, duplicates, clients);
  const redirectUri = verifyRedirectUri(client, params, duplicates);
  const state = optionalParam(params, 'state');
  const reject = (message: string, code: 'invalid_request' | 'unsupported_response_type' = 'invalid_request') =>
    new AuthorizationRedirectError(redirectUri, code, message, state);

  if (duplicates.length > 0) {
    throw reject(`Duplicate parameter: ${duplicates[0]}`);
  }
  checkResponseType(params, reject);
  if (state !== undefined && state.length > MAX_STATE_LENGTH) {
    throw reject(`state is ${state.length} characters long; the maximum is ${MAX_STATE_LENGTH}`);
  }

  return {
    client,
    redirectUri,
    provider: readProvider(params, reject),
    scope: readScope(params),
    prompt: optionalParam(params, 'prompt'),
    state,
    loginHint: optionalParam(params, 'login_hint'),
    accessType: readAccessType(params, reject),
    ...readCodeChallenge(params, reject),
    credentialId: optionalParam(params, 'credential_id'),
    params: withoutConsentFields(params),
  };
}

/** Splits `scope` on whitespace; `+` and `%20` have already become spaces. */
export function readScope(params: RequestParams): string[] {
  return (params.scope ?? '').split(/\s+/).filter((scope) => scope !== '');
}

/** Returns a parameter's value, treating an empty value as absent. */
function optionalParam(params: RequestParams, name: string): string | undefined {
  const value = params[name];
  return value === undefined || value === '' ? undefined : value;
}

type Reject = (message: string, code?: 'invalid_request' | 'unsupported_response_type') => AuthorizationRedirectError;

function verifyClient(params: RequestParams, duplicates: string[], clients: ClientRegistry): EmulatorClient {
  const clientId = optionalParam(params, 'client_id');
  if (clientId === undefined) {
    throw new AuthorizationPageError('Missing required parameter: client_id');
  }
  if (duplicates.includes('client_id')) {
    throw new AuthorizationPageError('Duplicate parameter: client_id');
  }
  const client = clients.get(clientId);
  if (!client) {
    throw new AuthorizationPageError(`Unknown client_id ${JSON.stringify(clientId)}: register the application first`);
  }
  return client;
}

function verifyRedirectUri(client: EmulatorClient, params: RequestParams, duplicates: string[]): string {
  const redirectUri = optionalParam(params, 'redirect_uri');
  if (redirectUri === undefined) {
    throw new AuthorizationPageError('Missing required parameter: redirect_uri');
  }
  if (duplicates.includes('redirect_uri')) {
    throw new AuthorizationPageError('Duplicate parameter: redirect_uri');
  }
  if (!client.callbackUris.includes(redirectUri)) {
    throw new AuthorizationPageError(
      `redirect_uri ${JSON.stringify(redirectUri)} is not registered for client ${client.clientId}; register it as a callback URI`,
    );
  }
  return redirectUri;
}

function checkResponseType(params: RequestParams, reject: Reject): void {
  const responseType = optionalParam(params, 'response_type');
  if (responseType === undefined) {
    throw reject('Missing required parameter: response_type');
  }
  if (responseType !== 'code') {
    throw reject(`Unsupported response_type ${JSON.stringify(responseType)}: use code`, 'unsupported_response_type');
  }
}

function readProvider(params: RequestParams, reject: Reject): Provider | undefined {
  const provider = optionalParam(params, 'provider');
  if (provider === undefined) {
    return undefined;
  }
  if (!(PROVIDERS as readonly string[]).includes(provider)) {
    throw reject(`Unsupported provider ${JSON.stringify(provider)}: use one of ${PROVIDERS.join(', ')}`);
  }
  return provider as Provider;
}

function readAccessType(params: RequestParams, reject: Reject): 'online' | 'offline' {
  const accessType = optionalParam(params, 'access_type') ?? 'online';
  if (accessType !== 'online' && accessType !== 'offline') {
    throw reject(`Invalid access_type ${JSON.stringify(accessType)}: use online or offline`);
  }
  return accessType;
}

function readCodeChallenge(
  params: RequestParams,
  reject: Reject,
): { codeChallenge?: string; codeChallengeMethod?: CodeChallengeMethod } {
  const codeChallenge = optionalParam(params, 'code_challenge');
  const methodParam = optionalParam(params, 'code_challenge_method');
  if (codeChallenge === undefined) {
    if (methodParam !== undefined) {
      throw reject('code_challenge_method was sent without code_challenge');
    }
    return {};
  }

  // RFC 7636 section 4.3: the method defaults to plain.
  const codeChallengeMethod = parseCodeChallengeMethod(methodParam ?? 'plain');
  if (!codeChallengeMethod) {
    throw reject(`Unsupported code_challenge_method ${JSON.stringify(methodParam)}: use plain or S256`);
  }
  return { codeChallenge, codeChallengeMethod };
}

function withoutConsentFields(params: RequestParams): RequestParams {
  const carried: RequestParams = Object.create(null) as RequestParams;
  for (const [name, value] of Object.entries(params)) {
    if (value !== '' && !(CONSENT_FIELDS as readonly string[]).includes(name)) {
      carried[name] = value;
    }
  }
  return carried;
}
