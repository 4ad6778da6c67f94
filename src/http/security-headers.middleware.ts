import type { NextFunction, Request, Response } from 'express';

/**
 * Content-Security-Policy of every response. The page loads only its own script and style sheet,
 * so `default-src 'self'` suffices and inline scripts are blocked. `form-action 'self'` is safe
 * because the page starts a Nylas flow with a link, not a form: browsers apply form-action to a
 * form's redirects too, which would block the redirect to Nylas.
 */
export const CONTENT_SECURITY_POLICY = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";

/** Sets strict security headers on every response and drops Express's X-Powered-By. */
export function securityHeaders(_request: Request, response: Response, next: NextFunction): void {
  response.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('X-Frame-Options', 'DENY');
  // The callback URL carries the code and state; never send any URL of this site to another.
  response.setHeader('Referrer-Policy', 'no-referrer');
  // same-origin-allow-popups rather than same-origin: the connect pop-up passes through Nylas on
  // another origin, and same-origin would cut its link to this page, so it could not report back.
  // Pages of other origins that open this one are still cut off.
  response.setHeader('Cross-Origin-Opener-Policy', 'same-origin-allow-popups');
  response.removeHeader('X-Powered-By');
  next();
}
