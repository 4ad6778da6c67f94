import { createHmac } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { NylasEmulator, signWebhookBody, type NylasEmulatorOptions } from 'nylas-emulator';
import { APP, connect, requestJson, startEmulator } from './emulator-test-helpers.js';
import { hasValidSignature, WebhookReceiver } from './webhook-receiver.js';

/** The signature vector for Nylas webhooks: this body keyed with this secret gives this lowercase hex HMAC-SHA256. */
const VECTOR_SECRET = 'test-webhook-secret';
const VECTOR_BODY =
  '{"specversion":"1.0","type":"grant.created","source":"/nylas/system","id":"evt_1","time":1723821985,"webhook_delivery_attempt":1,"data":{"application_id":"app_1","object":{"code":25012,"grant_id":"grant_1","integration_id":"int_1","login_id":"login_1","provider":"google","email":"user@example.com"}}}';
const VECTOR_SIGNATURE = '83715d1e46e573d4909271611871cd7b411f9377a1f217613d8a4fac532a92c7';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let emulator: NylasEmulator;
let receiver: WebhookReceiver;

/** Starts an emulator with millisecond retries and a receiver; afterEach closes both. */
async function setUp(options: NylasEmulatorOptions = {}): Promise<void> {
  emulator = await startEmulator({ webhookRetryDelaysMs: [5, 5, 5], ...options });
  receiver = await WebhookReceiver.start();
}

afterEach(async () => {
  await emulator?.close();
  await receiver?.close();
});

function grantRequest(grantId: string, method = 'GET') {
  return requestJson(`${emulator.url}/v3/grants/${grantId}`, { method, headers: { authorization: `Bearer ${APP.apiKey}` } });
}

