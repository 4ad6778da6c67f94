import { setTimeout as delay } from 'node:timers/promises';
import type { RequestContext } from './emulator-context.js';
import type { EmulatorEndpoint } from './endpoints.js';
import type { EmulatorFault } from './faults.js';
import { sendRaw } from './http-io.js';

/** Result of applying a fault: the fault sent the response, or normal handling continues. */
export type FaultOutcome = 'answered' | 'continue';

/**
 * Applies the next injected fault of `endpoint`, if any. It waits, then drops the connection,
 * sends the fault's status, or adds its headers and lets normal handling continue.
 */
export async function applyFault(context: RequestContext, endpoint: EmulatorEndpoint): Promise<FaultOutcome> {
  const { emulator, req, res } = context;
  const fault = emulator.faults.take(endpoint);
  if (!fault) {
    return 'continue';
  }
  emulator.stats.countFaultServed();
  emulator.log(`Injected fault on ${endpoint} (request ${context.requestId}): ${describeFault(fault)}`);

  if (fault.delayMs) {
    // Rejects with an AbortError when the emulator closes; the dispatcher then finds the socket destroyed.
    await delay(fault.delayMs, undefined, { signal: emulator.closing });
  }
  if (fault.dropConnection) {
    req.socket.destroy();
    return 'answered';
  }
  if (fault.status === undefined) {
    for (const [name, value] of Object.entries(fault.headers ?? {})) {
      res.setHeader(name, value);
    }
    return 'continue';
  }

  const headers: Record<string, string> = { ...fault.headers };
  if (fault.body !== undefined || fault.contentType !== undefined) {
    headers['content-type'] = fault.contentType ?? 'application/json';
  }
  sendRaw(res, fault.status, headers, fault.body ?? '');
  return 'answered';
}

function describeFault(fault: EmulatorFault): string {
  const parts: string[] = [];
  if (fault.delayMs) {
    parts.push(`delay ${fault.delayMs} ms`);
  }
  if (fault.dropConnection) {
    parts.push('drop connection');
  } else if (fault.status !== undefined) {
    parts.push(`status ${fault.status}`);
  } else {
    parts.push('then normal handling');
  }
  return parts.join(', ');
}
