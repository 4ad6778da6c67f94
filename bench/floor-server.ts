import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { ServerOptions } from './server-messages.js';

/** Time limit of the token request, the library's default `requestTimeoutMs`. */
const TOKEN_TIMEOUT_MS = 10_000;

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/** Outcome of a floor callback. */
export type FloorCallbackOutcome = 'exchanged' | 'unknown-state' | 'exchange-failed';

/**
 * The work of a floor server for one flow, whatever serves its HTTP requests. A start keeps a
 * PKCE verifier in memory under a new state and returns the emulator's authorization URL. A
 * callback looks the verifier up and exchanges the code with the same `fetch` request the library
 * sends. There is no database, session or ID token check.
 */
export class FloorFlows {
  private readonly verifiers = new Map<string, string>();

  constructor(private readonly options: ServerOptions) {}

  /** Starts a flow and returns the authorization URL to redirect to. */
  start(): string {
    const state = randomBytes(32).toString('base64url');
    const verifier = randomBytes(32).toString('base64url');
    this.verifiers.set(state, verifier);
    return buildAuthUrl(this.options, state, verifier);
  }

  /** Finishes the flow of `state` by exchanging `code`. */
  async finish(state: string, code: string): Promise<FloorCallbackOutcome> {
    const verifier = this.verifiers.get(state);
    this.verifiers.delete(state);
    if (verifier === undefined || code === '') return 'unknown-state';
    return (await exchangeCode(this.options, code, verifier)) ? 'exchanged' : 'exchange-failed';
  }
}

/**
 * Starts the floor: a bare `node:http` server that does only what no callback handler can skip,
 * with `FloorFlows`. `GET /auth/nylas` redirects to the emulator, and `GET /auth/nylas/callback`
 * exchanges the code and redirects to `/`. No framework is involved.
 */
export async function startFloorServer(options: ServerOptions): Promise<RunningServer> {
  const flows = new FloorFlows(options);

  const server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => respond(response, 500, String(error)));
  });

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://floor.invalid');
    if (url.pathname === '/auth/nylas') {
      redirect(response, flows.start());
      return;
    }
    if (url.pathname === '/auth/nylas/callback') {
      const outcome = await flows.finish(url.searchParams.get('state') ?? '', url.searchParams.get('code') ?? '');
      if (outcome === 'exchanged') redirect(response, '/');
      else respond(response, outcome === 'unknown-state' ? 400 : 502, outcome);
      return;
    }
    respond(response, 404, 'not found');
  };

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Sends the same JSON POST to `/v3/connect/token` as the library's `NylasTokenClient.exchangeCode`. */
async function exchangeCode(options: ServerOptions, code: string, codeVerifier: string): Promise<boolean> {
  const response = await fetch(`${options.emulatorUrl}/v3/connect/token`, {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify({
      client_id: options.clientId,
      client_secret: options.apiKey,
      grant_type: 'authorization_code',
      code,
      redirect_uri: options.callbackUri,
      code_verifier: codeVerifier,
    }),
    redirect: 'manual',
    signal: AbortSignal.timeout(TOKEN_TIMEOUT_MS),
  });
  const body = JSON.parse(await response.text()) as { access_token?: unknown };
  return response.status === 200 && typeof body.access_token === 'string';
}

/** Builds the authorization URL with the parameters the library sends, and the Nylas form of the S256 challenge. */
function buildAuthUrl(options: ServerOptions, state: string, verifier: string): string {
  const hexDigest = createHash('sha256').update(verifier).digest('hex');
  const challenge = Buffer.from(hexDigest).toString('base64').replace(/=+$/, '');
  const url = new URL(`${options.emulatorUrl}/v3/connect/auth`);
  url.searchParams.set('client_id', options.clientId);
  url.searchParams.set('redirect_uri', options.callbackUri);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('access_type', 'online');
  url.searchParams.set('state', state);
  url.searchParams.set('code_challenge', challenge);
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('provider', 'google');
  return url.toString();
}

function redirect(response: ServerResponse, location: string): void {
  response.writeHead(302, { location, 'content-length': '0' });
  response.end();
}

function respond(response: ServerResponse, status: number, message: string): void {
  if (response.headersSent) return;
  response.writeHead(status, { 'content-type': 'text/plain' });
  response.end(message);
}
