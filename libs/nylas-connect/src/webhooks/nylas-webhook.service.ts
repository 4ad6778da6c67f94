import { gunzipSync } from 'node:zlib';

import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, LessThan, type EntityManager } from 'typeorm';

import { NylasGrant } from '../entities/nylas-grant.entity.js';
import { NylasWebhookEvent } from '../entities/nylas-webhook-event.entity.js';
import { describeError } from '../errors/describe-error.js';
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
  /** When Nylas made the event, in Unix seconds, if the body has it. */
  time?: number;
  /** The Nylas application the event belongs to, if the body has it. */
  applicationId?: string;
}

/**
 * What happened to a delivery: `applied`; `duplicate` (this event id was applied before);
 * `stale` (the grant changed after the event was made, for example a late `grant.expired` for a
 * grant connected again since); `not_linked` (no link for this grant here); `ignored` (another
 * event type, another application, or older than the id retention).
 */
export type WebhookOutcome = 'applied' | 'duplicate' | 'stale' | 'not_linked' | 'ignored';

const GRANT_EVENT_TYPES = new Set(['grant.created', 'grant.updated', 'grant.deleted', 'grant.expired']);

/**
 * Processed event ids are kept this long, and older events are refused. NOTE: Nylas does not
 * publish how long it retries a failed delivery; a week is a guess well beyond a few retries.
 */
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

    if (event.applicationId !== undefined && event.applicationId !== this.options.clientId) {
      this.logger.warn(`Ignored webhook event ${event.id}: it belongs to another Nylas application`);
      return 'ignored';
    }
    // Past the retention, a replayed event's id is no longer known, so an event that old is refused.
    if (event.time !== undefined && event.time * 1000 < Date.now() - EVENT_ID_RETENTION_MS) {
      this.logger.warn(`Ignored webhook event ${event.id}: it is older than the ${EVENT_ID_RETENTION_MS / 86_400_000}-day id retention`);
      return 'ignored';
    }

    const outcome = await this.apply(event);
    if (outcome === 'duplicate') {
      this.logger.log(`Ignored a repeated webhook event ${event.id} (${event.type}) for grant ${event.grantId}`);
    }
    return outcome;
  }

  private async apply(event: GrantWebhookEvent): Promise<WebhookOutcome> {
    const now = Date.now();
    const eventIds = this.dataSource.getRepository(NylasWebhookEvent);

    // The id is recorded first, so of two deliveries of one event only one gets past the primary
    // key. No transaction is used: TypeORM runs every SQLite request on one connection, where a
    // transaction would take in other requests' statements and a rollback would undo them. If the
    // change then fails, the id is removed again, so that Nylas's redelivery applies the event.
    try {
      await eventIds.insert({ eventId: event.id, eventType: event.type, grantId: event.grantId, receivedAt: now });
    } catch (error) {
      if (isUniqueViolation(error)) return 'duplicate';
      this.logger.error(`Recording webhook event ${event.id} for grant ${event.grantId} failed: ${describeError(error)}`);
      throw new StorageUnavailableError('recording the webhook event', { cause: error });
    }

    let applied: { outcome: WebhookOutcome; userId: string | null };
    try {
      applied = await this.applyToGrant(event, now, this.dataSource.manager);
    } catch (error) {
      this.logger.error(`Applying webhook event ${event.id} for grant ${event.grantId} failed: ${describeError(error)}`);
      await eventIds.delete({ eventId: event.id }).catch(() => undefined);
      throw new StorageUnavailableError('applying the webhook event', { cause: error });
    }

    const { outcome, userId } = applied;
    this.logger.log(`Webhook event ${event.id} (${event.type}) for grant ${event.grantId}${userId ? ` of user ${userId}` : ''}: ${outcome}`);
    if (outcome === 'applied') {
      await this.events.emit({
        type: event.type as NylasGrantEventType,
        grantId: event.grantId,
        userId,
        source: 'webhook',
        eventId: event.id,
        reauthenticated: event.reauthenticated || undefined,
      });
    }
    await this.purgeOldEventIds(now);
    return outcome;
  }

  /**
   * Changes the grant row for the event. An event made before the row's last change is stale:
   * Nylas can deliver `grant.expired` up to 10 minutes late, after the user connected again.
   */
  private async applyToGrant(event: GrantWebhookEvent, now: number, manager: EntityManager): Promise<{ outcome: WebhookOutcome; userId: string | null }> {
    const grant = await manager.getRepository(NylasGrant).findOneBy({ grantId: event.grantId });
    if (!grant) return { outcome: 'not_linked', userId: null };
    // `time` has whole seconds, so an event from the same second as the change still applies.
    if (event.time !== undefined && (event.time + 1) * 1000 <= grant.updatedAt) return { outcome: 'stale', userId: grant.userId };

    switch (event.type) {
      case 'grant.deleted':
        await this.grants.removeByGrantId(event.grantId, manager);
        break;
      case 'grant.expired':
        await this.grants.setStatus(event.grantId, 'invalid', now, manager);
        break;
      case 'grant.created':
      case 'grant.updated':
        // A created or re-authenticated grant works again.
        await this.grants.setStatus(event.grantId, 'valid', now, manager);
        break;
    }
    return { outcome: 'applied', userId: grant.userId };
  }

  private async purgeOldEventIds(now: number): Promise<void> {
    await this.dataSource
      .getRepository(NylasWebhookEvent)
      .delete({ receivedAt: LessThan(now - EVENT_ID_RETENTION_MS) })
      .catch((error: unknown) => this.logger.warn(`Purging old webhook event ids failed: ${describeError(error)}`));
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

  const time = typeof payload.time === 'number' && Number.isFinite(payload.time) ? payload.time : undefined;
  const applicationId = isRecord(data) && typeof data.application_id === 'string' ? data.application_id : undefined;
  return {
    id,
    type: payload.type as GrantWebhookEvent['type'],
    grantId,
    reauthenticated: object.reauthentication_flag === true,
    time,
    applicationId,
  };
}
