import { NylasEmulator, type EmulatorClient, type NylasEmulatorOptions } from 'nylas-emulator';

export const APP: EmulatorClient = {
  clientId: 'app-client-id',
  apiKey: 'app-api-key',
  callbackUris: ['http://localhost:3000/auth/nylas/callback', 'http://localhost:3000/callback?tenant=acme'],
};

export const OTHER_APP: EmulatorClient = {
  clientId: 'other-client-id',
  apiKey: 'other-api-key',
  callbackUris: ['http://localhost:4000/callback'],
};

export const REDIRECT_URI = APP.callbackUris[0];

/** Starts an emulator with APP and OTHER_APP registered. */
export function startEmulator(options: NylasEmulatorOptions = {}): Promise<NylasEmulator> {
  return NylasEmulator.start({ clients: [APP, OTHER_APP], ...options });
}

/** Builds a /v3/connect/auth URL for APP; `params` adds to or overrides the required parameters. */
export function authUrl(emulator: NylasEmulator, params: Record<string, string> = {}): string {
  const query = new URLSearchParams({ client_id: APP.clientId, redirect_uri: REDIRECT_URI, response_type: 'code', ...params });
  return `${emulator.url}/v3/connect/auth?${query.toString()}`;
}

/** Approves an authorization URL for `email` and returns the code from the redirect. */
export async function obtainCode(
  emulator: NylasEmulator,
  params: Record<string, string> = {},
  user: { email: string; name?: string } = { email: 'user@example.com' },
): Promise<string> {
  const location = new URL(await emulator.approve(authUrl(emulator, params), user));
  const code = location.searchParams.get('code');
  if (!code) {
    throw new Error(`Approval redirected without a code: ${location.toString()}`);
  }
  return code;
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  // Tests read arbitrary fields of the JSON response body.
  body: any;
}

/** POSTs to the token endpoint, as a form body unless `json` is set. */
export async function postToken(
  emulator: NylasEmulator,
  params: Record<string, string>,
  options: { json?: boolean; headers?: Record<string, string> } = {},
): Promise<JsonResponse> {
  const body = options.json ? JSON.stringify(params) : new URLSearchParams(params).toString();
  const contentType = options.json ? 'application/json' : 'application/x-www-form-urlencoded';
  return requestJson(`${emulator.url}/v3/connect/token`, {
    method: 'POST',
    headers: { 'content-type': contentType, ...options.headers },
    body,
  });
}

/** Exchanges a fresh code for APP with its API key and returns the token response body. */
export async function connect(
  emulator: NylasEmulator,
  params: Record<string, string> = {},
  user: { email: string; name?: string } = { email: 'user@example.com' },
): Promise<any> {
  const code = await obtainCode(emulator, params, user);
  const response = await postToken(emulator, {
    grant_type: 'authorization_code',
    client_id: APP.clientId,
    client_secret: APP.apiKey,
    code,
    redirect_uri: REDIRECT_URI,
  });
  if (response.status !== 200) {
    throw new Error(`Code exchange failed with HTTP ${response.status}: ${JSON.stringify(response.body)}`);
  }
  return response.body;
}

export async function requestJson(url: string, init: RequestInit = {}): Promise<JsonResponse> {
  const response = await fetch(url, { redirect: 'manual', ...init });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text) };
}

export async function tokenInfo(emulator: NylasEmulator, param: 'access_token' | 'id_token', token: string): Promise<JsonResponse> {
  return requestJson(`${emulator.url}/v3/connect/tokeninfo?${param}=${encodeURIComponent(token)}`);
}

/** Reads a JSON response body, typed loosely because tests read arbitrary fields of it. */
export async function readJson(response: Response): Promise<any> {
  return response.json();
}
