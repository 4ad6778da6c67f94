import { InvalidStartParameterError } from 'nestjs-nylas-connect';

import { validateReturnTo } from '../../libs/nylas-connect/src/oauth/return-to.js';

describe('validateReturnTo', () => {
  it.each(['/', '/settings', '/settings/mail?tab=1#top', '/a/b-c_d.e'])('accepts same-site path %s', (path) => {
    expect(validateReturnTo(path)).toBe(path);
  });

  it.each([
    'https://evil.example/',
    '//evil.example',
    '/\\evil.example',
    '/%2F%2Fevil.example',
    '/%5Cevil.example',
    'javascript:alert(1)',
    'settings',
    '/\tevil',
    '/' + 'a'.repeat(2048),
  ])('rejects %s', (path) => {
    expect(() => validateReturnTo(path)).toThrow(InvalidStartParameterError);
    try {
      validateReturnTo(path);
    } catch (error) {
      expect((error as InvalidStartParameterError).code).toBe('invalid_return_to');
    }
  });
});
