import type { Request, Response } from 'express';

import { isValidUsername } from './username.js';

/** Name of the signed session cookie. */
export const SESSION_COOKIE = 'demo_session';

/** How long a sign-in lasts: 12 hours, enforced by the expiry inside the signed value. */
export const SESSION_LIFETIME_MS = 12 * 60 * 60 * 1000;

/** Contents of the session cookie, which cookie-parser signs with an HMAC-SHA256 of the session secret. */
interface SessionPayload {
  user: string;
  /** Expiry in Unix milliseconds, inside the signature so that an old cookie cannot be revived. */
  exp: number;
}

/**
 * Returns the session cookie's attributes. The session lives entirely in the signed cookie, with
 * no server-side store, so any number of instances that share `SESSION_SECRET` accept it.
 * `SameSite=Lax` keeps it off cross-site POST, PUT and DELETE requests, and `HttpOnly` keeps it
 * away from scripts.
 */
function cookieOptions(secure: boolean) {
  return { httpOnly: true, sameSite: 'lax' as const, secure, path: '/', signed: true };
}

/** Signs the user in by setting the session cookie. */
export function writeSessionCookie(response: Response, username: string, secure: boolean, now = Date.now()): void {
  const payload: SessionPayload = { user: username, exp: now + SESSION_LIFETIME_MS };
  response.cookie(SESSION_COOKIE, payload, { ...cookieOptions(secure), maxAge: SESSION_LIFETIME_MS });
}

/** Signs the user out by expiring the session cookie. */
export function clearSessionCookie(response: Response, secure: boolean): void {
  const { signed: _signed, ...options } = cookieOptions(secure);
  response.clearCookie(SESSION_COOKIE, options);
}

/**
 * Returns the username of a valid session cookie, or undefined. cookie-parser has already
 * checked the signature: a tampered cookie reads as `false`, a JSON one as an object.
 */
export function readSessionUser(request: Request, now = Date.now()): string | undefined {
  const signedCookies = (request as Request & { signedCookies?: Record<string, unknown> }).signedCookies;
  const payload = signedCookies?.[SESSION_COOKIE];
  if (typeof payload !== 'object' || payload === null) return undefined;

  const { user, exp } = payload as Partial<SessionPayload>;
  if (!isValidUsername(user) || typeof exp !== 'number' || exp <= now) return undefined;
  return user;
}
