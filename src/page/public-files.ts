import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A file of the demo page, read into memory at start-up. */
export interface PublicFile {
  contentType: string;
  body: Buffer;
}

const HTML = 'text/html; charset=utf-8';
const JAVASCRIPT = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

/** Every file the pages need, by request path; nothing else in the folder is served. */
const PUBLIC_FILES: Record<string, { name: string; contentType: string }> = {
  '/': { name: 'index.html', contentType: HTML },
  '/app.js': { name: 'app.js', contentType: JAVASCRIPT },
  '/app.css': { name: 'app.css', contentType: CSS },
  '/error-messages.js': { name: 'error-messages.js', contentType: JAVASCRIPT },
  '/page-api.js': { name: 'page-api.js', contentType: JAVASCRIPT },
  '/connect-library': { name: 'connect-library.html', contentType: HTML },
  '/connect-library.js': { name: 'connect-library.js', contentType: JAVASCRIPT },
};

/**
 * Files served from installed packages. `@nylas/connect` ships one self-contained ES module with
 * no imports, so the example page loads it without a bundler. It is MIT licensed: the served copy
 * starts with its license text, as the license requires of copies.
 */
const PACKAGE_FILES: Record<string, { packageName: string; file: string; license: string }> = {
  '/vendor/nylas-connect.js': { packageName: '@nylas/connect', file: 'dist/index.js', license: 'LICENSE.md' },
};

/** Request paths of every file `loadPublicFiles` returns, for the controller's route list. */
export const PUBLIC_PATHS = [...Object.keys(PUBLIC_FILES), ...Object.keys(PACKAGE_FILES)];

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

/**
 * Finds an installed package's folder by walking up from this file to the nearest
 * `node_modules` that has it, as Node's resolver does. `require.resolve` cannot be used, because
 * `@nylas/connect` exports only an `import` entry point and not its `package.json`.
 */
export function findPackageDir(packageName: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'node_modules', packageName);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`The package ${packageName} is not installed; run npm install.`);
    dir = parent;
  }
}

/** Reads every page file once; a missing file fails at start-up rather than at the first request. */
export function loadPublicFiles(dir = findPublicDir()): Map<string, PublicFile> {
  const files = new Map<string, PublicFile>();
  for (const [path, { name, contentType }] of Object.entries(PUBLIC_FILES)) {
    files.set(path, { contentType, body: readFileSync(join(dir, name)) });
  }
  for (const [path, { packageName, file, license }] of Object.entries(PACKAGE_FILES)) {
    const packageDir = findPackageDir(packageName);
    const licenseText = readFileSync(join(packageDir, license), 'utf8').replaceAll('*/', '* /');
    const header = `/*!\n${packageName}, served unchanged below. Its license:\n\n${licenseText.trim()}\n*/\n`;
    files.set(path, { contentType: JAVASCRIPT, body: Buffer.concat([Buffer.from(header), readFileSync(join(packageDir, file))]) });
  }
  return files;
}
