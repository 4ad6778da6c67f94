// Example of a front end that uses the official browser library @nylas/connect (1.2.5) while the
// tokens stay on the server. The library opens the pop-up and waits for the code. Its
// `codeExchange` hook then sends the code to this app's server, which exchanges it.
// describeNylasError comes from error-messages.js, a classic script loaded first.
import { NylasConnect } from '/vendor/nylas-connect.js';

/**
 * Placeholder for the access token, which stays on the server. @nylas/connect 1.2.5 rejects a
 * `codeExchange` result without `accessToken`, and nothing on this page reads it.
 */
const TOKEN_KEPT_ON_SERVER = 'kept-on-server';

const elements = {
  message: document.getElementById('message'),
  signedOut: document.getElementById('signed-out'),
  signedIn: document.getElementById('signed-in'),
  currentUser: document.getElementById('current-user'),
  provider: document.getElementById('provider'),
  connect: document.getElementById('connect-with-library'),
};

function showMessage(text, isError) {
  elements.message.textContent = text;
  elements.message.classList.toggle('error', isError);
  elements.message.hidden = false;
}

/** An error that carries the stable code from this app's server, so the page can explain it. */
class ServerError extends Error {
  constructor(code) {
    super(code);
    this.name = 'ServerError';
    this.code = code;
  }
}

/**
 * The `codeExchange` hook: @nylas/connect calls it with `{ code, state, ... }` after the pop-up
 * returns. The server checks that the state belongs to the signed-in user and exchanges the code
 * with the API key; it returns only `{ grantId, email, provider }`.
 */
async function exchangeOnServer({ code, state }) {
  const { status, body } = await callApi('POST', '/auth/nylas/exchange', { code, state });
  if (status !== 200) throw new ServerError(typeof body?.error === 'string' ? body.error : `http_${status}`);
  return {
    accessToken: TOKEN_KEPT_ON_SERVER,
    idToken: '',
    grantId: body.grantId,
    // The session this object describes lives on the server; 0 keeps the library from reusing it.
    expiresAt: 0,
    scope: '',
    grantInfo: { id: body.grantId, email: body.email, provider: body.provider },
  };
}

/**
 * Returns the error code behind a failure of `connect()`. The library wraps a failed hook in its
 * own TokenError, with the hook's error as `originalError`. A failure that the pop-up page
 * reports becomes a PopupError whose message is the code, such as `access_denied`.
 */
function errorCodeOf(error) {
  if (error?.originalError instanceof ServerError) return error.originalError.code;
  if (error instanceof ServerError) return error.code;
  return typeof error?.message === 'string' ? error.message : 'unknown_error';
}

async function connectWithLibrary() {
  const provider = elements.provider.value;
  elements.connect.disabled = true;
  try {
    // 1. The server starts the flow and issues the state; it also returns its own authorization URL.
    const started = await callApi('POST', '/auth/nylas/flows', { provider });
    if (started.status !== 201) throw new ServerError(started.body?.error ?? `http_${started.status}`);

    // 2. The client id, the callback URI and the Nylas API base are read from that URL, so this
    //    page needs no configuration of its own. A real front end may have them in its settings.
    const issued = new URL(started.body.url);
    const nylas = new NylasConnect({
      clientId: issued.searchParams.get('client_id'),
      redirectUri: issued.searchParams.get('redirect_uri'),
      apiUrl: issued.origin,
      // A new instance per flow, with nothing persisted, so connect() never reuses an old session.
      persistTokens: false,
      logLevel: 'off',
      codeExchange: exchangeOnServer,
    });

    // 3. The library opens the pop-up with the server's state, waits for the callback page to hand
    //    it the code, and calls exchangeOnServer.
    const result = await nylas.connect({ method: 'popup', provider, state: started.body.state });
    showMessage(`Connected ${result.grantInfo.email} (${result.grantInfo.provider}) through @nylas/connect.`, false);
  } catch (error) {
    const code = errorCodeOf(error);
    showMessage(code.includes(' ') ? `Connecting failed: ${code}` : describeNylasError(code), true);
  } finally {
    elements.connect.disabled = false;
  }
}

async function refresh() {
  const { status, body } = await callApi('GET', '/api/me');
  elements.signedOut.hidden = status === 200;
  elements.signedIn.hidden = status !== 200;
  if (status === 200) elements.currentUser.textContent = body.id;
}

elements.connect.addEventListener('click', () => {
  connectWithLibrary();
});
refresh().catch(() => showMessage('The demo server could not be reached.', true));
