import { lookup } from 'node:dns';
import type { LookupFunction } from 'node:net';

/** Host names that reach this machine only. The WHATWG URL parser has already lowercased them and normalized IPv4 forms such as 127.1. */
const LOOPBACK_HOSTNAMES = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * Parses a webhook URL and checks that it is plain HTTP on a loopback host (127.0.0.1, [::1] or localhost),
 * because the emulator must never send a request to another machine. Throws a TypeError that names the URL.
 */
export function parseLoopbackUrl(value: unknown): URL {
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`Webhook url must be a non-empty string, got ${JSON.stringify(value)}`);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`Webhook url ${JSON.stringify(value)} is not an absolute URL`);
  }
  if (url.protocol !== 'http:') {
    throw new TypeError(`Webhook url ${JSON.stringify(value)} must use http: the emulator delivers only to loopback endpoints, without TLS`);
  }
  if (!LOOPBACK_HOSTNAMES.has(url.hostname)) {
    throw new TypeError(
      `Webhook url ${JSON.stringify(value)} is not on a loopback host: use 127.0.0.1, [::1] or localhost, because the emulator never sends to another host`,
    );
  }
  return url;
}

/**
 * Resolves a host name for outgoing webhook requests and fails unless every address is a loopback address.
 * `localhost` normally resolves through the hosts file. This check keeps an unusual hosts file or resolver
 * from sending a delivery to another machine. IP literals skip the lookup.
 */
export const loopbackLookup: LookupFunction = (hostname, options, callback) => {
  lookup(hostname, options, (error, address, family) => {
    if (error) {
      callback(error, address, family);
      return;
    }
    const addresses = Array.isArray(address) ? address.map((entry) => entry.address) : [address];
    const outside = addresses.find((candidate) => !isLoopbackAddress(candidate));
    if (outside !== undefined) {
      callback(new Error(`${hostname} resolved to ${outside}, which is not a loopback address; the emulator sends webhooks only to loopback`), address, family);
      return;
    }
    callback(null, address, family);
  });
};

function isLoopbackAddress(address: string): boolean {
  return address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.');
}
