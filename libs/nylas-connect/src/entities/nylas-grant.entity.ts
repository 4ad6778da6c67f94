import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

import { epochMsTransformer } from './epoch-ms.transformer.js';

/** Whether Nylas can still use the grant; `invalid` means the user must connect the mailbox again. */
export type NylasGrantStatus = 'valid' | 'invalid';

/**
 * The link between a Nylas grant and a user of the host application. A user may link several
 * grants, and a grant belongs to one user. Tokens are stored only encrypted, and only when an
 * encryption key is configured.
 */
@Entity({ name: 'nylas_grants' })
export class NylasGrant {
  /** The Nylas grant id. Nylas keeps one grant per mailbox per application, so it is the key. */
  @PrimaryColumn({ name: 'grant_id', type: 'varchar', length: 255 })
  grantId: string;

  @Index('idx_nylas_grants_user_id')
  @Column({ name: 'user_id', type: 'varchar', length: 255 })
  userId: string;

  /** The email address as Nylas returned it. */
  @Column({ name: 'email', type: 'varchar', length: 320 })
  email: string;

  /** Lower-cased, trimmed email, for lookups. */
  @Index('idx_nylas_grants_email_normalized')
  @Column({ name: 'email_normalized', type: 'varchar', length: 320 })
  emailNormalized: string;

  @Column({ name: 'provider', type: 'varchar', length: 32 })
  provider: string;

  /** Granted scopes, space separated as Nylas returns them. */
  @Column({ name: 'scope', type: 'text' })
  scope: string;

  @Column({ name: 'status', type: 'varchar', length: 16 })
  status: NylasGrantStatus;

  /**
   * The access token, AES-256-GCM encrypted (`TokenCipher`), or null when no encryption key is
   * configured, in which case no token is stored and API calls use the API key and the grant id.
   */
  @Column({ name: 'access_token_ciphertext', type: 'text', nullable: true, select: false })
  accessTokenCiphertext?: string | null;

  /** The refresh token (with `accessType: 'offline'`), encrypted like the access token, or null. */
  @Column({ name: 'refresh_token_ciphertext', type: 'text', nullable: true, select: false })
  refreshTokenCiphertext?: string | null;

  /** Id of the key both ciphertexts were written with. */
  @Column({ name: 'token_key_id', type: 'varchar', length: 32, nullable: true })
  tokenKeyId: string | null;

  /** When the access token from the last exchange expires, in Unix milliseconds. */
  @Column({ name: 'access_token_expires_at', type: 'bigint', nullable: true, transformer: epochMsTransformer })
  accessTokenExpiresAt: number | null;

  /** End of the lease that lets one instance refresh this grant's token, in Unix milliseconds. */
  @Column({ name: 'refresh_lease_until', type: 'bigint', nullable: true, select: false, transformer: epochMsTransformer })
  refreshLeaseUntil?: number | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMsTransformer })
  createdAt: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMsTransformer })
  updatedAt: number;
}
