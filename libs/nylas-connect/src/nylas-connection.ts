import type { ConnectResult } from './connect-result.js';
import type { NylasGrant } from './entities/nylas-grant.entity.js';
import type { NylasFlowMode } from './nylas-flow-mode.js';

/**
 * Everything a finished callback produced: what `callback(url)` returns, the stored link, and
 * the flow's user and return path. `NylasAuthGuard` puts it on `request.user` after a callback.
 */
export interface NylasConnection {
  result: ConnectResult;
  grant: NylasGrant;
  userId: string;
  /** The validated same-site path given when the flow started, if any. */
  returnTo: string | null;
}

/** Parameters of a new flow. */
export interface StartFlowParams {
  /** The application user the grant will be linked to. */
  userId: string;
  /** Preselects the provider at Nylas; defaults to the `provider` option. */
  provider?: string;
  /** Scopes for this flow; defaults to the `scope` option. */
  scope?: string[];
  /** Prefills the email address at Nylas. */
  loginHint?: string;
  /** A same-site path to return to after the callback. */
  returnTo?: string;
  /**
   * Response style of the callback (see `NylasFlowMode`). Default: `redirect`. A `client` flow
   * requests no PKCE challenge, because `@nylas/connect` builds its own authorization URL
   * without one when it hands the code to a backend.
   */
  mode?: NylasFlowMode;
}

/** A started flow: where to send the browser, and the state that will come back. */
export interface StartedFlow {
  url: string;
  state: string;
  /** When the flow expires, in Unix milliseconds. */
  expiresAt: number;
}
