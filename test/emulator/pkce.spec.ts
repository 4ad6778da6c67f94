import { computeCodeChallenge, parseCodeChallengeMethod, verifyCodeVerifier } from '../../libs/nylas-emulator/src/pkce.js';

const NYLAS_CHALLENGE_OF_NYLAS = 'ZTk2YmY2Njg2YTNjMzUxMGU5ZTkyN2RiNzA2OWNiMWNiYTliOTliMDIyZjQ5NDgzYTZjZTMyNzA4MDllNjhhMg';
const RFC7636_CHALLENGE_OF_NYLAS = '6Wv2aGo8NRDp6SfbcGnLHLqbmbAi9JSDps4ycICeaKI';

describe('Nylas PKCE', () => {
  test('S256 matches the Nylas golden vector', () => {
    expect(computeCodeChallenge('nylas', 'S256')).toBe(NYLAS_CHALLENGE_OF_NYLAS);
    expect(NYLAS_CHALLENGE_OF_NYLAS).toHaveLength(86);
  });

  test('S256 verifier checks against the Nylas challenge', () => {
    expect(verifyCodeVerifier('nylas', NYLAS_CHALLENGE_OF_NYLAS, 'S256')).toBe(true);
    expect(verifyCodeVerifier('nylas!', NYLAS_CHALLENGE_OF_NYLAS, 'S256')).toBe(false);
  });

  test('RFC 7636 challenge does not verify', () => {
    expect(verifyCodeVerifier('nylas', RFC7636_CHALLENGE_OF_NYLAS, 'S256')).toBe(false);
  });

  test('plain compares the verifier itself', () => {
    expect(computeCodeChallenge('plain-verifier', 'plain')).toBe('plain-verifier');
    expect(verifyCodeVerifier('plain-verifier', 'plain-verifier', 'plain')).toBe(true);
    expect(verifyCodeVerifier('plain-verifier', 'other', 'plain')).toBe(false);
  });

  test.each([
    ['s256', 'S256'],
    ['S256', 'S256'],
    ['PLAIN', 'plain'],
    ['plain', 'plain'],
    ['sha256', undefined],
  ])('method %s parses as %s', (input, expected) => {
    expect(parseCodeChallengeMethod(input)).toBe(expected);
  });
});
