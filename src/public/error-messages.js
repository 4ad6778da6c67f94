// Sentences for the error codes of nestjs-nylas-connect, shared by the demo's pages. A classic
// script, so its two top-level names are visible to the pages' later scripts, modules included.
'use strict';

/** Sentence for each `nylas_error` code and each `error` of a JSON error response. */
const ERROR_MESSAGES = Object.freeze({
  not_signed_in: 'Sign in before connecting a mailbox.',
  invalid_return_to: 'The page to return to after connecting is not on this site.',
  invalid_provider: 'That provider is not supported.',
  invalid_login_hint: 'The email address hint is not valid.',
  invalid_user_id: 'Your username cannot be used to link a mailbox.',
  invalid_mode: 'That way of connecting is not supported. Use this window or a pop-up.',
  invalid_callback_url: 'The answer from Nylas was malformed. Connect the mailbox again.',
  missing_callback_parameters: 'The callback page was opened without an answer from Nylas. Start from "Connect a mailbox".',
  duplicate_callback_parameter: 'The answer from Nylas was altered (a parameter appears twice). Connect the mailbox again.',
  missing_state: 'The answer from Nylas had no state. Connect the mailbox again.',
  state_not_found: 'This connection attempt is unknown or already over. Connect the mailbox again.',
  state_expired: 'The connection attempt took too long and expired. Connect the mailbox again.',
  state_already_used: 'This connection attempt was already completed. Check the list of linked mailboxes, or connect again.',
  flow_user_mismatch: 'This connection attempt was started by another user of this app, so nothing was linked. Connect the mailbox again.',
  flow_mode_mismatch: 'This connection attempt cannot be finished this way. Connect the mailbox again.',
  invalid_request_body: 'The page sent an incomplete request. Reload the page and connect again.',
  unsupported_media_type: 'The page sent a request in the wrong format. Reload the page and connect again.',
  access_denied: 'Access was denied, so no mailbox was connected.',
  invalid_request: 'Nylas rejected the request. Connect the mailbox again; if it keeps failing, check the configuration.',
  invalid_client: 'Nylas did not accept the application credentials. Check NYLAS_CLIENT_ID and NYLAS_API_KEY.',
  invalid_grant: 'Nylas rejected the authorization code. Connect the mailbox again.',
  unauthorized_client: 'Nylas does not allow this application to use hosted authentication.',
  unsupported_grant_type: 'Nylas does not support the requested grant type.',
  unsupported_response_type: 'Nylas does not support the requested response type.',
  invalid_scope: 'Nylas rejected the requested scopes.',
  server_error: 'Nylas failed while connecting the mailbox. Try again later.',
  temporarily_unavailable: 'Nylas is temporarily unavailable. Try again later.',
  oauth_error: 'Nylas returned an unknown error. Connect the mailbox again.',
  nylas_unavailable: 'Nylas could not be reached or failed. Try again later.',
  nylas_timeout: 'Nylas did not respond in time. Try again later.',
  nylas_rate_limited: 'Nylas is rate limiting this application. Try again in a moment.',
  invalid_token_response: 'Nylas sent an incomplete response. Connect the mailbox again.',
  invalid_id_token: 'The identity token from Nylas failed verification. Connect the mailbox again.',
  storage_unavailable: 'The database failed, so nothing was saved. Try again.',
  too_many_pending_flows: 'Too many connection attempts are in progress. Try again in a few minutes.',
  grant_linked_to_other_user: 'This mailbox is already linked to another user of this app. Disconnect it there first.',
  grant_link_changed: 'The mailbox link changed while it was being saved. Connect the mailbox again.',
  grant_not_found: 'That mailbox is not linked to your account.',
  // Codes of the demo itself rather than of the library.
  rate_limited: 'Too many connection attempts from this address. Wait a minute and try again.',
  internal_error: 'The server failed. Try again later.',
});

/** Returns the sentence for an error code, with the code itself so a report can name it; an unknown code gets a general sentence. */
function describeNylasError(code) {
  const sentence = Object.hasOwn(ERROR_MESSAGES, code) ? ERROR_MESSAGES[code] : 'Connecting the mailbox failed.';
  return `${sentence} (code: ${code})`;
}
