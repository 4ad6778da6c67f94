import { InvalidCallbackError } from '../errors/callback.errors.js';

/** The parameters of a callback URL that matter to the flow. */
export interface CallbackParams {
  code?: string;
  state?: string;
  error?: string;
  errorDescription?: string;
}

const SINGLE_VALUED = ['code', 'state', 'error', 'error_description'] as const;
const MAX_PARAM_LENGTH = 4096;

/**
 * Reads `code`, `state`, `error` and `error_description` from a callback URL. A parameter that
 * appears twice is rejected, because `URLSearchParams.get` would silently take the first one and
 * an attacker could smuggle a second code or state past a proxy that reads the last.
 */
export function parseCallbackUrl(url: string): CallbackParams {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidCallbackError('invalid_callback_url', 'The callback URL is not a valid absolute URL.');
  }

  const params: Record<string, string | undefined> = {};
  for (const name of SINGLE_VALUED) {
    const values = parsed.searchParams.getAll(name);
    if (values.length > 1) {
      throw new InvalidCallbackError('duplicate_callback_parameter', `The callback URL repeats the "${name}" parameter. Start again.`);
    }
    if (values.length === 1 && values[0].length > MAX_PARAM_LENGTH) {
      throw new InvalidCallbackError('invalid_callback_url', `The callback URL's "${name}" parameter is too long.`);
    }
    params[name] = values[0] === '' ? undefined : values[0];
  }

  return {
    code: params.code,
    state: params.state,
    error: params.error,
    errorDescription: params.error_description,
  };
}
