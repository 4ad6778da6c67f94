// The demo page: sign in, connect a mailbox in this window or in a pop-up, list and disconnect
// linked grants. Error sentences come from error-messages.js (ERROR_MESSAGES, describeNylasError).
// Every value from the server or the URL is inserted with textContent, never as HTML.
'use strict';

/** How long to wait for the pop-up's message after it closed, because the close can be seen first. */
const POPUP_CLOSE_GRACE_MS = 1000;

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
  connectPopup: document.getElementById('connect-popup'),
  noGrants: document.getElementById('no-grants'),
  grants: document.getElementById('grants'),
  grantRows: document.querySelector('#grants tbody'),
};

/** The pop-up of the flow in progress, or null. */
let popup = null;

function showMessage(text, isError) {
  elements.message.textContent = text;
  elements.message.classList.toggle('error', isError);
  elements.message.hidden = false;
}

/** Shows the outcome of a flow that just came back (`?nylas_error=` or `?connected=1`), then cleans the address bar. */
function showFlowOutcome() {
  const params = new URLSearchParams(window.location.search);
  const code = params.get('nylas_error');
  if (code !== null) {
    showMessage(describeNylasError(code), true);
  } else if (params.get('connected') === '1') {
    showMessage('The mailbox is connected.', false);
  }
  if (code !== null || params.has('connected')) {
    window.history.replaceState(null, '', window.location.pathname);
  }
}

/** Query string of the start route with the chosen provider and `extra` parameters. */
function startQuery(extra) {
  const query = new URLSearchParams(extra);
  if (elements.provider.value !== '') query.set('provider', elements.provider.value);
  return query.toString();
}

/** Points the inline connect link at the start route with the chosen provider, returning to this page. */
function updateConnectLink() {
  elements.connect.href = `/auth/nylas?${startQuery({ returnTo: '/?connected=1' })}`;
}

/**
 * Starts a pop-up flow. The pop-up's callback page posts `NYLAS_CONNECT_SUCCESS` or
 * `NYLAS_CONNECT_ERROR` to this page and closes; `onPopupMessage` takes it from there.
 */
function connectInPopup() {
  popup?.close();
  const opened = window.open(`/auth/nylas?${startQuery({ mode: 'popup' })}`, 'nylas-connect', 'popup,width=520,height=680');
  if (!opened) {
    showMessage('The browser blocked the pop-up. Allow pop-ups for this site, or connect in this window.', true);
    return;
  }
  popup = opened;
  showMessage('Finish connecting in the pop-up window.', false);
  watchPopup(opened);
}

/** Reports a pop-up closed by the user, once the grace period shows no message is coming. */
function watchPopup(watched) {
  const timer = window.setInterval(() => {
    if (!watched.closed) return;
    window.clearInterval(timer);
    window.setTimeout(() => {
      if (popup !== watched) return;
      popup = null;
      showMessage('The pop-up was closed before a mailbox was connected.', true);
    }, POPUP_CLOSE_GRACE_MS);
  }, 300);
}

/** Accepts messages only from the pop-up this page opened, on this page's own origin. */
async function onPopupMessage(event) {
  if (popup === null || event.source !== popup || event.origin !== window.location.origin) return;
  const data = event.data;
  if (typeof data !== 'object' || data === null) return;

  if (data.type === 'NYLAS_CONNECT_SUCCESS') {
    popup = null;
    showMessage(`Connected ${data.email} (${data.provider}).`, false);
    await loadGrants();
  } else if (data.type === 'NYLAS_CONNECT_ERROR') {
    popup = null;
    showMessage(describeNylasError(String(data.error)), true);
  }
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
  button.setAttribute('aria-label', `Disconnect ${grant.email}`);
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
  } else if (typeof body?.error === 'string') {
    showMessage(describeNylasError(body.error), true);
  } else {
    showMessage(`Disconnecting failed (HTTP ${status}).`, true);
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
elements.connectPopup.addEventListener('click', connectInPopup);
window.addEventListener('message', (event) => {
  onPopupMessage(event).catch(() => showMessage('The demo server could not be reached.', true));
});

showFlowOutcome();
updateConnectLink();
refresh().catch(() => showMessage('The demo server could not be reached.', true));
