import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';

import { NylasPendingFlow } from '../entities/nylas-pending-flow.entity.js';
import type { NylasFlowMode } from '../nylas-flow-mode.js';
import { hashState } from '../oauth/state.js';

/** Fields of a pending flow that the routes read before they finish it. */
export interface PendingFlowSummary {
  userId: string;
  mode: NylasFlowMode;
  returnTo: string | null;
}

/**
 * Reads a pending flow by its state without claiming it. The routes use it to pick the response
 * for a callback from the flow's stored mode, and to check who started a flow before the exchange
 * endpoint finishes it. The user and the mode never change after a flow is stored, so reading
 * them before the atomic claim is safe.
 */
@Injectable()
export class NylasPendingFlowReader {
  constructor(@InjectRepository(NylasPendingFlow) private readonly flows: Repository<NylasPendingFlow>) {}

  /** Returns the flow's user, mode and return path, or null when no flow has this state (unknown, or purged after it expired). */
  async findByState(state: string): Promise<PendingFlowSummary | null> {
    const flow = await this.findRowByState(state);
    return flow === null ? null : { userId: flow.userId, mode: flow.mode, returnTo: flow.returnTo };
  }

  /** Returns the whole row of the flow, or null; the callback passes it on so the claim need not read it again. */
  findRowByState(state: string): Promise<NylasPendingFlow | null> {
    return this.flows.findOneBy({ stateHash: hashState(state) });
  }
}
