import { PATH_METADATA } from '@nestjs/common/constants.js';

/**
 * Returns whether a controller class is mounted at `routePath`, read from the path its
 * `@Controller()` decorator stores. Both sides lose their leading and trailing slashes and are
 * compared in lower case, because Express matches routes case-insensitively: `/AUTH/NYLAS` is
 * served by the controller at `auth/nylas`.
 */
export function isControllerAt(controller: object, routePath: string): boolean {
  const metadata: unknown = Reflect.getMetadata(PATH_METADATA, controller);
  const paths = Array.isArray(metadata) ? metadata : [metadata];
  const expected = normalizeRoutePath(routePath);
  return paths.some((path) => typeof path === 'string' && normalizeRoutePath(path) === expected);
}

function normalizeRoutePath(path: string): string {
  return path.replace(/^\/+|\/+$/g, '').toLowerCase();
}
