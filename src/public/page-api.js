// The JSON call both demo pages use. A classic script, so `callApi` is visible to the pages'
// later scripts, modules included.
'use strict';

/** Calls a JSON endpoint of this app and returns `{ status, body }`, with the body parsed when there is one. */
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
