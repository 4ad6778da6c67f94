import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Logger,
  Post,
  Req,
  Res,
  UnsupportedMediaTypeException,
  UseGuards,
} from '@nestjs/common';
import type { Request, Response } from 'express';

import type { DemoConfig } from '../config/demo-config.js';
import { DEMO_CONFIG } from '../config/demo-config.module.js';
import { CurrentUser } from './current-user.decorator.js';
import type { DemoUser } from './demo-user.js';
import { clearSessionCookie, writeSessionCookie } from './session-cookie.js';
import { SignedInGuard } from './signed-in.guard.js';
import { isValidUsername, USERNAME_RULE } from './username.js';

/**
 * Demo sign-in: anyone may sign in as any valid username, with no password, because the demo is
 * about linking mailboxes to app users, not about authenticating them.
 */
@Controller()
export class SessionController {
  private readonly logger = new Logger('Session');

  constructor(@Inject(DEMO_CONFIG) private readonly config: DemoConfig) {}

  /**
   * Signs in with a JSON body `{"username": "alice"}`. Other content types are rejected because a
   * cross-site HTML form can send form-encoded or plain-text bodies but not JSON, so it cannot
   * sign a browser in as the attacker.
   */
  @Post('login')
  @HttpCode(200)
  login(@Req() request: Request, @Body() body: unknown, @Res({ passthrough: true }) response: Response): DemoUser {
    if (!request.is('application/json')) {
      throw new UnsupportedMediaTypeException({
        statusCode: 415,
        error: 'unsupported_media_type',
        message: 'Send the sign-in as JSON, with Content-Type: application/json.',
      });
    }
    const username = typeof body === 'object' && body !== null ? (body as { username?: unknown }).username : undefined;
    if (!isValidUsername(username)) {
      throw new BadRequestException({ statusCode: 400, error: 'invalid_username', message: `Invalid sign-in: ${USERNAME_RULE}.` });
    }

    writeSessionCookie(response, username, this.config.session.secureCookie);
    this.logger.log(`User ${username} signed in`);
    return { id: username };
  }

  @Post('logout')
  @HttpCode(204)
  logout(@Res({ passthrough: true }) response: Response): void {
    clearSessionCookie(response, this.config.session.secureCookie);
  }

  @Get('api/me')
  @UseGuards(SignedInGuard)
  me(@CurrentUser() user: DemoUser): DemoUser {
    return user;
  }
}
