import { performance } from 'node:perf_hooks';

import { approveAtEmulator } from './consent.js';
import { HttpClient } from './http-client.js';

/** Path of the callback route on both servers; the host part of the registered callback URI is never contacted. */
export const CALLBACK_PATH = '/auth/nylas/callback';

/** Path of the start route on both servers. */
const START_PATH = '/auth/nylas?provider=google';

/** Redirect target of both servers after a successful callback. */
const SUCCESS_LOCATION = '/';

/** Error messages kept per run for the report; the rest are only counted. */
const MAX_ERROR_SAMPLES = 5;

/** Counter that gives every approved flow a mailbox of its own, so each callback links a new grant. */
let mailboxCount = 0;

/** The server under test and the emulator it exchanges codes at. */
export interface FlowTarget {
  appUrl: string;
  emulatorUrl: string;
  /** True for the demo app, whose start route needs a signed-in session cookie. */
  signsIn: boolean;
}

/** Open connections of one run: a keep-alive client per origin, shared by the virtual users. */
export interface FlowConnections {
  app: HttpClient;
  emulator: HttpClient;
  signsIn: boolean;
}

export interface DriveOptions {
  concurrency: number;
  /** Flows to run; the run also stops at `maxDurationMs`, whichever comes first. */
  flows: number;
  maxDurationMs: number;
}

export interface DriveResult {
  /** Flows that ended with the expected redirect after the callback. */
  completed: number;
  errors: number;
  errorSamples: string[];
  /** Latency of each successful callback request, in milliseconds, in completion order. */
  callbackLatenciesMs: number[];
  /** Wall time from the first flow's start to the last flow's end, in milliseconds. */
  durationMs: number;
}

/** Opens keep-alive clients for a run with `concurrency` virtual users. */
export function openConnections(target: FlowTarget, concurrency: number): FlowConnections {
  return {
    app: new HttpClient(target.appUrl, concurrency),
    emulator: new HttpClient(target.emulatorUrl, concurrency),
    signsIn: target.signsIn,
  };
}

export function closeConnections(connections: FlowConnections): void {
  connections.app.close();
  connections.emulator.close();
}

/**
 * One browser: signs in once and keeps its session cookie, then runs flows one after another.
 * Each flow starts at the server, approves at the emulator's consent page, and GETs the
 * callback; only the callback request is timed.
 */
export class VirtualUser {
  private cookie = '';

  constructor(
    private readonly connections: FlowConnections,
    readonly username: string,
  ) {}

  async signIn(): Promise<void> {
    if (!this.connections.signsIn) return;
    const response = await this.connections.app.send('POST', '/login', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: this.username }),
    });
    const session = ([] as string[]).concat(response.headers['set-cookie'] ?? []).find((cookie) => cookie.startsWith('demo_session='));
    if (response.status !== 200 || session === undefined) {
      throw new Error(`Sign-in of ${this.username} responded with HTTP ${response.status} and no session cookie`);
    }
    this.cookie = session.split(';')[0];
  }

  /** GETs the start route and returns the authorization URL it redirects to. */
  async startFlow(): Promise<string> {
    const response = await this.connections.app.send('GET', START_PATH, { headers: this.browserHeaders() });
    const location = response.headers.location;
    if (response.status !== 302 || location === undefined) {
      throw new Error(`The start route responded with HTTP ${response.status}: ${response.body.slice(0, 200)}`);
    }
    return location;
  }

  /** Approves at the emulator with a new mailbox and returns the callback's path and query. */
  async approve(authUrl: string): Promise<string> {
    mailboxCount += 1;
    const redirect = await approveAtEmulator(this.connections.emulator, authUrl, {
      email: `mailbox-${mailboxCount}@bench.example`,
      name: 'Bench User',
    });
    const url = new URL(redirect);
    if (url.pathname !== CALLBACK_PATH || !url.searchParams.has('code')) {
      throw new Error(`The emulator redirected to ${url.pathname} without a code: ${url.search.slice(0, 200)}`);
    }
    return `${url.pathname}${url.search}`;
  }

  /** GETs the callback and returns its latency in milliseconds; throws unless it redirects to the success page. */
  async finishCallback(callbackPath: string): Promise<number> {
    const startedAt = performance.now();
    const response = await this.connections.app.send('GET', callbackPath, { headers: this.browserHeaders() });
    const latencyMs = performance.now() - startedAt;

    if (response.status !== 302 || response.headers.location !== SUCCESS_LOCATION) {
      throw new Error(`The callback responded with HTTP ${response.status}, location ${response.headers.location}: ${response.body.slice(0, 200)}`);
    }
    return latencyMs;
  }

  /** Runs one whole flow and returns the callback latency in milliseconds. */
  async runFlow(): Promise<number> {
    const authUrl = await this.startFlow();
    const callbackPath = await this.approve(authUrl);
    return this.finishCallback(callbackPath);
  }

  private browserHeaders(): Record<string, string> {
    const headers: Record<string, string> = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };
    if (this.cookie !== '') headers.cookie = this.cookie;
    return headers;
  }
}

/**
 * Runs flows with `concurrency` virtual users in a closed loop: each user starts its next flow
 * when the last one ends. Sign-in happens before the clock starts. Stops after `flows` flows or
 * `maxDurationMs`, whichever comes first; a failed flow is counted and the user goes on.
 */
export async function driveFlows(connections: FlowConnections, options: DriveOptions, usernamePrefix: string): Promise<DriveResult> {
  const users = Array.from({ length: options.concurrency }, (_, index) => new VirtualUser(connections, `${usernamePrefix}-${index}`));
  await Promise.all(users.map((user) => user.signIn()));

  const result: DriveResult = { completed: 0, errors: 0, errorSamples: [], callbackLatenciesMs: [], durationMs: 0 };
  let started = 0;
  const startedAt = performance.now();
  const deadline = startedAt + options.maxDurationMs;

  const runUser = async (user: VirtualUser): Promise<void> => {
    while (started < options.flows && performance.now() < deadline) {
      started += 1;
      try {
        result.callbackLatenciesMs.push(await user.runFlow());
        result.completed += 1;
      } catch (error) {
        result.errors += 1;
        if (result.errorSamples.length < MAX_ERROR_SAMPLES) result.errorSamples.push(String(error));
      }
    }
  };
  await Promise.all(users.map(runUser));

  result.durationMs = performance.now() - startedAt;
  return result;
}
