import { InvalidStartParameterError } from '../errors/start.errors.js';

const MAX_RETURN_TO_LENGTH = 2048;

/**
 * Accepts only a path on this site, such as `/settings/mail?tab=1`, so that the redirect after
 * the callback can never leave the site. Rejected: absolute URLs, protocol-relative `//host`,
 * backslashes (browsers read `/\host` as `//host`), encoded slashes or backslashes that a later
 * decode could turn into either, control characters, and anything over 2048 characters.
 */
export function validateReturnTo(returnTo: string): string {
  const reject = (reason: string) =>
    new InvalidStartParameterError('invalid_return_to', `returnTo must be a path on this site starting with "/" (${reason}).`);

  if (returnTo.length > MAX_RETURN_TO_LENGTH) throw reject(`longer than ${MAX_RETURN_TO_LENGTH} characters`);
  if (!returnTo.startsWith('/')) throw reject('it does not start with "/"');
  if (returnTo.startsWith('//')) throw reject('it names another host');
  if (returnTo.includes('\\')) throw reject('it contains a backslash');
  if (/%(2f|5c)/i.test(returnTo)) throw reject('it contains an encoded slash or backslash');
  if (/[\u0000-\u001f\u007f]/.test(returnTo)) throw reject('it contains control characters');

  // The URL parser is the final word: resolved against a placeholder origin, the path must stay on it.
  const origin = 'http://return-to.invalid';
  const resolved = new URL(returnTo, origin);
  if (resolved.origin !== origin) throw reject('it names another host');
  return returnTo;
}
