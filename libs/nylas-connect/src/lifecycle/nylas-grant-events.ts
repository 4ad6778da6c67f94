import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Subject, type Observable } from 'rxjs';

import { describeError } from '../errors/describe-error.js';
import { NYLAS_CONNECT_OPTIONS } from '../nylas-connect.constants.js';
import type { ResolvedNylasConnectOptions } from '../resolved-options.js';

/** Kinds of change to a linked grant that the host app can react to. */
export type NylasGrantEventType = 'grant.created' | 'grant.updated' | 'grant.deleted' | 'grant.expired' | 'grant.invalid';

/** A change to a grant, from a Nylas webhook, a refresh or a sync. */
export interface NylasGrantEvent {
  type: NylasGrantEventType;
  grantId: string;
  /** The application user the grant is linked to, or null when it is not linked here. */
  userId: string | null;
  /** Origin of the event: a Nylas webhook, a failed refresh, or `syncGrant()`. */
  source: 'webhook' | 'refresh' | 'sync';
  /** The webhook event id, for webhook events. */
  eventId?: string;
  /** True for a `grant.updated` that Nylas sent because the user authenticated again. */
  reauthenticated?: boolean;
}

/**
 * The stream of grant changes. Subscribe to `events$`, or set the `onGrantEvent` option, to
 * react, for example to ask a user to reconnect when a grant becomes invalid. A subscriber or
 * hook that fails is logged and does not fail the request that caused the event.
 */
@Injectable()
export class NylasGrantEvents implements OnModuleDestroy {
  private readonly logger = new Logger('NylasConnect');
  private readonly subject = new Subject<NylasGrantEvent>();

  readonly events$: Observable<NylasGrantEvent> = this.subject.asObservable();

  constructor(@Inject(NYLAS_CONNECT_OPTIONS) private readonly options: ResolvedNylasConnectOptions) {}

  /** Sends an event to every subscriber and to the `onGrantEvent` hook, and waits for the hook. */
  async emit(event: NylasGrantEvent): Promise<void> {
    try {
      this.subject.next(event);
    } catch (error) {
      this.logFailure('A subscriber', event, error);
    }
    if (!this.options.onGrantEvent) return;
    try {
      await this.options.onGrantEvent(event);
    } catch (error) {
      this.logFailure('The onGrantEvent hook', event, error);
    }
  }

  private logFailure(source: string, event: NylasGrantEvent, error: unknown): void {
    this.logger.error(`${source} failed on ${event.type} for grant ${event.grantId}: ${describeError(error)}`);
  }

  onModuleDestroy(): void {
    this.subject.complete();
  }
}
