/** Injection token of the checked options with defaults applied (`ResolvedNylasConnectOptions`). */
export const NYLAS_CONNECT_OPTIONS = Symbol('NYLAS_CONNECT_OPTIONS');

/** Name under which the Passport strategy is registered, as in `AuthGuard('nylas')`. */
export const NYLAS_STRATEGY_NAME = 'nylas';

/** Query parameter added to the failure redirect, carrying the stable error code. */
export const NYLAS_ERROR_QUERY_PARAM = 'nylas_error';
