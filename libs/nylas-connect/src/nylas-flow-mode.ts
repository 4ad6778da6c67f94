/**
 * Response style of a flow's callback. It is chosen when the flow starts and stored with the
 * pending flow, so a callback URL cannot switch it.
 *
 * - `redirect`: the callback redirects the browser to the return path, or to `failureRedirect`
 *   with `nylas_error=<code>` (the default).
 * - `popup`: the callback responds with a small page that posts the outcome to `window.opener`
 *   and closes the window.
 * - `client`: a front end such as `@nylas/connect` finishes the flow through
 *   `POST <routePath>/exchange`. The callback page hands `code` and `state` to `window.opener`,
 *   as `@nylas/connect` does in its own pop-up, and exchanges nothing itself.
 */
export type NylasFlowMode = 'redirect' | 'popup' | 'client';

export const NYLAS_FLOW_MODES: readonly NylasFlowMode[] = ['redirect', 'popup', 'client'];

/** Type of the message a pop-up page posts after success, the same value `@nylas/connect` uses. */
export const NYLAS_CONNECT_SUCCESS = 'NYLAS_CONNECT_SUCCESS';

/** Type of the message a pop-up page posts after a failure, the same value `@nylas/connect` uses. */
export const NYLAS_CONNECT_ERROR = 'NYLAS_CONNECT_ERROR';
