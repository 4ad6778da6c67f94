import { SetMetadata } from '@nestjs/common';

/** The role of a route guarded by `NylasAuthGuard`. */
export type NylasFlowStep = 'start' | 'callback';

/** Metadata key under which `@NylasFlowStep()` stores the role. */
export const NYLAS_FLOW_STEP = 'nylas-connect:flow-step';

/**
 * Declares whether a route guarded by `NylasAuthGuard` starts flows or receives callbacks. With
 * it, a start route refuses callback parameters and a callback route never starts a flow.
 * Without it the strategy guesses from the query and the path of `callbackUri`.
 */
export const NylasFlowStep = (step: NylasFlowStep) => SetMetadata(NYLAS_FLOW_STEP, step);
