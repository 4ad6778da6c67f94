import { createHmac } from 'node:crypto';
import { gzipSync } from 'node:zlib';

import { NylasGrantEvents, isValidNylasSignature, nylasWebhookRawBody, type NylasGrantEvent } from 'nestjs-nylas-connect';
import { NylasEmulator } from 'nylas-emulator';
import request from 'supertest';

import { CLIENT_ID, useConnectTestApps, type ConnectTestApp } from '../support/connect-test-app.js';

const SECRET = 'test-webhook-secret';
const PATH = '/webhooks/nylas';

function sign(body: Buffer | string, secret = SECRET): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

function grantEvent(
  type: string,
  grantId: string,
  id: string,
  extra: Record<string, unknown> = {},
  envelope: { time?: number; applicationId?: string } = {},
): string {
  return JSON.stringify({
    specversion: '1.0',
    type,
    source: '/nylas/system',
    id,
    time: envelope.time ?? Math.floor(Date.now() / 1000),
    webhook_delivery_attempt: 1,
    data: { application_id: envelope.applicationId ?? CLIENT_ID, object: { grant_id: grantId, provider: 'google', email: 'alice@example.com', ...extra } },
  });
}

describe('Nylas webhooks', () => {
  const suite = useConnectTestApps();
  let emulator: NylasEmulator;
  let ctx: ConnectTestApp;
  let events: NylasGrantEvent[];
  let grantId: string;

  function post(body: Buffer | string, signature = sign(body), headers: Record<string, string> = {}) {
    let req = request(ctx.app.getHttpServer()).post(PATH).set('content-type', 'application/json').set('x-nylas-signature', signature);
    for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
    // The bytes go out as they are: superagent would otherwise serialize a Buffer as JSON.
    return req.serialize((value: Buffer) => value as unknown as string).send(Buffer.isBuffer(body) ? body : Buffer.from(body));
  }

  beforeEach(async () => {
    emulator = suite.emulator;
    ctx = await suite.app({ webhookSecret: SECRET }, {
      webhookPath: PATH,
      beforeInit: (app) => app.use(PATH, nylasWebhookRawBody()),
    });
    events = [];
    ctx.app.get(NylasGrantEvents).events$.subscribe((event) => events.push(event));
    const url = await ctx.service.getAuthUrl({ userId: 'alice' });
    grantId = (await ctx.service.callback(await emulator.approve(url, { email: 'alice@example.com' }))).grantId;
  });

  it('matches the Nylas signature vector', () => {
    const body =
      '{"specversion":"1.0","type":"grant.created","source":"/nylas/system","id":"evt_1","time":1723821985,"webhook_delivery_attempt":1,"data":{"application_id":"app_1","object":{"code":25012,"grant_id":"grant_1","integration_id":"int_1","login_id":"login_1","provider":"google","email":"user@example.com"}}}';
    const vector = '83715d1e46e573d4909271611871cd7b411f9377a1f217613d8a4fac532a92c7';
    expect(isValidNylasSignature(Buffer.from(body), vector, SECRET)).toBe(true);
    expect(isValidNylasSignature(Buffer.from(body), vector.replace('8', '9'), SECRET)).toBe(false);
  });

  it('answers the challenge handshake with the challenge as plain text', async () => {
    const response = await request(ctx.app.getHttpServer()).get(`${PATH}?challenge=abc123`);
    expect(response.status).toBe(200);
    expect(response.text).toBe('abc123');
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
  });

  it('marks a grant invalid on grant.expired and reports it', async () => {
    const response = await post(grantEvent('grant.expired', grantId, 'evt_expired'));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ outcome: 'applied' });
    expect((await ctx.grants.findByGrantId(grantId))?.status).toBe('invalid');
    expect(events).toEqual([expect.objectContaining({ type: 'grant.expired', grantId, userId: 'alice', eventId: 'evt_expired', source: 'webhook' })]);
  });

  it('makes a grant valid again on re-authentication', async () => {
    await post(grantEvent('grant.expired', grantId, 'evt_1'));
    await post(grantEvent('grant.updated', grantId, 'evt_2', { code: 25027, reauthentication_flag: true }));

    expect((await ctx.grants.findByGrantId(grantId))?.status).toBe('valid');
    expect(events[1]).toMatchObject({ type: 'grant.updated', reauthenticated: true });
  });

  it('removes the link on grant.deleted', async () => {
    await post(grantEvent('grant.deleted', grantId, 'evt_deleted'));
    expect(await ctx.grants.findForUser('alice')).toHaveLength(0);
  });

  it('applies a repeated event id once', async () => {
    const body = grantEvent('grant.expired', grantId, 'evt_same');
    expect((await post(body)).body).toEqual({ outcome: 'applied' });
    await post(grantEvent('grant.updated', grantId, 'evt_other'));

    const repeated = await post(body);
    expect(repeated.status).toBe(200);
    expect(repeated.body).toEqual({ outcome: 'duplicate' });
    expect((await ctx.grants.findByGrantId(grantId))?.status).toBe('valid');
    expect(events).toHaveLength(2);
  });

  it('verifies a gzip delivery over the compressed bytes', async () => {
    const compressed = gzipSync(grantEvent('grant.expired', grantId, 'evt_gzip'));
    const response = await post(compressed, sign(compressed), { 'content-encoding': 'gzip' });
    expect(response.status).toBe(200);
    expect((await ctx.grants.findByGrantId(grantId))?.status).toBe('invalid');
  });

  it('ignores a late grant.expired made before the grant last changed', async () => {
    const tenMinutesAgo = Math.floor(Date.now() / 1000) - 600;
    const response = await post(grantEvent('grant.expired', grantId, 'evt_late', {}, { time: tenMinutesAgo }));
    expect(response.body).toEqual({ outcome: 'stale' });
    expect((await ctx.grants.findByGrantId(grantId))?.status).toBe('valid');
    expect(events).toEqual([]);
  });

  it('ignores an event of another Nylas application', async () => {
    const response = await post(grantEvent('grant.expired', grantId, 'evt_other_app', {}, { applicationId: 'another-app' }));
    expect(response.body).toEqual({ outcome: 'ignored' });
    expect((await ctx.grants.findByGrantId(grantId))?.status).toBe('valid');
  });

  it('refuses an event older than the id retention', async () => {
    const eightDaysAgo = Math.floor(Date.now() / 1000) - 8 * 24 * 3600;
    const response = await post(grantEvent('grant.deleted', grantId, 'evt_ancient', {}, { time: eightDaysAgo }));
    expect(response.body).toEqual({ outcome: 'ignored' });
    expect(await ctx.grants.findForUser('alice')).toHaveLength(1);
  });

  it('answers 200 and changes nothing for an unknown grant', async () => {
    const response = await post(grantEvent('grant.expired', 'unknown-grant', 'evt_unknown'));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ outcome: 'not_linked' });
    expect((await ctx.grants.findByGrantId(grantId))?.status).toBe('valid');
  });

  it('ignores event types other than grant events', async () => {
    const response = await post(JSON.stringify({ id: 'evt_msg', type: 'message.created', data: { object: {} } }));
    expect(response.body).toEqual({ outcome: 'ignored' });
  });

  it.each([
    ['a wrong signature', (body: string) => sign(body, 'other-secret')],
    ['a truncated signature', (body: string) => sign(body).slice(0, 40)],
    ['no signature', () => ''],
  ])('answers 401 for %s and changes nothing', async (_case, signatureOf) => {
    const body = grantEvent('grant.expired', grantId, 'evt_forged');
    const response = await post(body, signatureOf(body));
    expect(response.status).toBe(401);
    expect(response.body.error).toBe('invalid_webhook_signature');
    expect((await ctx.grants.findByGrantId(grantId))?.status).toBe('valid');
  });

  it.each([
    ['a body that is not JSON', 'not json'],
    ['an event without an id', JSON.stringify({ type: 'grant.expired', data: { object: { grant_id: 'g' } } })],
    ['an event without a grant id', JSON.stringify({ id: 'evt_x', type: 'grant.expired', data: { object: {} } })],
  ])('answers 400 for %s', async (_case, body) => {
    const response = await post(body);
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_webhook_payload');
  });

  it('answers 400 for a corrupt gzip body', async () => {
    const body = Buffer.from('not gzip at all');
    const response = await post(body, sign(body), { 'content-encoding': 'gzip' });
    expect(response.status).toBe(400);
  });
});
