import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, LessThan, MoreThan, type Repository } from 'typeorm';

import { NylasPendingFlow } from '../entities/nylas-pending-flow.entity.js';
import { StateAlreadyUsedError, StateExpiredError, StateNotFoundError } from '../errors/callback.errors.js';
import { TooManyPendingFlowsError } from '../errors/storage.errors.js';

/** Fields of a new pending flow. */
export type NewPendingFlow = Omit<NylasPendingFlow, 'claimedAt'>;

/** Bounds of the pending-flow table that a start enforces. */
export interface PendingFlowLimits {
  /** Flows one user keeps, used ones included; a start drops that user's oldest beyond it. */
  maxPerUser: number;
  /** Unexpired flows in all; a start is rejected while the table contains this many. */
  maxTotal: number;
}

/**
 * Maximum time between two sweeps of one instance, in milliseconds. A sweep deletes the expired
 * flows and counts the rest, which reads the whole table, so starts do not sweep every time.
 */
const MAX_SWEEP_INTERVAL_MS = 1_000;

/**
 * Keeps pending flows in the database, so a flow started on one app instance can finish on another.
 * Every write is a single statement.
 */
@Injectable()
export class NylasFlowStore {
  /**
   * Rows the table held at the last sweep, plus the rows this instance's starts added since. It
   * only guides when to count again: a start is rejected only on an exact count.
   */
  private estimatedRows = 0;

  /** `performance.now()` of the last sweep, so that a wall clock set back does not delay the next. */
  private lastSweepAt = Number.NEGATIVE_INFINITY;

  constructor(@InjectRepository(NylasPendingFlow) private readonly flows: Repository<NylasPendingFlow>) {}

  /**
   * Stores a new flow, and drops the user's oldest flows so that at most `maxPerUser` remain,
   * claimed ones included. Expired flows of every user are purged at most once a second (or once
   * per flow lifetime, when that is shorter), and whenever the table looks full. A start is
   * rejected while `maxTotal` unexpired flows exist, so the table stays bounded however many are
   * abandoned.
   *
   * Between sweeps an instance does not see other instances' starts. With several instances the
   * total can pass `maxTotal` by what the others accept within a second, and by at most `maxTotal`
   * per other instance. Concurrent starts can also pass either cap by the few flows that raced.
   */
  async create(flow: NewPendingFlow, limits: PendingFlowLimits): Promise<void> {
    // No transaction: each statement is atomic, and the caps tolerate the overshoot above.
    // TypeORM runs every SQLite request on one connection, so a transaction here would take in
    // other requests' statements, and a rollback would undo them.
    const sweepInterval = Math.min(flow.expiresAt - flow.createdAt, MAX_SWEEP_INTERVAL_MS);
    const sweepDue = performance.now() - this.lastSweepAt >= sweepInterval;
    if (sweepDue || this.estimatedRows >= limits.maxTotal) {
      // Anyone who can sign in can start flows, so the per-user cap alone does not bound the table.
      const rows = await this.sweep(flow.createdAt);
      if (rows >= limits.maxTotal) throw new TooManyPendingFlowsError();
    }

    // The cap keeps this list short, so reading all of the user's flows is cheap. Claimed flows
    // count too: a claim needs no consent at Nylas (a callback with an error and the state is
    // enough), so without them one user could fill the table.
    const userFlows = await this.flows.find({
      select: { stateHash: true },
      where: { userId: flow.userId },
      order: { createdAt: 'DESC', stateHash: 'ASC' },
    });
    const excess = userFlows.slice(limits.maxPerUser - 1).map((row) => row.stateHash);
    const dropped = excess.length > 0 ? ((await this.flows.delete(excess)).affected ?? excess.length) : 0;

    // updateEntity(false): nothing reads the row back, and on SQLite and MySQL TypeORM would
    // otherwise follow the INSERT with a SELECT of the columns that have database defaults.
    await this.flows.createQueryBuilder().insert().values({ ...flow, claimedAt: null }).updateEntity(false).execute();
    this.estimatedRows += 1 - dropped;
  }

  /** Deletes the flows expired at `now` (epoch milliseconds), counts the rest and returns the count. */
  private async sweep(now: number): Promise<number> {
    this.lastSweepAt = performance.now();
    await this.flows.delete({ expiresAt: LessThan(now) });
    const rows = await this.flows.count();
    this.estimatedRows = rows;
    return rows;
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
