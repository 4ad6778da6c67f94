/**
 * Checks the `popupOrigin` option and returns it in the form `URL.origin` gives
 * (`https://app.example.com`, with a port only when it is not the default). Without a value it
 * returns the origin of `callbackUri`. `*` and anything with a path, query or fragment are
 * rejected, so the pop-up page never posts its message to every origin. Returns the problem as a
 * sentence rather than throwing, so the caller can name the option in its own error type.
 */
export function resolvePopupOrigin(value: unknown, callbackUri: string): { origin: string } | { problem: string } {
  if (value === undefined) return { origin: new URL(callbackUri).origin };
  if (typeof value !== 'string' || value.trim() === '') return { problem: 'must be a non-empty string.' };

  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { problem: `must be an origin such as https://app.example.com, got "${value}".` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { problem: `must be an http or https origin, got "${value}".` };
  }
  if (url.username !== '' || url.password !== '' || url.pathname !== '/' || url.search !== '' || url.hash !== '' || value.endsWith('/')) {
    return { problem: `must be an origin only (scheme, host and port), without a path, query or trailing slash, got "${value}".` };
  }
  return { origin: url.origin };
}
