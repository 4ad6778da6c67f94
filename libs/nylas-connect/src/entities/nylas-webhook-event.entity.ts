import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

import { epochMsTransformer } from './epoch-ms.transformer.js';

/**
 * A webhook event that was received. Nylas delivers at least once, so the event id is recorded
 * under a primary key before the change, and a second delivery of the same id changes nothing.
 */
@Entity({ name: 'nylas_webhook_events' })
export class NylasWebhookEvent {
  @PrimaryColumn({ name: 'event_id', type: 'varchar', length: 255 })
  eventId: string;

  @Column({ name: 'event_type', type: 'varchar', length: 64 })
  eventType: string;

  @Column({ name: 'grant_id', type: 'varchar', length: 255, nullable: true })
  grantId: string | null;

  @Index('idx_nylas_webhook_events_received_at')
  @Column({ name: 'received_at', type: 'bigint', transformer: epochMsTransformer })
  receivedAt: number;
}
