/**
 * Names an unexpected error for a log line by its class and code only, never its message, which
 * may hold SQL parameters, tokens or a provider's response.
 */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${error.name} (${code})` : error.name;
  }
  return typeof error;
}
