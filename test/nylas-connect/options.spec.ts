import { InvalidNylasConnectOptionError, resolveNylasConnectOptions, type NylasConnectOptions } from 'nestjs-nylas-connect';

const valid: NylasConnectOptions = {
  clientId: 'client',
  apiKey: 'key',
  callbackUri: 'https://app.example/auth/nylas/callback',
};

function optionNameOf(options: unknown): string | undefined {
  try {
    resolveNylasConnectOptions(options as NylasConnectOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidNylasConnectOptionError);
    return (error as InvalidNylasConnectOptionError).option;
  }
  return undefined;
}

describe('resolveNylasConnectOptions', () => {
  it('applies the documented defaults', () => {
    const resolved = resolveNylasConnectOptions(valid);
    expect(resolved.apiUri).toBe('https://api.us.nylas.com');
    expect(resolved.accessType).toBe('online');
    expect(resolved.stateTtlMs).toBe(600_000);
    expect(resolved.clockToleranceSeconds).toBe(30);
    expect(resolved.idTokenIssuer).toBe('https://nylas.com');
    expect(resolved.successRedirect).toBe('/');
    expect(resolved.failureRedirect).toBe('/');
    expect(resolved.grantConflictPolicy).toBe('reject');
    expect(resolved.scope).toEqual([]);
  });

  it('strips a trailing slash from apiUri', () => {
    expect(resolveNylasConnectOptions({ ...valid, apiUri: 'https://api.eu.nylas.com/' }).apiUri).toBe('https://api.eu.nylas.com');
  });

  it.each<[string, unknown]>([
    ['clientId', { ...valid, clientId: '' }],
    ['apiKey', { ...valid, apiKey: undefined }],
    ['callbackUri', { ...valid, callbackUri: undefined }],
    ['callbackUri', { ...valid, callbackUri: '/auth/nylas/callback' }],
    ['callbackUri', { ...valid, callbackUri: 'ftp://app.example/cb' }],
    ['callbackUri', { ...valid, callbackUri: 'https://app.example/cb#x' }],
    ['apiUri', { ...valid, apiUri: 'not a url' }],
    ['jwksUri', { ...valid, jwksUri: 'jwks' }],
    ['scope', { ...valid, scope: 'email' }],
    ['scope', { ...valid, scope: ['a b'] }],
    ['provider', { ...valid, provider: 'aol' }],
    ['accessType', { ...valid, accessType: 'forever' }],
    ['stateTtlMs', { ...valid, stateTtlMs: 0 }],
    ['clockToleranceSeconds', { ...valid, clockToleranceSeconds: -1 }],
    ['requestTimeoutMs', { ...valid, requestTimeoutMs: Number.NaN }],
    ['successRedirect', { ...valid, successRedirect: 'https://evil.example' }],
    ['failureRedirect', { ...valid, failureRedirect: '//evil.example' }],
    ['grantConflictPolicy', { ...valid, grantConflictPolicy: 'share' }],
    ['resolveUserId', { ...valid, resolveUserId: 'user' }],
    ['maxPendingFlowsPerUser', { ...valid, maxPendingFlowsPerUser: 1.5 }],
  ])('names %s when it is malformed', (name, options) => {
    expect(optionNameOf(options)).toBe(name);
  });
});
