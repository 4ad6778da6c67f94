import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A file of the demo page, read into memory at start-up. */
export interface PublicFile {
  contentType: string;
  body: Buffer;
}

/** Every file the page needs, by request path; nothing else in the folder is served. */
const PUBLIC_FILES: Record<string, { name: string; contentType: string }> = {
  '/': { name: 'index.html', contentType: 'text/html; charset=utf-8' },
  '/app.js': { name: 'app.js', contentType: 'text/javascript; charset=utf-8' },
  '/app.css': { name: 'app.css', contentType: 'text/css; charset=utf-8' },
};

/**
 * Finds the folder with the page files. Run from the TypeScript sources (tests), it is `../public`.
 * Run from the build in `dist/src/page`, it is `src/public` three folders up, because tsc does not
 * copy HTML, CSS or plain JavaScript into `dist`.
 */
export function findPublicDir(): string {
  const moduleDir = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(moduleDir, '..', 'public'), join(moduleDir, '..', '..', '..', 'src', 'public')];
  const found = candidates.find((dir) => existsSync(join(dir, 'index.html')));
  if (!found) {
    throw new Error(`The demo page (index.html) was not found in ${candidates.join(' or ')}.`);
  }
  return found;
}

/** Reads every page file once; a missing file fails at start-up rather than at the first request. */
export function loadPublicFiles(dir = findPublicDir()): Map<string, PublicFile> {
  const files = new Map<string, PublicFile>();
  for (const [path, { name, contentType }] of Object.entries(PUBLIC_FILES)) {
    files.set(path, { contentType, body: readFileSync(join(dir, name)) });
  }
  return files;
}
