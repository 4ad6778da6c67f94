/** Endpoint groups that the emulator counts requests for and can inject faults into. */
export const EMULATOR_ENDPOINTS = ['auth', 'consent', 'token', 'tokeninfo', 'revoke', 'grants', 'jwks'] as const;

/**
 * Endpoint group: `auth` is GET /v3/connect/auth, `consent` is POST /v3/connect/auth/consent,
 * `grants` covers GET and DELETE /v3/grants/{id}, and `jwks` is GET /__emulator/jwks.json.
 */
export type EmulatorEndpoint = (typeof EMULATOR_ENDPOINTS)[number];

export function isEmulatorEndpoint(value: unknown): value is EmulatorEndpoint {
  return typeof value === 'string' && (EMULATOR_ENDPOINTS as readonly string[]).includes(value);
}
