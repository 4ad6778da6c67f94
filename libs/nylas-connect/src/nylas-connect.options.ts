import type { Request } from 'express';

import type { TokenEncryptionOptions } from './crypto/token-cipher.js';
import type { NylasGrantEvent } from './lifecycle/nylas-grant-events.js';

/** Providers that Nylas v3 hosted authentication accepts in the `provider` query parameter. */
export type NylasProvider = 'google' | 'microsoft' | 'imap' | 'icloud' | 'yahoo' | 'ews' | 'zoom';

export const NYLAS_PROVIDERS: readonly NylasProvider[] = ['google', 'microsoft', 'imap', 'icloud', 'yahoo', 'ews', 'zoom'];

/**
 * Returns the host application's user id for the request that starts a flow,
 * or `undefined` when no user is signed in (the start route then responds with 401).
 */
export type ResolveUserId = (request: Request) => string | undefined | null | Promise<string | undefined | null>;

/** Policy for a grant id that is already linked to one user and comes back for another. */
export type GrantConflictPolicy = 'reject' | 'transfer';

/**
 * Options of `NylasConnectModule.forRoot()` and of the factory given to `forRootAsync()`.
 * Durations are in milliseconds unless the name says seconds.
 */
export interface NylasConnectOptions {
  /** The Nylas application's client id. Required. */
  clientId: string;

  /**
   * The Nylas API key. Required. It is sent as `client_secret` to `/v3/connect/token`
   * and never leaves the server.
   */
  apiKey: string;

  /** Base URL of the Nylas API, without `/v3`. Default: `https://api.us.nylas.com` (EU: `https://api.eu.nylas.com`). */
  apiUri?: string;

  /**
   * The absolute callback URL registered with the Nylas application, for example
   * `https://app.example.com/auth/nylas/callback`. Required. The same string is sent to
   * `/v3/connect/auth` and `/v3/connect/token`. It is never rebuilt from the request's
   * `Host` or `X-Forwarded-*` headers, which a proxy or an attacker controls.
   */
  callbackUri: string;

  /** Scopes to request. Default: none, so Nylas uses the scopes configured on the connector. */
  scope?: string[];

  /** Provider preselected at Nylas. Default: none (Nylas lets the user choose). A start request may pass another. */
  provider?: NylasProvider;

  /** `offline` also returns a refresh token. Default: `online`. */
  accessType?: 'online' | 'offline';

  /** Passed to Nylas as `prompt`, for example `select_provider,detect`. Default: none. */
  prompt?: string;

  /** How long a started flow may take to come back to the callback. Default: 600000 (10 minutes). */
  stateTtlMs?: number;

  /**
   * Maximum number of stored flows of one user: pending ones, and used ones, which are kept
   * until they expire so that a replayed callback gets `state_already_used`. Starting another
   * drops the user's oldest. Default: 10.
   */
  maxPendingFlowsPerUser?: number;

  /**
   * Most unexpired pending flows in all; further starts fail with 503 `too_many_pending_flows`
   * until flows finish or expire. Default: 100000.
   */
  maxPendingFlows?: number;

  /** Clock skew allowed when checking the ID token's `exp`, `nbf` and `iat`, in seconds. Default: 30. */
  clockToleranceSeconds?: number;

  /**
   * Expected `iss` of the ID token. Default: `https://nylas.com`, the example issuer in the
   * Nylas OpenAPI contract. NOTE: Nylas does not document its issuer; set this if yours differs.
   */
  idTokenIssuer?: string;

  /**
   * JWKS URL used to verify the ID token's signature. Default: none. Nylas publishes no JWKS, so
   * by default the signature is not checked and the token is trusted because it came straight
   * from the token endpoint over TLS (OpenID Connect Core 1.0, section 3.1.3.7). Its issuer,
   * audience and lifetime are always checked.
   */
  jwksUri?: string;

  /** How long before expiry `getAccessToken()` refreshes an access token, in seconds. Default: 300. */
  refreshMarginSeconds?: number;

  /**
   * Called for every change to a linked grant (webhook, failed refresh, sync), after it is stored.
   * `NylasGrantEvents.events$` carries the same events. Errors it throws are logged.
   */
  onGrantEvent?: (event: NylasGrantEvent) => void | Promise<void>;

  /** Secret of the Nylas webhook, to verify `x-nylas-signature`. Required when `webhookPath` is set. */
  webhookSecret?: string;

  /** Timeout of one request to the Nylas token endpoint. Default: 10000. */
  requestTimeoutMs?: number;

  /** Redirect target after a successful callback whose flow has no `returnTo`. Default: `/`. */
  successRedirect?: string;

  /** Redirect target after a failed callback, with `nylas_error=<code>` added. Default: `/`. */
  failureRedirect?: string;

  /**
   * Origin of the application page that opens the pop-up, for example `https://app.example.com`.
   * The pop-up callback page posts its message to `window.opener` for this origin only, so a page
   * of another origin that opened the window receives nothing. Default: the origin of `callbackUri`.
   */
  popupOrigin?: string;

  /**
   * Allows flows that a front end finishes itself (`@nylas/connect` with its `codeExchange` hook,
   * through `POST <routePath>/flows` and `POST <routePath>/exchange`). Default: false.
   * WARNING: such flows have no PKCE, because that library leaves the challenge out of its
   * authorization URL, so an authorization code stolen from one user's browser can be exchanged
   * in another user's flow. Turn this on only for front ends that cannot use the redirect or
   * pop-up flow.
   */
  allowClientFlows?: boolean;

  /**
   * Policy for a grant id that Nylas returns while it is linked to another user, as happens
   * when two users connect the same mailbox. `reject` (default) changes nothing and fails with
   * `grant_linked_to_other_user`. `transfer` moves the link to the user who finished the flow.
   * WARNING: `transfer` lets anyone who can sign in to a mailbox take its link from another user.
   */
  grantConflictPolicy?: GrantConflictPolicy;

  /**
   * Returns the application user of a request. At the start it names the user the grant will be
   * linked to; at the callback, a different signed-in user is rejected with 403
   * `flow_user_mismatch`. Default: `request.user.id` when it is a string.
   */
  resolveUserId?: ResolveUserId;

  /**
   * Also rejects a callback when `resolveUserId` finds no signed-in user (401 `not_signed_in`), so
   * a flow can only finish in a browser where its own user is signed in. Needs a session cookie
   * that the top-level redirect from Nylas carries (`SameSite=Lax`, not `Strict`). Default: false.
   */
  requireSignedInCallback?: boolean;

  /**
   * Keys to store access and refresh tokens with, AES-256-GCM encrypted. Default: none, so no
   * token is stored, and the app calls Nylas with its API key and the grant id.
   */
  tokenEncryption?: TokenEncryptionOptions;
}

/** Options that shape the module itself, so they are given beside the factory in `forRootAsync()`. */
export interface NylasConnectModuleExtras {
  /** Register the module globally. Default: false. */
  isGlobal?: boolean;

  /**
   * Path of the built-in controller: `GET <routePath>` starts a flow and `GET <routePath>/callback`
   * finishes it. `false` registers no controller, for apps that put `NylasAuthGuard` on their own
   * routes. Default: `auth/nylas`.
   */
  routePath?: string | false;

  /**
   * Path of the Nylas webhook controller (`GET` completes the challenge handshake, `POST` receives events),
   * or `false` for none. It needs the `webhookSecret` option and `nylasWebhookRawBody()` mounted
   * on the same path before Nest's body parser. Default: `false`.
   */
  webhookPath?: string | false;
}
