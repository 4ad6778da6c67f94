import { createHash } from 'node:crypto';

import { createNylasCodeChallenge } from 'nestjs-nylas-connect';

import { createCodeVerifier } from '../../libs/nylas-connect/src/oauth/pkce.js';

describe('Nylas PKCE', () => {
  it('matches the golden vector for verifier "nylas"', () => {
    expect(createNylasCodeChallenge('nylas')).toBe(
      'ZTk2YmY2Njg2YTNjMzUxMGU5ZTkyN2RiNzA2OWNiMWNiYTliOTliMDIyZjQ5NDgzYTZjZTMyNzA4MDllNjhhMg',
    );
  });

  it('differs from the RFC 7636 challenge', () => {
    const rfcChallenge = createHash('sha256').update('nylas').digest('base64url');
    expect(rfcChallenge).toBe('6Wv2aGo8NRDp6SfbcGnLHLqbmbAi9JSDps4ycICeaKI');
    expect(createNylasCodeChallenge('nylas')).not.toBe(rfcChallenge);
  });

  it('creates 43-character unreserved verifiers', () => {
    const verifier = createCodeVerifier();
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(createCodeVerifier()).not.toBe(verifier);
  });
});
