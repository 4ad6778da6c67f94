/** Injection token of the official Nylas SDK client that `NylasConnectModule` provides (`NylasClient`). */
export const NYLAS_CLIENT = Symbol('NYLAS_CLIENT');
