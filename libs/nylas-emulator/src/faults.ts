import { validateHeaderName, validateHeaderValue } from 'node:http';
import type { EmulatorEndpoint } from './endpoints.js';

/** A misbehaviour to apply to requests of one endpoint group before normal handling. */
export interface EmulatorFault {
  /** Respond with this HTTP status instead of the real response. */
  status?: number;
  /** Body of the fault response; needs `status`. Default: empty. */
  body?: string;
  /** Content type of `body`; needs `status`. Default `application/json` when a body is given. */
  contentType?: string;
  /** Headers added to the fault response, or to the real response when there is no `status`, for example `{ 'retry-after': '30' }`. */
  headers?: Record<string, string>;
  /** Wait this many milliseconds first, then send the fault response, drop the connection, or continue normally. */
  delayMs?: number;
  /** Destroy the socket without sending a response. */
  dropConnection?: boolean;
  /** Number of requests the fault applies to. Default: every request until the faults are cleared. */
  times?: number;
}

/** Longest accepted delay, so that a typo cannot hold a request for hours. */
const MAX_DELAY_MS = 600_000;

/**
 * Checks a fault that came from a caller or from the control API and returns a copy.
 * Throws a TypeError that names the invalid field.
 */
export function validateFault(input: unknown): EmulatorFault {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new TypeError('A fault must be a JSON object');
  }
  const fault = input as Record<string, unknown>;
  const checked: EmulatorFault = {};

  if (fault.status !== undefined) {
    checked.status = requireInteger(fault.status, 'status', 200, 599);
  }
  if (fault.body !== undefined) {
    checked.body = requireString(fault.body, 'body');
  }
  if (fault.contentType !== undefined) {
    checked.contentType = requireString(fault.contentType, 'contentType');
  }
  if (fault.headers !== undefined) {
    checked.headers = requireHeaders(fault.headers);
  }
  if (fault.delayMs !== undefined) {
    checked.delayMs = requireInteger(fault.delayMs, 'delayMs', 0, MAX_DELAY_MS);
  }
  if (fault.dropConnection !== undefined) {
    checked.dropConnection = requireBoolean(fault.dropConnection, 'dropConnection');
  }
  if (fault.times !== undefined) {
    checked.times = requireInteger(fault.times, 'times', 1, Number.MAX_SAFE_INTEGER);
  }

  if (checked.status === undefined && (checked.body !== undefined || checked.contentType !== undefined)) {
    throw new TypeError('Fault body and contentType need a status');
  }
  const acts = checked.status !== undefined || checked.delayMs !== undefined || checked.dropConnection || checked.headers;
  if (!acts) {
    throw new TypeError('A fault needs at least one of status, delayMs, dropConnection or headers');
  }
  return checked;
}

/**
 * Injected faults per endpoint group. Faults of one group apply in the order they were injected:
 * a fault with `times` steps aside once it is used up, and one without `times` stays until cleared.
 */
export class FaultTable {
  private readonly faults = new Map<EmulatorEndpoint, EmulatorFault[]>();

  add(endpoint: EmulatorEndpoint, fault: EmulatorFault): void {
    const queue = this.faults.get(endpoint) ?? [];
    queue.push({ ...fault });
    this.faults.set(endpoint, queue);
  }

  /** Returns the fault for the next request of `endpoint`, counting one use of it. */
  take(endpoint: EmulatorEndpoint): EmulatorFault | undefined {
    const queue = this.faults.get(endpoint);
    const fault = queue?.[0];
    if (!queue || !fault) {
      return undefined;
    }
    if (fault.times !== undefined) {
      fault.times -= 1;
      if (fault.times === 0) {
        queue.shift();
      }
    }
    return fault;
  }

  clear(): void {
    this.faults.clear();
  }
}

function requireInteger(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new TypeError(`Fault ${field} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function requireString(value: unknown, field: string): string {
  if (typeof value !== 'string') {
    throw new TypeError(`Fault ${field} must be a string, got ${JSON.stringify(value)}`);
  }
  return value;
}

function requireBoolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') {
    throw new TypeError(`Fault ${field} must be true or false, got ${JSON.stringify(value)}`);
  }
  return value;
}

function requireHeaders(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError('Fault headers must be an object of header names to string values');
  }
  const headers: Record<string, string> = {};
  for (const [name, headerValue] of Object.entries(value)) {
    const text = requireString(headerValue, `header ${name}`);
    try {
      validateHeaderName(name);
      validateHeaderValue(name, text);
    } catch {
      throw new TypeError(`Fault header ${JSON.stringify(name)} has an invalid name or value`);
    }
    headers[name.toLowerCase()] = text;
  }
  return headers;
}
