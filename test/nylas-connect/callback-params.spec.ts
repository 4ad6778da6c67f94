import { InvalidCallbackError } from 'nestjs-nylas-connect';

import { parseCallbackUrl } from '../../libs/nylas-connect/src/oauth/callback-params.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as InvalidCallbackError).code;
  }
  return undefined;
}

describe('parseCallbackUrl', () => {
  it('reads code and state', () => {
    expect(parseCallbackUrl('https://app.example/cb?code=abc&state=xyz')).toEqual({
      code: 'abc',
      state: 'xyz',
      error: undefined,
      errorDescription: undefined,
    });
  });

  it('reads an OAuth error', () => {
    const params = parseCallbackUrl('https://app.example/cb?error=access_denied&error_description=No+thanks&state=s');
    expect(params.error).toBe('access_denied');
    expect(params.errorDescription).toBe('No thanks');
    expect(params.state).toBe('s');
  });

  it.each(['code', 'state', 'error'])('rejects a repeated %s', (name) => {
    expect(codeOf(() => parseCallbackUrl(`https://app.example/cb?${name}=a&${name}=b`))).toBe('duplicate_callback_parameter');
  });

  it('rejects a relative URL', () => {
    expect(codeOf(() => parseCallbackUrl('/cb?code=a'))).toBe('invalid_callback_url');
  });

  it('rejects an oversized parameter', () => {
    expect(codeOf(() => parseCallbackUrl(`https://app.example/cb?code=${'a'.repeat(5000)}`))).toBe('invalid_callback_url');
  });

  it('treats empty values as absent', () => {
    expect(parseCallbackUrl('https://app.example/cb?code=&state=').code).toBeUndefined();
  });
});
