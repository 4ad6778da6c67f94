import 'reflect-metadata';

import type { AddressInfo } from 'node:net';

import type { INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NylasEmulator } from 'nylas-emulator';
import request from 'supertest';

import { prepareDemoApp } from '../../src/app-setup.js';
import { createAppModule, type AppModuleOverrides } from '../../src/app.module.js';
import type { DemoConfig } from '../../src/config/demo-config.js';

export const CLIENT_ID = 'demo-test-client';
export const API_KEY = 'demo-test-api-key';

/**
 * The callback URI the test apps are configured with. Nothing listens there: tests GET the
 * callback's path and query from the app on its real port, as a browser behind a proxy would.
 */
export const CALLBACK_URI = 'http://localhost:3000/auth/nylas/callback';

export const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

/** The test application as registered at the emulator. */
export const EMULATOR_CLIENT = { clientId: CLIENT_ID, apiKey: API_KEY, callbackUris: [CALLBACK_URI] };

export interface DemoTestApp {
  app: INestApplication;
  /** `http://127.0.0.1:<port>` of the running app. */
  baseUrl: string;
  close(): Promise<void>;
}

/** Builds a config on in-memory SQLite that uses `emulator` as the Nylas API. */
export function emulatorBackedConfig(emulator: NylasEmulator): DemoConfig {
  return {
    host: '127.0.0.1',
    port: 0,
    databaseUrl: 'sqlite::memory:',
    session: { secret: 'test-session-secret-of-at-least-32-chars', secretGenerated: false, secureCookie: false },
    nylas: {
      mode: 'api',
      clientId: CLIENT_ID,
      apiKey: API_KEY,
      apiUri: emulator.url,
      callbackUri: CALLBACK_URI,
      jwksUri: emulator.jwksUri,
      idTokenIssuer: emulator.issuer,
    },
  };
}

/** Starts the demo app on 127.0.0.1 and a free port; `logger` receives what the app logs. */
export async function startDemoApp(config: DemoConfig, overrides: AppModuleOverrides = {}, logger: LoggerService | LogLevel[] = ['error']): Promise<DemoTestApp> {
  const app = await NestFactory.create(createAppModule(config, overrides), { logger });
  prepareDemoApp(app, config);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, baseUrl: `http://127.0.0.1:${port}`, close: () => app.close() };
}

/** Signs `username` in and returns the `Cookie` header value of the session. */
export async function signIn(baseUrl: string, username: string): Promise<string> {
  const response = await request(baseUrl).post('/login').send({ username }).expect(200);
  return sessionCookieOf(response);
}

/** Returns the `name=value` part of the session cookie set by a response. */
export function sessionCookieOf(response: request.Response): string {
  const cookies = ([] as string[]).concat(response.headers['set-cookie'] ?? []);
  const session = cookies.find((cookie) => cookie.startsWith('demo_session='));
  if (!session) throw new Error(`No session cookie in ${JSON.stringify(cookies)}`);
  return session.split(';')[0];
}

/** Starts a flow as the signed-in user and returns the Nylas authorization URL it redirects to. */
export async function startFlow(baseUrl: string, cookie: string, query: Record<string, string> = {}): Promise<string> {
  const response = await request(baseUrl).get('/auth/nylas').query(query).set('Cookie', cookie).redirects(0);
  if (response.status !== 302) {
    throw new Error(`Starting a flow answered ${response.status}: ${response.text}`);
  }
  return response.headers.location;
}

/** The path and query of a redirect to the callback URI, to GET from the app under test. */
export function callbackPath(redirectUrl: string): string {
  const url = new URL(redirectUrl);
  if (`${url.origin}${url.pathname}` !== CALLBACK_URI) {
    throw new Error(`Expected a redirect to ${CALLBACK_URI}, got ${url.origin}${url.pathname}`);
  }
  return `${url.pathname}${url.search}`;
}

/** Signs in, starts a flow and approves it at the emulator; returns the callback path to GET. */
export async function approvedCallback(
  baseUrl: string,
  emulator: NylasEmulator,
  username: string,
  email: string,
  query: Record<string, string> = { provider: 'google' },
): Promise<{ cookie: string; path: string; authUrl: string }> {
  const cookie = await signIn(baseUrl, username);
  const authUrl = await startFlow(baseUrl, cookie, query);
  const redirect = await emulator.approve(authUrl, { email, name: username });
  return { cookie, path: callbackPath(redirect), authUrl };
}

/** Runs a whole successful flow and returns the session cookie of `username`. */
export async function connectMailbox(baseUrl: string, emulator: NylasEmulator, username: string, email: string): Promise<string> {
  const { cookie, path } = await approvedCallback(baseUrl, emulator, username, email);
  await request(baseUrl).get(path).set('Accept', 'application/json').expect(200);
  return cookie;
}

/** GET /api/grants as the given session. */
export async function listGrants(baseUrl: string, cookie: string): Promise<Array<Record<string, unknown>>> {
  const response = await request(baseUrl).get('/api/grants').set('Cookie', cookie).expect(200);
  return response.body as Array<Record<string, unknown>>;
}
