import { gunzipSync } from 'node:zlib';

import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, LessThan, type EntityManager } from 'typeorm';

import { NylasWebhookEvent } from '../entities/nylas-webhook-event.entity.js';
import { StorageUnavailableError } from '../errors/storage.errors.js';
import { InvalidWebhookPayloadError, InvalidWebhookSignatureError } from '../errors/webhook.errors.js';
import { isRecord } from '../http/nylas-http.js';
import { NylasGrantEvents, type NylasGrantEventType } from '../lifecycle/nylas-grant-events.js';
import { NYLAS_CONNECT_OPTIONS } from '../nylas-connect.constants.js';
import type { ResolvedNylasConnectOptions } from '../resolved-options.js';
import { isUniqueViolation } from '../storage/database-errors.js';
import { NylasGrantRepository } from '../storage/nylas-grant.repository.js';
import { isValidNylasSignature } from './webhook-signature.js';

/** A grant event as read from a webhook body. */
export interface GrantWebhookEvent {
  id: string;
  type: 'grant.created' | 'grant.updated' | 'grant.deleted' | 'grant.expired';
  grantId: string;
  reauthenticated: boolean;
}

/** What happened to a delivery. */
export type WebhookOutcome = 'applied' | 'duplicate' | 'ignored';

const GRANT_EVENT_TYPES = new Set(['grant.created', 'grant.updated', 'grant.deleted', 'grant.expired']);

/** Processed event ids are kept this long; Nylas retries failed deliveries for much less. */
const EVENT_ID_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/** Largest decompressed body accepted, against gzip bombs. */
const MAX_INFLATED_BYTES = 1024 * 1024;

/** Verifies Nylas grant webhooks and applies them to the linked grants, once per event id. */
@Injectable()
export class NylasWebhookService {
  private readonly logger = new Logger('NylasConnect');

  constructor(
    @Inject(NYLAS_CONNECT_OPTIONS) private readonly options: ResolvedNylasConnectOptions,
    private readonly grants: NylasGrantRepository,
    private readonly events: NylasGrantEvents,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /**
   * Handles one delivery: checks the signature over the raw bytes (compressed ones included),
   * reads the event, and applies it. Events of other types, and grants not linked here, change
   * nothing.
   */
  async handle(rawBody: Buffer, signature: string | undefined, contentEncoding: string | undefined): Promise<WebhookOutcome> {
    if (!this.options.webhookSecret || !isValidNylasSignature(rawBody, signature, this.options.webhookSecret)) {
      throw new InvalidWebhookSignatureError();
    }

    const payload = parsePayload(decode(rawBody, contentEncoding));
    if (!GRANT_EVENT_TYPES.has(String(payload.type))) return 'ignored';
    const event = readGrantEvent(payload);

    const outcome = await this.apply(event);
    if (outcome === 'duplicate') {
      this.logger.log(`Ignored a repeated webhook event ${event.id} (${event.type}) for grant ${event.grantId}`);
    }
    return outcome;
  }

  private async apply(event: GrantWebhookEvent): Promise<WebhookOutcome> {
    const now = Date.now();
    let userId: string | null;
    try {
      userId = await this.dataSource.transaction(async (manager) => {
        await manager.getRepository(NylasWebhookEvent).insert({ eventId: event.id, eventType: event.type, grantId: event.grantId, receivedAt: now });
        return this.applyToGrant(event, now, manager);
      });
    } catch (error) {
      if (isUniqueViolation(error)) return 'duplicate';
      this.logger.error(`Applying webhook event ${event.id} for grant ${event.grantId} failed: ${(error as Error)?.name ?? typeof error}`);
      throw new StorageUnavailableError('applying the webhook event', { cause: error });
    }

    this.logger.log(`Applied webhook event ${event.id} (${event.type}) to grant ${event.grantId}${userId ? ` of user ${userId}` : ', which is not linked here'}`);
    await this.events.emit({
      type: event.type as NylasGrantEventType,
      grantId: event.grantId,
      userId,
      source: 'webhook',
      eventId: event.id,
      reauthenticated: event.reauthenticated || undefined,
    });
    await this.purgeOldEventIds(now);
    return 'applied';
  }

  /** Changes the grant row for the event, and returns the user it is linked to, or null. */
  private async applyToGrant(event: GrantWebhookEvent, now: number, manager: EntityManager): Promise<string | null> {
    switch (event.type) {
      case 'grant.deleted':
        return (await this.grants.removeByGrantId(event.grantId, manager))?.userId ?? null;
      case 'grant.expired':
        return (await this.grants.setStatus(event.grantId, 'invalid', now, manager))?.userId ?? null;
      case 'grant.created':
      case 'grant.updated':
        // A created or re-authenticated grant works again.
        return (await this.grants.setStatus(event.grantId, 'valid', now, manager))?.userId ?? null;
    }
  }

  private async purgeOldEventIds(now: number): Promise<void> {
    await this.dataSource
      .getRepository(NylasWebhookEvent)
      .delete({ receivedAt: LessThan(now - EVENT_ID_RETENTION_MS) })
      .catch((error: unknown) => this.logger.warn(`Purging old webhook event ids failed: ${(error as Error)?.name ?? typeof error}`));
  }
}

function decode(rawBody: Buffer, contentEncoding: string | undefined): Buffer {
  const encoding = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') return rawBody;
  if (encoding !== 'gzip') throw new InvalidWebhookPayloadError(`content encoding "${encoding.slice(0, 32)}" is not supported`);
  try {
    return gunzipSync(rawBody, { maxOutputLength: MAX_INFLATED_BYTES });
  } catch {
    throw new InvalidWebhookPayloadError('the gzip body could not be decompressed');
  }
}

function parsePayload(body: Buffer): Record<string, unknown> {
  let payload: unknown;
  try {
    payload = JSON.parse(body.toString('utf8'));
  } catch {
    throw new InvalidWebhookPayloadError('it is not JSON');
  }
  if (!isRecord(payload)) throw new InvalidWebhookPayloadError('it is not a JSON object');
  return payload;
}

function readGrantEvent(payload: Record<string, unknown>): GrantWebhookEvent {
  const id = payload.id;
  if (typeof id !== 'string' || id === '' || id.length > 255) throw new InvalidWebhookPayloadError('the event id is missing');

  const data = payload.data;
  const object = isRecord(data) ? data.object : undefined;
  if (!isRecord(object)) throw new InvalidWebhookPayloadError('data.object is missing');
  const grantId = object.grant_id;
  if (typeof grantId !== 'string' || grantId === '' || grantId.length > 255) throw new InvalidWebhookPayloadError('data.object.grant_id is missing');

  return {
    id,
    type: payload.type as GrantWebhookEvent['type'],
    grantId,
    reauthenticated: object.reauthentication_flag === true,
  };
}