function controlRequest(path: string, method: string, body?: unknown) {
  return requestJson(`${emulator.url}/__emulator/${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

describe('signature', () => {
  test('matches the reference vector', () => {
    expect(signWebhookBody(VECTOR_SECRET, VECTOR_BODY)).toBe(VECTOR_SIGNATURE);
    expect(signWebhookBody(VECTOR_SECRET, Buffer.from(VECTOR_BODY, 'utf8'))).toBe(VECTOR_SIGNATURE);
    expect(createHmac('sha256', VECTOR_SECRET).update(VECTOR_BODY).digest('hex')).toBe(VECTOR_SIGNATURE);
  });

  test('covers the raw body of a delivery', async () => {
    await setUp();
    const webhook = await emulator.addWebhook({ url: receiver.url, secret: 'receiver-secret' });
    await connect(emulator);
    await emulator.flushWebhooks();

    const [delivery] = receiver.deliveries;
    expect(delivery.headers['content-type']).toBe('application/json');
    expect(delivery.headers['x-nylas-signature']).toMatch(/^[0-9a-f]{64}$/);
    expect(delivery.headers['x-nylas-signature']).toBe(signWebhookBody(webhook.secret, delivery.rawBody));
    expect(hasValidSignature(delivery, 'receiver-secret')).toBe(true);
    expect(hasValidSignature(delivery, 'another-secret')).toBe(false);
  });

  test('breaks when one body byte changes', async () => {
    await setUp();
    await emulator.addWebhook({ url: receiver.url, secret: 'receiver-secret' });
    await connect(emulator);
    await emulator.flushWebhooks();

    const [delivery] = receiver.deliveries;
    const tampered = Buffer.from(delivery.rawBody);
    tampered[tampered.length - 2] ^= 1;
    expect(hasValidSignature({ ...delivery, rawBody: tampered }, 'receiver-secret')).toBe(false);
  });
});

describe('registration', () => {
  test('runs the challenge handshake and fills in defaults', async () => {
    await setUp();
    const webhook = await emulator.addWebhook({ url: receiver.url });

    expect(receiver.challenges).toHaveLength(1);
    expect(receiver.challenges[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(webhook).toEqual({
      id: expect.stringMatching(UUID),
      url: receiver.url,
      secret: expect.stringMatching(/^[0-9a-f]{64}$/),
      triggers: ['grant.created', 'grant.updated', 'grant.deleted', 'grant.expired'],
      compressed: false,
    });
  });

  test('each webhook gets its own random secret', async () => {
    await setUp();
    const first = await emulator.addWebhook({ url: receiver.url });
    const second = await emulator.addWebhook({ url: receiver.url });
    expect(first.secret).not.toBe(second.secret);
    expect(first.id).not.toBe(second.id);
  });

  test('wrong challenge value fails registration', async () => {
    await setUp();
    receiver.challengeMode = 'wrong-value';

    await expect(emulator.addWebhook({ url: receiver.url })).rejects.toThrow(/Webhook challenge to .* failed: the body is not the challenge value/);
    await connect(emulator);
    await emulator.flushWebhooks();
    expect(receiver.deliveries).toHaveLength(0);
  });

  test('non-200 challenge response fails registration', async () => {
    await setUp();
    receiver.challengeMode = 'not-found';
    await expect(emulator.addWebhook({ url: receiver.url })).rejects.toThrow('it responded HTTP 404');
  });

  test('silent endpoint times out the handshake', async () => {
    await setUp({ webhookTimeoutMs: 200 });
    receiver.challengeMode = 'silent';
    await expect(emulator.addWebhook({ url: receiver.url })).rejects.toThrow('No response within 200 ms');
  });

  test('closed port fails the handshake', async () => {
    await setUp();
    const url = receiver.url;
    await receiver.close();
    await expect(emulator.addWebhook({ url })).rejects.toThrow(/Webhook challenge to .* failed: connect ECONNREFUSED/);
  });

  test.each([
    ['another host', 'http://example.com/webhook'],
    ['a private address', 'http://10.0.0.1/webhook'],
    ['a name under localhost', 'http://localhost.example.com/webhook'],
    ['https', 'https://127.0.0.1/webhook'],
  ])('rejects %s', async (_case, url) => {
    await setUp();
    await expect(emulator.addWebhook({ url })).rejects.toThrow(TypeError);
    await expect(emulator.addWebhook({ url })).rejects.toThrow(/loopback|must use http/);
  });

  test('accepts localhost', async () => {
    await setUp();
    const url = receiver.url.replace('127.0.0.1', 'localhost');
    const webhook = await emulator.addWebhook({ url });
    expect(webhook.url).toBe(url);
  });

  test('rejects unknown triggers and invalid fields', async () => {
    await setUp();
    await expect(emulator.addWebhook({ url: receiver.url, triggers: ['message.created' as never] })).rejects.toThrow('Unknown webhook trigger "message.created"');
    await expect(emulator.addWebhook({ url: receiver.url, triggers: [] })).rejects.toThrow('non-empty array');
    await expect(emulator.addWebhook({ url: receiver.url, secret: '' })).rejects.toThrow('secret must be a non-empty string');
    await expect(emulator.addWebhook({ url: receiver.url, compressed: 'yes' as never })).rejects.toThrow('compressed must be true or false');
    expect(receiver.challenges).toHaveLength(0);
  });

  test('control API registers and removes a webhook', async () => {
    await setUp();
    const created = await controlRequest('webhooks', 'POST', { url: receiver.url, secret: 's3cret', triggers: ['grant.deleted'] });

    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.stringMatching(UUID), url: receiver.url, secret: 's3cret', triggers: ['grant.deleted'], compressed: false });
    expect((await controlRequest(`webhooks/${created.body.id}`, 'DELETE')).status).toBe(204);
    expect((await controlRequest(`webhooks/${created.body.id}`, 'DELETE')).status).toBe(404);
  });

  test('control API rejects failed handshake and remote host', async () => {
    await setUp();
    receiver.challengeMode = 'wrong-value';
    const failedChallenge = await controlRequest('webhooks', 'POST', { url: receiver.url });
    const remote = await controlRequest('webhooks', 'POST', { url: 'http://example.com/webhook' });

    expect(failedChallenge.status).toBe(400);
    expect(failedChallenge.body.error.message).toContain('not the challenge value');
    expect(remote.status).toBe(400);
    expect(remote.body.error.message).toContain('not on a loopback host');
  });

  test('invalid webhook timing options are rejected at start', async () => {
    await expect(NylasEmulator.start({ webhookRetryDelaysMs: [-1] })).rejects.toThrow('webhookRetryDelaysMs must be an array of integers');
    await expect(NylasEmulator.start({ webhookTimeoutMs: 0 })).rejects.toThrow('webhookTimeoutMs must be an integer');
  });
});

describe('grant events from real flows', () => {
  test('consent for a new mailbox sends grant.created', async () => {
    await setUp();
    await emulator.addWebhook({ url: receiver.url });
    const tokens = await connect(emulator, { provider: 'google' }, { email: 'ada@example.com' });
    await emulator.flushWebhooks();

    expect(receiver.deliveries).toHaveLength(1);
    const envelope = receiver.envelope(0);
    expect(envelope).toEqual({
      specversion: '1.0',
      type: 'grant.created',
      source: '/nylas/system',
      id: expect.stringMatching(UUID),
      time: expect.any(Number),
      webhook_delivery_attempt: 1,
      data: {
        application_id: APP.clientId,
        object: {
          code: 25012,
          grant_id: tokens.grant_id,
          integration_id: expect.stringMatching(UUID),
          login_id: expect.stringMatching(UUID),
          provider: 'google',
          email: 'ada@example.com',
        },
      },
    });
    expect(Math.abs(envelope.time - Date.now() / 1000)).toBeLessThan(5);
    expect(Object.keys(envelope)).toEqual(['specversion', 'type', 'source', 'id', 'time', 'webhook_delivery_attempt', 'data']);
  });

  test('same mailbox again sends grant.updated with reauthentication_flag', async () => {
    await setUp();
    await emulator.addWebhook({ url: receiver.url });
    const first = await connect(emulator, {}, { email: 'ada@example.com' });
    const second = await connect(emulator, {}, { email: 'ADA@example.com' });
    await emulator.flushWebhooks();

    expect(second.grant_id).toBe(first.grant_id);
    const [created, updated] = receiver.envelopes();
    expect(updated.type).toBe('grant.updated');
    expect(updated.id).not.toBe(created.id);
    expect(updated.data.object).toEqual({
      code: 25027,
      grant_id: first.grant_id,
      integration_id: created.data.object.integration_id,
      provider: 'google',
      email: 'ada@example.com',
      reauthentication_flag: true,
    });
  });

  test('DELETE /v3/grants/{id} sends grant.deleted', async () => {
    await setUp();
    await emulator.addWebhook({ url: receiver.url });
    const tokens = await connect(emulator);
    expect((await grantRequest(tokens.grant_id, 'DELETE')).status).toBe(200);
    await emulator.flushWebhooks();

    const deleted = receiver.envelopes()[1];
    expect(deleted.type).toBe('grant.deleted');
    expect(deleted.data.object).toEqual({
      code: 25013,
      grant_id: tokens.grant_id,
      integration_id: expect.stringMatching(UUID),
      provider: 'google',
      email: 'user@example.com',
    });
  });

  test('expireGrant sends grant.expired with grant_updated_at', async () => {
    await setUp();
    await emulator.addWebhook({ url: receiver.url });
    const tokens = await connect(emulator);
    const before = (await grantRequest(tokens.grant_id)).body.data;

    expect(emulator.expireGrant(tokens.grant_id)).toBe(true);
    await emulator.flushWebhooks();

    const expired = receiver.envelopes()[1];
    expect(expired.type).toBe('grant.expired');
    expect(expired.data.object).toEqual({
      code: 25009,
      grant_id: tokens.grant_id,
      integration_id: expect.stringMatching(UUID),
      provider: 'google',
      email: 'user@example.com',
      grant_updated_at: before.updated_at,
    });
    expect((await grantRequest(tokens.grant_id)).body.data.grant_status).toBe('invalid');
  });

  test('an expired grant does not expire twice', async () => {
    await setUp();
    await emulator.addWebhook({ url: receiver.url });
    const tokens = await connect(emulator);

    expect(emulator.invalidateGrant(tokens.grant_id)).toBe(true);
    expect(emulator.expireGrant(tokens.grant_id)).toBe(true);
    expect(emulator.expireGrant('unknown-grant')).toBe(false);
    await emulator.flushWebhooks();

    expect(receiver.envelopes().map((envelope) => envelope.type)).toEqual(['grant.created', 'grant.expired']);
  });

  test('control API invalidation sends grant.expired', async () => {
    await setUp();
    await emulator.addWebhook({ url: receiver.url });
    const tokens = await connect(emulator);
    expect((await controlRequest(`grants/${tokens.grant_id}/invalidate`, 'POST')).status).toBe(204);
    await emulator.flushWebhooks();

    expect(receiver.envelopes()[1].type).toBe('grant.expired');
  });

  test('reconnecting an expired grant sends grant.updated', async () => {
    await setUp();
    await emulator.addWebhook({ url: receiver.url });
    const tokens = await connect(emulator);
    emulator.expireGrant(tokens.grant_id);
    await connect(emulator);
    await emulator.flushWebhooks();

    const types = receiver.envelopes().map((envelope) => `${envelope.type} ${envelope.data.object.code}`);
    expect(types).toEqual(['grant.created 25012', 'grant.expired 25009', 'grant.updated 25027']);
  });

  test('grants of every application reach the webhook', async () => {
    await setUp();
    await emulator.addWebhook({ url: receiver.url });
    const client = { clientId: 'third-client', apiKey: 'third-key', callbackUris: ['http://localhost:5000/cb'] };
    emulator.addClient(client);
    await connect(emulator);
    const url = `${emulator.url}/v3/connect/auth?client_id=third-client&redirect_uri=${encodeURIComponent('http://localhost:5000/cb')}&response_type=code`;
    await emulator.approve(url, { email: 'user@example.com' });
    await emulator.flushWebhooks();

    expect(receiver.envelopes().map((envelope) => envelope.data.application_id)).toEqual([APP.clientId, 'third-client']);
  });

  test('delivery does not hold up the consent redirect', async () => {
    await setUp();
    await emulator.addWebhook({ url: receiver.url });
    receiver.failNext('hang');

    const location = await emulator.approve(
      `${emulator.url}/v3/connect/auth?client_id=${APP.clientId}&redirect_uri=${encodeURIComponent(APP.callbackUris[0])}&response_type=code`,
      { email: 'user@example.com' },
    );
    expect(location).toContain('code=');
    await receiver.waitForDeliveries(1);
    expect(emulator.webhookDeliveries()).toHaveLength(0);
  });
});

describe('compressed delivery', () => {
  test('gzips the body and signs the gzipped bytes', async () => {
    await setUp();
    await emulator.addWebhook({ url: receiver.url, secret: 'gzip-secret', compressed: true });
    const tokens = await connect(emulator);
    await emulator.flushWebhooks();

    const [delivery] = receiver.deliveries;
    expect(delivery.headers['content-encoding']).toBe('gzip');
    expect(delivery.headers['content-type']).toBe('application/json');
    expect(delivery.rawBody.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(hasValidSignature(delivery, 'gzip-secret')).toBe(true);

    const json = gunzipSync(delivery.rawBody).toString('utf8');
    expect(delivery.headers['x-nylas-signature']).not.toBe(signWebhookBody('gzip-secret', json));
    expect(JSON.parse(json).data.object.grant_id).toBe(tokens.grant_id);
  });
});

describe('retries', () => {
  test('500 response is retried with the same event id', async () => {
    await setUp();
    const webhook = await emulator.addWebhook({ url: receiver.url });
    receiver.failNext('status-500', 'status-500');
    await connect(emulator);
    await emulator.flushWebhooks();

    const envelopes = receiver.envelopes();
    expect(envelopes.map((envelope) => envelope.webhook_delivery_attempt)).toEqual([1, 2, 3]);
    expect(new Set(envelopes.map((envelope) => envelope.id)).size).toBe(1);
    for (const delivery of receiver.deliveries) {
      expect(hasValidSignature(delivery, webhook.secret)).toBe(true);
    }
    expect(emulator.webhookDeliveries()).toEqual([
      { eventId: envelopes[0].id, type: 'grant.created', webhookId: webhook.id, attempt: 1, delivered: false, statusCode: 500, sentAt: expect.any(Number) },
      { eventId: envelopes[0].id, type: 'grant.created', webhookId: webhook.id, attempt: 2, delivered: false, statusCode: 500, sentAt: expect.any(Number) },
      { eventId: envelopes[0].id, type: 'grant.created', webhookId: webhook.id, attempt: 3, delivered: true, statusCode: 200, sentAt: expect.any(Number) },
    ]);
    expect(emulator.stats().webhooks).toEqual({ delivered: 1, failed: 2, retried: 2 });
  });

  test('dropped connection is retried', async () => {
    await setUp();
    await emulator.addWebhook({ url: receiver.url });
    receiver.failNext('drop-connection');
    await connect(emulator);
    await emulator.flushWebhooks();

    const envelopes = receiver.envelopes();
    expect(envelopes.map((envelope) => envelope.webhook_delivery_attempt)).toEqual([1, 2]);
    expect(envelopes[1].id).toBe(envelopes[0].id);
    const [failed, delivered] = emulator.webhookDeliveries();
    expect(failed.delivered).toBe(false);
    expect(failed.statusCode).toBeUndefined();
    expect(failed.error).toEqual(expect.any(String));
    expect(delivered).toMatchObject({ attempt: 2, delivered: true, statusCode: 200 });
  });

  test('timeout is retried', async () => {
    await setUp({ webhookTimeoutMs: 300 });
    await emulator.addWebhook({ url: receiver.url });
    receiver.failNext('hang');
    await connect(emulator);
    await emulator.flushWebhooks();

    const [timedOut, delivered] = emulator.webhookDeliveries();
    expect(timedOut).toMatchObject({ attempt: 1, delivered: false, error: 'No response within 300 ms' });
    expect(delivered).toMatchObject({ attempt: 2, delivered: true });
  });

  test('gives up after the last retry delay', async () => {
    await setUp({ webhookRetryDelaysMs: [5, 5] });
    await emulator.addWebhook({ url: receiver.url });
    receiver.failNext('status-500', 'status-500', 'status-500', 'status-500');
    await connect(emulator);
    await emulator.flushWebhooks();

    expect(receiver.deliveries).toHaveLength(3);
    expect(emulator.webhookDeliveries().every((delivery) => !delivery.delivered)).toBe(true);
    expect(emulator.stats().webhooks).toEqual({ delivered: 0, failed: 3, retried: 2 });
  });

  test('removing the webhook stops its retries', async () => {
    await setUp({ webhookRetryDelaysMs: [200, 200] });
    const webhook = await emulator.addWebhook({ url: receiver.url });
    receiver.failNext('status-500', 'status-500', 'status-500');
    await connect(emulator);
    await receiver.waitForDeliveries(1);

    expect(emulator.removeWebhook(webhook.id)).toBe(true);
    expect(emulator.removeWebhook(webhook.id)).toBe(false);
    await emulator.flushWebhooks();
    expect(receiver.deliveries).toHaveLength(1);
  });

  test('close() with a pending retry returns at once', async () => {
    await setUp({ webhookRetryDelaysMs: [60_000] });
    await emulator.addWebhook({ url: receiver.url });
    receiver.failNext('status-500');
    await connect(emulator);
    await receiver.waitForDeliveries(1);
    while (emulator.webhookDeliveries().length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }

    const startedAt = Date.now();
    await emulator.close();
    await emulator.flushWebhooks();
    expect(Date.now() - startedAt).toBeLessThan(1000);
    expect(receiver.deliveries).toHaveLength(1);
  });

  test('close() ends an attempt in progress', async () => {
    await setUp();
    await emulator.addWebhook({ url: receiver.url });
    receiver.failNext('hang');
    await connect(emulator);
    await receiver.waitForDeliveries(1);

    await emulator.close();
    await emulator.flushWebhooks();
    expect(emulator.webhookDeliveries()).toHaveLength(0);
  });

  test('reset() stops pending retries and keeps the webhook', async () => {
    await setUp({ webhookRetryDelaysMs: [60_000] });
    await emulator.addWebhook({ url: receiver.url });
    receiver.failNext('status-500');
    await connect(emulator, {}, { email: 'one@example.com' });
    await receiver.waitForDeliveries(1);

    emulator.reset();
    await emulator.flushWebhooks();
    expect(emulator.webhookDeliveries()).toHaveLength(0);
    expect(emulator.stats().webhooks).toEqual({ delivered: 0, failed: 0, retried: 0 });

    await connect(emulator, {}, { email: 'two@example.com' });
    await emulator.flushWebhooks();
    expect(receiver.envelopes().map((envelope) => envelope.data.object.email)).toEqual(['one@example.com', 'two@example.com']);
  });
});

describe('trigger filtering', () => {
  test('each webhook gets only its triggers', async () => {
    await setUp();
    const deletedOnly = await WebhookReceiver.start();
    try {
      await emulator.addWebhook({ url: deletedOnly.url, triggers: ['grant.deleted'] });
      await emulator.addWebhook({ url: receiver.url });
      const tokens = await connect(emulator);
      await grantRequest(tokens.grant_id, 'DELETE');
      await emulator.flushWebhooks();

      expect(deletedOnly.envelopes().map((envelope) => envelope.type)).toEqual(['grant.deleted']);
      expect(receiver.envelopes().map((envelope) => envelope.type)).toEqual(['grant.created', 'grant.deleted']);
    } finally {
      await deletedOnly.close();
    }
  });

  test('a removed webhook gets nothing', async () => {
    await setUp();
    const webhook = await emulator.addWebhook({ url: receiver.url });
    emulator.removeWebhook(webhook.id);
    await connect(emulator);
    await emulator.flushWebhooks();
    expect(receiver.deliveries).toHaveLength(0);
  });
});

describe('events on demand', () => {
  test('sendWebhookEvent sends grant.updated with code 25014', async () => {
    await setUp();
    await emulator.addWebhook({ url: receiver.url, triggers: ['grant.updated'] });
    const tokens = await connect(emulator);

    const eventId = emulator.sendWebhookEvent('grant.updated', tokens.grant_id);
    await emulator.flushWebhooks();

    const [envelope] = receiver.envelopes();
    expect(envelope.id).toBe(eventId);
    expect(envelope.data.object).toMatchObject({ code: 25014, grant_id: tokens.grant_id, reauthentication_flag: false });
  });

  test('sendWebhookEvent rejects an unknown grant or type', async () => {
    await setUp();
    const tokens = await connect(emulator);
    expect(() => emulator.sendWebhookEvent('grant.created', 'unknown-grant')).toThrow('Grant "unknown-grant" not found');
    expect(() => emulator.sendWebhookEvent('message.created' as never, tokens.grant_id)).toThrow(TypeError);
  });

  test('redeliver repeats the event id with the next attempt', async () => {
    await setUp();
    await emulator.addWebhook({ url: receiver.url });
    await connect(emulator);
    await emulator.flushWebhooks();
    const original = receiver.envelope(0);

    expect(emulator.redeliver(original.id)).toBe(1);
    await emulator.flushWebhooks();

    const duplicate = receiver.envelope(1);
    expect(duplicate.id).toBe(original.id);
    expect(duplicate.webhook_delivery_attempt).toBe(2);
    expect(duplicate.data).toEqual(original.data);
    expect(duplicate.time).toBe(original.time);
    expect(emulator.stats().webhooks).toEqual({ delivered: 2, failed: 0, retried: 0 });
  });

  test('redeliver rejects an unknown event id', async () => {
    await setUp();
    expect(() => emulator.redeliver('unknown-event')).toThrow('Webhook event "unknown-event" not found');
  });
});

describe('stats', () => {
  test('GET /__emulator/stats includes webhook counts', async () => {
    await setUp();
    await emulator.addWebhook({ url: receiver.url });
    receiver.failNext('status-500');
    await connect(emulator);
    await emulator.flushWebhooks();

    const response = await requestJson(`${emulator.url}/__emulator/stats`);
    expect(response.body.webhooks).toEqual({ delivered: 1, failed: 1, retried: 1 });
  });
});
