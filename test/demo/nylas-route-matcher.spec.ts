import 'reflect-metadata';

import { Controller } from '@nestjs/common';
import { DEFAULT_ROUTE_PATH } from 'nestjs-nylas-connect';

import { createNylasConnectController } from '../../libs/nylas-connect/src/auth/nylas-connect.controller.js';
import { isControllerAt } from '../../src/rate-limit/nylas-route-matcher.js';

@Controller('auth/nylas')
class AtNylasRoutes {}

@Controller(['other', '/Auth/Nylas/'])
class AtTwoPaths {}

@Controller('webhooks/nylas')
class AtWebhook {}

@Controller()
class AtRoot {}

class Undecorated {}

describe('isControllerAt', () => {
  it("matches the library's controller at the default route path", () => {
    expect(isControllerAt(createNylasConnectController(DEFAULT_ROUTE_PATH), DEFAULT_ROUTE_PATH)).toBe(true);
  });

  it('ignores letter case and outer slashes', () => {
    expect(isControllerAt(AtNylasRoutes, '/AUTH/NYLAS/')).toBe(true);
    expect(isControllerAt(AtTwoPaths, 'auth/nylas')).toBe(true);
  });

  it('rejects other paths', () => {
    expect(isControllerAt(AtWebhook, 'auth/nylas')).toBe(false);
    expect(isControllerAt(AtNylasRoutes, 'auth/nylas/callback')).toBe(false);
    expect(isControllerAt(AtNylasRoutes, 'auth')).toBe(false);
    expect(isControllerAt(AtRoot, 'auth/nylas')).toBe(false);
    expect(isControllerAt(Undecorated, 'auth/nylas')).toBe(false);
  });
});
