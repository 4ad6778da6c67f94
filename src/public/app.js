// The demo page: sign in, connect a mailbox through /auth/nylas, list and disconnect linked grants.
// Every value from the server or the URL is inserted with textContent, never as HTML.
'use strict';

/** Sentences for the `nylas_error` codes of nestjs-nylas-connect; an unknown code is shown as is. */
const ERROR_MESSAGES = {
  not_signed_in: 'Sign in before connecting a mailbox.',
  invalid_return_to: 'The page to return to after connecting is not on this site.',
  invalid_provider: 'That provider is not supported.',
  invalid_login_hint: 'The email address hint is not valid.',
  invalid_user_id: 'Your username cannot be used to link a mailbox.',
  invalid_callback_url: 'The answer from Nylas was malformed. Connect the mailbox again.',
  missing_callback_parameters: 'The callback page was opened without an answer from Nylas. Start from "Connect a mailbox".',
  duplicate_callback_parameter: 'The answer from Nylas was altered (a parameter appears twice). Connect the mailbox again.',
  missing_state: 'The answer from Nylas had no state. Connect the mailbox again.',
  state_not_found: 'This connection attempt is unknown or already over. Connect the mailbox again.',
  state_expired: 'The connection attempt took too long and expired. Connect the mailbox again.',
  state_already_used: 'This connection attempt was already completed. Check the list below, or connect again.',
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
  nylas_timeout: 'Nylas did not answer in time. Try again later.',
  nylas_rate_limited: 'Nylas is rate limiting this application. Try again in a moment.',
  invalid_token_response: 'Nylas sent an incomplete answer. Connect the mailbox again.',
  invalid_id_token: 'The identity token from Nylas failed verification. Connect the mailbox again.',
  storage_unavailable: 'The database failed, so nothing was saved. Try again.',
  grant_linked_to_other_user: 'This mailbox is already linked to another user of this app. Disconnect it there first.',
  grant_not_found: 'That mailbox is not linked to your account.',
};

const elements = {
  message: document.getElementById('message'),
  signedOut: document.getElementById('signed-out'),
  signedIn: document.getElementById('signed-in'),
  signInForm: document.getElementById('sign-in-form'),
  username: document.getElementById('username'),
  currentUser: document.getElementById('current-user'),
  signOut: document.getElementById('sign-out'),
  provider: document.getElementById('provider'),
  connect: document.getElementById('connect'),
  noGrants: document.getElementById('no-grants'),
  grants: document.getElementById('grants'),
  grantRows: document.querySelector('#grants tbody'),
};

function showMessage(text, isError) {
  elements.message.textContent = text;
  elements.message.classList.toggle('error', isError);
  elements.message.hidden = false;
}

/** Calls a JSON endpoint; returns `{ status, body }` with the body parsed when there is one. */
async function callApi(method, path, body) {
  const init = { method, headers: { accept: 'application/json' }, credentials: 'same-origin' };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

/** Shows the outcome of a flow that just came back (`?nylas_error=` or `?connected=1`), then cleans the address bar. */
function showFlowOutcome() {
  const params = new URLSearchParams(window.location.search);
  const code = params.get('nylas_error');
  if (code !== null) {
    const sentence = Object.hasOwn(ERROR_MESSAGES, code) ? ERROR_MESSAGES[code] : 'Connecting the mailbox failed.';
    showMessage(`${sentence} (code: ${code})`, true);
  } else if (params.get('connected') === '1') {
    showMessage('The mailbox is connected.', false);
  }
  if (code !== null || params.has('connected')) {
    window.history.replaceState(null, '', window.location.pathname);
  }
}

/** Points the connect link at the start route with the chosen provider, returning to this page. */
function updateConnectLink() {
  const query = new URLSearchParams({ returnTo: '/?connected=1' });
  if (elements.provider.value !== '') query.set('provider', elements.provider.value);
  elements.connect.href = `/auth/nylas?${query}`;
}

function formatTime(iso) {
  return iso === null ? 'unknown' : new Date(iso).toLocaleString();
}

function createCell(text) {
  const cell = document.createElement('td');
  cell.textContent = text;
  return cell;
}

function createGrantRow(grant) {
  const row = document.createElement('tr');
  row.append(
    createCell(grant.email),
    createCell(grant.provider),
    createCell(grant.status),
    createCell(grant.scope === '' ? '(connector default)' : grant.scope),
    createCell(formatTime(grant.expiresAt)),
    createCell(formatTime(grant.createdAt)),
  );

  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'secondary';
  button.textContent = 'Disconnect';
  button.addEventListener('click', () => disconnect(grant));
  const actions = document.createElement('td');
  actions.append(button);
  row.append(actions);
  return row;
}

async function loadGrants() {
  const { status, body } = await callApi('GET', '/api/grants');
  if (status !== 200) {
    showMessage(`Loading the linked mailboxes failed (HTTP ${status}).`, true);
    return;
  }
  elements.grantRows.replaceChildren(...body.map(createGrantRow));
  elements.grants.hidden = body.length === 0;
  elements.noGrants.hidden = body.length > 0;
}

async function disconnect(grant) {
  const { status, body } = await callApi('DELETE', `/api/grants/${encodeURIComponent(grant.grantId)}`);
  if (status === 204) {
    showMessage(`Disconnected ${grant.email}.`, false);
  } else {
    showMessage(body?.message ?? `Disconnecting failed (HTTP ${status}).`, true);
  }
  await loadGrants();
}

/** Shows the signed-in or signed-out view, according to GET /api/me. */
async function refresh() {
  const { status, body } = await callApi('GET', '/api/me');
  const signedIn = status === 200;
  elements.signedOut.hidden = signedIn;
  elements.signedIn.hidden = !signedIn;
  if (!signedIn) return;

  elements.currentUser.textContent = body.id;
  await loadGrants();
}

async function signIn(event) {
  event.preventDefault();
  const { status, body } = await callApi('POST', '/login', { username: elements.username.value });
  if (status !== 200) {
    showMessage(body?.message ?? `Signing in failed (HTTP ${status}).`, true);
    return;
  }
  elements.message.hidden = true;
  await refresh();
}

async function signOut() {
  await callApi('POST', '/logout');
  elements.message.hidden = true;
  await refresh();
}

elements.signInForm.addEventListener('submit', signIn);
elements.signOut.addEventListener('click', signOut);
elements.provider.addEventListener('change', updateConnectLink);

showFlowOutcome();
updateConnectLink();
refresh().catch(() => showMessage('The demo server could not be reached.', true));
