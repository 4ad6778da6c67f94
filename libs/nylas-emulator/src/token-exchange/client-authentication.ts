import { secretsEqual, type ClientRegistry } from '../client-registry.js';
import { OAuthError } from '../errors.js';
import type { EmulatorClient } from '../options.js';
import type { RequestParams } from '../request-params.js';

/** The client of a token request, and whether it proved its secret. */
export interface AuthenticatedClient {
  client: EmulatorClient;
  /** False when no secret was sent, which is allowed for codes that PKCE protects. */
  secretVerified: boolean;
}

interface BasicCredentials {
  clientId: string;
  clientSecret: string;
}

/**
 * Identifies the client of a token request and checks its secret when one is sent. The secret is the
 * application's API key, taken from `client_secret` in the body, else from the Authorization header:
 * `Bearer <api key>` as the Nylas Node SDK sends it, or HTTP Basic as RFC 6749 section 2.3.1 defines.
 * Throws `invalid_client` (401, RFC 6749 section 5.2) for an unknown client or a wrong secret.
 */
export function authenticateClient(
  params: RequestParams,
  authorization: string | undefined,
  clients: ClientRegistry,
): AuthenticatedClient {
  const basic = parseBasicCredentials(authorization);
  const clientId = params.client_id || basic?.clientId;
  if (!clientId) {
    throw new OAuthError('invalid_request', 'Missing required parameter: client_id');
  }
  if (basic && basic.clientId !== clientId) {
    throw new OAuthError('invalid_request', 'client_id in the body differs from the client id in the Authorization header');
  }

  const client = clients.get(clientId);
  if (!client) {
    throw invalidClient(`Unknown client_id ${JSON.stringify(clientId)}`, authorization);
  }
  const secret = params.client_secret || basic?.clientSecret || bearerToken(authorization);
  if (!secret) {
    return { client, secretVerified: false };
  }
  if (!secretsEqual(client.apiKey, secret)) {
    throw invalidClient(`Client authentication failed: the client_secret is not the API key of client ${clientId}`, authorization);
  }
  return { client, secretVerified: true };
}

/** Builds `invalid_client`; RFC 6749 section 5.2 requires a WWW-Authenticate challenge when the client used the Authorization header. */
export function invalidClient(message: string, authorization: string | undefined): OAuthError {
  const headers: Record<string, string> = authorization ? { 'www-authenticate': 'Basic realm="nylas-emulator"' } : {};
  return new OAuthError('invalid_client', message, 401, headers);
}

function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1];
}

/** Decodes `Basic base64(form-encoded id ":" form-encoded secret)`; returns undefined for other schemes. */
function parseBasicCredentials(authorization: string | undefined): BasicCredentials | undefined {
  const match = /^Basic\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match) {
    return undefined;
  }
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  if (separator < 0) {
    throw new OAuthError('invalid_request', 'Basic credentials must be base64 of client_id:client_secret');
  }
  try {
    return {
      clientId: decodeFormComponent(decoded.slice(0, separator)),
      clientSecret: decodeFormComponent(decoded.slice(separator + 1)),
    };
  } catch {
    throw new OAuthError('invalid_request', 'Basic credentials have invalid percent-encoding');
  }
}

function decodeFormComponent(text: string): string {
  return decodeURIComponent(text.replaceAll('+', ' '));
}
