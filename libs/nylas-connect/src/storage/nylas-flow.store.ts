import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, LessThan, MoreThan, type Repository } from 'typeorm';

import { NylasPendingFlow } from '../entities/nylas-pending-flow.entity.js';
import { StateAlreadyUsedError, StateExpiredError, StateNotFoundError } from '../errors/callback.errors.js';
import { TooManyPendingFlowsError } from '../errors/storage.errors.js';

/** Fields of a new pending flow. */
export type NewPendingFlow = Omit<NylasPendingFlow, 'claimedAt'>;

/**
 * Keeps pending flows in the database, so a flow started on one app instance can finish on another.
 * Every write is a single statement or runs in a transaction.
 */
@Injectable()
export class NylasFlowStore {
  constructor(@InjectRepository(NylasPendingFlow) private readonly flows: Repository<NylasPendingFlow>) {}

  /**
   * Stores a new flow. Expired flows of every user are purged first, and the user's oldest
   * pending flows are dropped so that at most `maxPerUser` remain. A start is rejected while
   * `maxTotal` unexpired flows exist, so the table stays bounded however many are abandoned.
   */
  async create(flow: NewPendingFlow, limits: { maxPerUser: number; maxTotal: number }): Promise<void> {
    // No transaction: each statement is atomic, and concurrent starts can at worst leave a cap
    // overshot by the few flows that raced. TypeORM runs every SQLite request on one connection,
    // so a transaction here would take in other requests' statements, and a rollback would undo them.
    const { maxPerUser, maxTotal } = limits;
    await this.flows.delete({ expiresAt: LessThan(flow.createdAt) });
    // Anyone who can sign in can start flows, so the per-user cap alone does not bound the table.
    if ((await this.flows.count()) >= maxTotal) throw new TooManyPendingFlowsError();

    // The cap keeps this list short, so reading all of the user's flows is cheap.
    const pending = await this.flows.find({
      select: { stateHash: true },
      where: { userId: flow.userId },
      order: { createdAt: 'DESC', stateHash: 'ASC' },
    });
    const excess = pending.slice(maxPerUser - 1).map((row) => row.stateHash);
    if (excess.length > 0) await this.flows.delete(excess);

    await this.flows.insert({ ...flow, claimedAt: null });
  }

  /**
   * Claims the flow for one callback. The claim is a single conditional UPDATE, so of two
   * callbacks with the same state, on one instance or on two, exactly one wins. The other gets
   * `state_already_used` and never reaches the token endpoint.
   */
  async claim(stateHash: string, now: number, readBefore?: NylasPendingFlow): Promise<NylasPendingFlow> {
    const result = await this.flows.update(
      { stateHash, claimedAt: IsNull(), expiresAt: MoreThan(now) },
      { claimedAt: now },
    );
    // A row the caller read for this request saves the read after the UPDATE. The UPDATE alone
    // decides who wins, and the fields used from the row never change once it is stored.
    const flow = readBefore ?? (await this.flows.findOneBy({ stateHash }));
    if (result.affected === 1 && flow) return { ...flow, claimedAt: now };

    if (!flow) throw new StateNotFoundError();
    if (flow.claimedAt !== null || flow.expiresAt > now) throw new StateAlreadyUsedError();
    await this.flows.delete({ stateHash });
    throw new StateExpiredError();
  }
}
