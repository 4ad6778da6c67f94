import 'reflect-metadata';

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NylasEmulator } from 'nylas-emulator';
import { chromium, type BrowserContext, type Request as BrowserRequest } from 'playwright-core';

import { prepareDemoApp } from '../../src/app-setup.js';
import { createAppModule } from '../../src/app.module.js';
import { API_KEY, CLIENT_ID, emulatorBackedConfig } from '../demo/demo-test-app.js';

/** The system Chromium the browser suites drive; `.ci/run` installs it when it is missing. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags that keep Chromium headless and off the network except for the pages a test opens. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Returns `describe`, or `describe.skip` with a warning when Chromium is missing and `CI` is
 * unset. In CI the suite always runs, so a missing browser fails it instead of hiding it.
 */
export function describeWithChromium(): jest.Describe {
  if (existsSync(CHROMIUM_PATH) || process.env.CI) return describe;
  console.warn(
    `Skipping the browser suites: ${CHROMIUM_PATH} is missing. Install it with "apt-get install -y chromium" to run them; ` +
      'with CI set they run, and fail without it.',
  );
  return describe.skip;
}

/** The demo app on a fixed loopback port, with an emulator whose callback URI names that port. */
export interface BrowserTestApp {
  /** `http://127.0.0.1:<port>`, the origin of the pages and of the callback. */
  baseUrl: string;
  emulator: NylasEmulator;
  app: INestApplication;
  close(): Promise<void>;
}

/**
 * Starts an emulator and the demo. The browser follows real redirects, so the callback URI must
 * point at the port the demo listens on: a free port is found first and used for both.
 */
export async function startBrowserTestApp(): Promise<BrowserTestApp> {
  const port = await findFreePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const callbackUri = `${baseUrl}/auth/nylas/callback`;

  const emulator = await NylasEmulator.start({ host: '127.0.0.1', clients: [{ clientId: CLIENT_ID, apiKey: API_KEY, callbackUris: [callbackUri] }] });
  const base = emulatorBackedConfig(emulator);
  const config = { ...base, port, nylas: { ...base.nylas, callbackUri } };

  const app = await NestFactory.create(createAppModule(config), { logger: ['error'] });
  prepareDemoApp(app, config);
  await app.listen(port, '127.0.0.1');

  return {
    baseUrl,
    emulator,
    app,
    close: async () => {
      await app.close();
      await emulator.close();
    },
  };
}

/** A headless Chromium with a new empty profile, and the requests it tried to send off this machine. */
export interface TestBrowser {
  context: BrowserContext;
  /** URLs of requests aborted because they went to a host other than 127.0.0.1. */
  blockedRequests: string[];
  close(): Promise<void>;
}

/**
 * Launches Chromium on a new empty `--user-data-dir` (Playwright sets the flag for a persistent
 * context). Every request of its pages to a host other than 127.0.0.1 is aborted and recorded.
 */
export async function launchBrowser(): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is missing at ${CHROMIUM_PATH}; install it with "apt-get update && apt-get install -y chromium" (.ci/run does).`);
  }
  const profileDir = mkdtempSync(join(tmpdir(), 'nylas-connect-browser-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1100, height: 720 },
  });

  const blockedRequests: string[] = [];
  await context.route('**/*', (route, request: BrowserRequest) => {
    if (new URL(request.url()).hostname === '127.0.0.1') return route.continue();
    blockedRequests.push(request.url());
    return route.abort('blockedbyclient');
  });

  return {
    context,
    blockedRequests,
    close: async () => {
      await context.close();
      rmSync(profileDir, { recursive: true, force: true });
    },
  };
}

/** Returns a port that was free on 127.0.0.1 a moment ago. */
function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
