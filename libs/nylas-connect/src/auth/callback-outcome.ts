import type { Request } from 'express';

import type { NylasFlowMode } from '../nylas-flow-mode.js';

/**
 * Code and state from the callback of a `client` flow, in place of a `NylasConnection`. The
 * callback page hands them to the front end, which finishes the flow through the exchange
 * endpoint. Nothing has been claimed or exchanged yet.
 */
export interface NylasCodeHandoff {
  handoff: 'client';
  code: string;
  state: string;
  /** The validated same-site path given when the flow started, if any. */
  returnTo: string | null;
}

/** Returns whether `request.user` after a callback is a `NylasCodeHandoff` rather than a `NylasConnection`. */
export function isCodeHandoff(value: unknown): value is NylasCodeHandoff {
  return typeof value === 'object' && value !== null && (value as Partial<NylasCodeHandoff>).handoff === 'client';
}

/** Stored mode of the flow each callback request belongs to, set by the strategy and read by the controller and filters. */
const callbackFlowModes = new WeakMap<Request, NylasFlowMode>();

/** Records the stored mode of the flow a callback request belongs to. */
export function rememberFlowMode(request: Request, mode: NylasFlowMode): void {
  callbackFlowModes.set(request, mode);
}

/** Returns the stored mode recorded for a callback request, or undefined when none was found. */
export function rememberedFlowMode(request: Request): NylasFlowMode | undefined {
  return callbackFlowModes.get(request);
}
