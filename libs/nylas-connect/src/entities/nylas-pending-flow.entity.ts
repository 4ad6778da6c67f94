import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

import type { NylasFlowMode } from '../nylas-flow-mode.js';
import { epochMsTransformer } from './epoch-ms.transformer.js';

/**
 * A flow that was started and has not come back yet. One row per flow, keyed by the hash of its
 * state, so several tabs and several app instances can each have flows in progress.
 */
@Entity({ name: 'nylas_pending_flows' })
export class NylasPendingFlow {
  /** SHA-256 of the state, base64url. The state itself is never stored. */
  @PrimaryColumn({ name: 'state_hash', type: 'varchar', length: 64 })
  stateHash: string;

  @Index('idx_nylas_pending_flows_user_id')
  @Column({ name: 'user_id', type: 'varchar', length: 255 })
  userId: string;

  /** The PKCE verifier. It never leaves the server: not in the state, not in any URL. */
  @Column({ name: 'code_verifier', type: 'varchar', length: 128 })
  codeVerifier: string;

  /** Same-site path to return to after the callback, already validated. */
  @Column({ name: 'return_to', type: 'varchar', length: 2048, nullable: true })
  returnTo: string | null;

  @Column({ name: 'provider', type: 'varchar', length: 32, nullable: true })
  provider: string | null;

  /** Response style of the callback: `redirect`, `popup` or `client` (see `NylasFlowMode`). */
  @Column({ name: 'flow_mode', type: 'varchar', length: 16, default: 'redirect' })
  mode: NylasFlowMode;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMsTransformer })
  createdAt: number;

  @Index('idx_nylas_pending_flows_expires_at')
  @Column({ name: 'expires_at', type: 'bigint', transformer: epochMsTransformer })
  expiresAt: number;

  /** When a callback claimed this flow; a claimed flow never works a second time. */
  @Column({ name: 'claimed_at', type: 'bigint', nullable: true, transformer: epochMsTransformer })
  claimedAt: number | null;
}
