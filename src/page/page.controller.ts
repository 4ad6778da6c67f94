import { Controller, Get, NotFoundException, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';

import { loadPublicFiles, PUBLIC_PATHS, type PublicFile } from './public-files.js';

/** Serves the demo page at `/`, the `@nylas/connect` example at `/connect-library`, and their scripts and style sheet. */
@Controller()
export class PageController {
  private readonly files: Map<string, PublicFile> = loadPublicFiles();

  @Get(PUBLIC_PATHS)
  serve(@Req() request: Request, @Res() response: Response): void {
    const file = this.files.get(request.path);
    if (!file) throw new NotFoundException();

    // no-cache, so that an edited page shows after a restart without a stale copy.
    response.setHeader('Cache-Control', 'no-cache');
    response.type(file.contentType).send(file.body);
  }
}
