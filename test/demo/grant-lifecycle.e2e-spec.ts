import { randomBytes } from 'node:crypto';

import { NylasEmulator } from 'nylas-emulator';
import request from 'supertest';

import { WEBHOOK_PATH } from '../../src/app.module.js';
import type { DemoConfig } from '../../src/config/demo-config.js';
import { connectMailbox, emulatorBackedConfig, EMULATOR_CLIENT, listGrants, startDemoApp, type DemoTestApp } from './demo-test-app.js';

const WEBHOOK_SECRET = 'demo-test-webhook-secret';

/** Builds a demo config with stored tokens (so disconnect can revoke them) and the webhook route. */
function lifecycleConfig(emulator: NylasEmulator): DemoConfig {
  return {
    ...emulatorBackedConfig(emulator),
    tokenEncryption: { currentKeyId: 'k1', keys: { k1: randomBytes(32).toString('base64') } },
    webhookSecret: WEBHOOK_SECRET,
  };
}

describe('demo grant lifecycle', () => {
  let emulator: NylasEmulator;
  let demo: DemoTestApp;

  beforeAll(async () => {
    emulator = await NylasEmulator.start({ clients: [EMULATOR_CLIENT], webhookRetryDelaysMs: [10, 10] });
    demo = await startDemoApp(lifecycleConfig(emulator));
    await emulator.addWebhook({ url: `${demo.baseUrl}${WEBHOOK_PATH}`, secret: WEBHOOK_SECRET });
  });

  afterAll(async () => {
    await demo?.close();
    await emulator?.close();
  });

  it('disconnect revokes the token at Nylas and removes the grant', async () => {
    const cookie = await connectMailbox(demo.baseUrl, emulator, 'dana', 'dana@example.com');
    const [grant] = await listGrants(demo.baseUrl, cookie);

    await request(demo.baseUrl).delete(`/api/grants/${grant.grantId}`).set('Cookie', cookie).expect(204);

    expect(emulator.stats().requests.revoke).toBeGreaterThanOrEqual(1);
    expect(await listGrants(demo.baseUrl, cookie)).toEqual([]);
    await request(demo.baseUrl).delete(`/api/grants/${grant.grantId}`).set('Cookie', cookie).expect(404);
  });

  it('a grant.expired webhook from the emulator marks the grant invalid', async () => {
    const cookie = await connectMailbox(demo.baseUrl, emulator, 'erin', 'erin@example.com');
    const [grant] = await listGrants(demo.baseUrl, cookie);

    emulator.expireGrant(grant.grantId as string);
    await emulator.flushWebhooks();

    expect(await listGrants(demo.baseUrl, cookie)).toEqual([expect.objectContaining({ grantId: grant.grantId, status: 'invalid' })]);
    const deliveries = emulator.webhookDeliveries().filter((delivery) => delivery.type === 'grant.expired');
    expect(deliveries.every((delivery) => delivery.statusCode === 200)).toBe(true);
  });

  it('a grant.deleted webhook removes the link', async () => {
    const cookie = await connectMailbox(demo.baseUrl, emulator, 'fay', 'fay@example.com');
    const [grant] = await listGrants(demo.baseUrl, cookie);

    await fetch(`${emulator.url}/v3/grants/${grant.grantId}`, { method: 'DELETE', headers: { authorization: `Bearer ${EMULATOR_CLIENT.apiKey}` } });
    await emulator.flushWebhooks();

    expect(await listGrants(demo.baseUrl, cookie)).toEqual([]);
  });

  it('a redelivered event is applied once', async () => {
    const cookie = await connectMailbox(demo.baseUrl, emulator, 'gus', 'gus@example.com');
    const [grant] = await listGrants(demo.baseUrl, cookie);
    const eventId = emulator.sendWebhookEvent('grant.expired', grant.grantId as string);
    await emulator.flushWebhooks();

    // Re-authentication makes the grant valid again; a late copy of the old expiry must not undo it.
    await connectMailbox(demo.baseUrl, emulator, 'gus', 'gus@example.com');
    await emulator.flushWebhooks();
    expect((await listGrants(demo.baseUrl, cookie))[0].status).toBe('valid');

    emulator.redeliver(eventId);
    await emulator.flushWebhooks();
    expect((await listGrants(demo.baseUrl, cookie))[0].status).toBe('valid');
  });
});
