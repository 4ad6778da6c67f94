import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Root of this repository. */
export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Sources of the host app, compiled once per host into its own `dist/`. */
const HOST_SOURCES = join(PROJECT_ROOT, 'test/package/host-app/src');

/** The Jest check that a host with `jest: true` runs with its own Jest. */
const HOST_JEST_CHECKS = join(PROJECT_ROOT, 'test/package/host-app/jest');

/**
 * Jest configuration of a CommonJS host, as the package README gives it: Jest 30's CommonJS
 * runtime cannot `require()` an ES module on Node 20, so ts-jest compiles the ESM-only packages.
 */
const COMMONJS_JEST_CONFIG = `module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/jest/*.check.ts'],
  transformIgnorePatterns: ['/node_modules/(?!(nestjs-nylas-connect|@nestjs/passport|jose)/)'],
  transform: {
    '^.+\\.(t|j)s$': ['ts-jest', { tsconfig: { module: 'commonjs', allowJs: true, esModuleInterop: true, experimentalDecorators: true, emitDecoratorMetadata: true, isolatedModules: true } }],
  },
};
`;

const TSC = join(PROJECT_ROOT, 'node_modules/typescript/bin/tsc');

/**
 * Installed host dependencies are kept here between runs, one folder per host package.json, so
 * that only the first run pays for the install and the native build of better-sqlite3. It is
 * outside node_modules because the CI script runs `npm ci`, which deletes node_modules.
 */
export const HOST_CACHE_ROOT = process.env.NYLAS_PACKAGE_TEST_CACHE ?? join(PROJECT_ROOT, '.cache/nylas-connect-package-test');

/** A host app to install: its module system and the exact versions of its dependencies. */
export interface HostSpec {
  name: string;
  type: 'module' | 'commonjs';
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  /** Also run the host's own Jest check (CommonJS hosts); needs jest, ts-jest and @nestjs/testing in devDependencies. */
  jest?: boolean;
}

/** A built host app in a temporary folder. */
export interface PreparedHost {
  dir: string;
  /** Seconds spent installing and compiling, and whether the installed dependencies came from the cache. */
  installSeconds: number;
  compileSeconds: number;
  fromCache: boolean;
}

export interface CommandResult {
  stdout: string;
  stderr: string;
}

/**
 * Returns the environment for npm and the host. The test runner's own `npm_package_*` and
 * `npm_lifecycle_*` variables are dropped, so that they do not describe this repository to the
 * host's npm. better-sqlite3 is built from source, so its install script never tries to
 * download a prebuilt binary from GitHub.
 */
export function childEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^npm_(package|lifecycle)_/.test(name) || name === 'INIT_CWD') continue;
    env[name] = value;
  }
  return {
    ...env,
    npm_config_build_from_source: 'better-sqlite3',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    ...extra,
  };
}

/** Runs a command to its end and returns its output; rejects with the output when it fails. */
export function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = childEnvironment()): Promise<CommandResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) return resolvePromise({ stdout, stderr });
      const status = signal ? `signal ${signal}` : `exit code ${code}`;
      reject(new Error(`${command} ${args.join(' ')} in ${cwd} failed with ${status}.\n--- stdout\n${stdout.slice(-4000)}\n--- stderr\n${stderr.slice(-4000)}`));
    });
  });
}

/** Builds the library with its own build script, packs it into `outDir`, and returns the tarball path and the packed file list. */
export async function packLibrary(outDir: string): Promise<{ tarball: string; files: string[] }> {
  await run('npm', ['run', 'build', '--workspace', 'nestjs-nylas-connect'], PROJECT_ROOT);
  // The build ran just above, so the prepack script is skipped; its output would mix with the JSON.
  const packed = await run('npm', ['pack', '--workspace', 'nestjs-nylas-connect', '--pack-destination', outDir, '--ignore-scripts', '--json'], PROJECT_ROOT);
  const [entry] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  return { tarball: join(outDir, entry.filename), files: entry.files.map((file) => file.path) };
}

function hostPackageJson(spec: HostSpec, libraryDependency?: string): Record<string, unknown> {
  return {
    name: `nylas-connect-host-${spec.name}`,
    version: '1.0.0',
    private: true,
    type: spec.type,
    dependencies: libraryDependency ? { ...spec.dependencies, 'nestjs-nylas-connect': libraryDependency } : spec.dependencies,
    devDependencies: spec.devDependencies,
    // npm 11 runs an install script only when the root package allows it.
    allowScripts: { 'better-sqlite3': true },
  };
}

function hostTsconfig(): Record<string, unknown> {
  return {
    compilerOptions: {
      target: 'ES2022',
      module: 'nodenext',
      moduleResolution: 'nodenext',
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      strict: true,
      strictPropertyInitialization: false,
      useDefineForClassFields: false,
      esModuleInterop: true,
      skipLibCheck: true,
      types: ['node'],
      rootDir: 'src',
      outDir: 'dist',
    },
    include: ['src'],
  };
}

/** Key of a host's cached dependencies: its package.json without the library, and the runtime that built the native addon. */
function cacheKey(spec: HostSpec, npmVersion: string): string {
  const input = JSON.stringify([hostPackageJson(spec), process.version, process.platform, process.arch, npmVersion]);
  return createHash('sha256').update(input).digest('hex').slice(0, 16);
}

/**
 * Installs the host's dependencies (everything but the library) into the cache, once per key.
 * The install runs in a staging folder that is renamed when complete, so a failed or interrupted
 * install is never reused.
 */
async function ensureCachedDependencies(spec: HostSpec): Promise<{ dir: string; fromCache: boolean }> {
  const npmVersion = (await run('npm', ['--version'], PROJECT_ROOT)).stdout.trim();
  const dir = join(HOST_CACHE_ROOT, `${spec.name}-${cacheKey(spec, npmVersion)}`);
  if (existsSync(join(dir, 'node_modules'))) return { dir, fromCache: true };

  const staging = `${dir}.staging-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  writeFileSync(join(staging, 'package.json'), `${JSON.stringify(hostPackageJson(spec), null, 2)}\n`);
  try {
    await run('npm', ['install', '--no-audit', '--no-fund'], staging);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
  removeStaleCacheEntries(spec.name, dir);
  return { dir, fromCache: false };
}

/** Deletes the cached installs of earlier package.json versions of the same host. */
function removeStaleCacheEntries(hostName: string, current: string): void {
  for (const entry of readdirSync(HOST_CACHE_ROOT)) {
    const path = join(HOST_CACHE_ROOT, entry);
    if (path !== current && entry.startsWith(`${hostName}-`) && /^[0-9a-f]{16}$/.test(entry.slice(hostName.length + 1))) {
      rmSync(path, { recursive: true, force: true });
    }
  }
}

/**
 * Creates the host app in `dir`: its package.json, tsconfig and sources, the cached dependencies,
 * and the library installed from `tarball` with npm, then compiles it with this repository's
 * TypeScript.
 */
export async function prepareHost(spec: HostSpec, tarball: string, dir: string): Promise<PreparedHost> {
  const installStart = Date.now();
  const cached = await ensureCachedDependencies(spec);

  // `cp -a` keeps the symbolic links in node_modules/.bin and runs beside the event loop.
  // fs.cpSync took two to three times as long under Jest and blocked the other host's preparation.
  await run('cp', ['-a', join(cached.dir, 'node_modules'), join(dir, 'node_modules')], dir);
  cpSync(join(cached.dir, 'package-lock.json'), join(dir, 'package-lock.json'));
  cpSync(tarball, join(dir, 'nestjs-nylas-connect.tgz'));
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(hostPackageJson(spec, 'file:nestjs-nylas-connect.tgz'), null, 2)}\n`);
  // Installs the tarball beside the cached tree; npm also checks the library's peer ranges here.
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], dir);
  const installSeconds = (Date.now() - installStart) / 1000;

  const compileStart = Date.now();
  cpSync(HOST_SOURCES, join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'tsconfig.json'), `${JSON.stringify(hostTsconfig(), null, 2)}\n`);
  await run(process.execPath, [TSC, '-p', join(dir, 'tsconfig.json')], dir);
  const compileSeconds = (Date.now() - compileStart) / 1000;

  if (spec.jest) {
    cpSync(HOST_JEST_CHECKS, join(dir, 'jest'), { recursive: true });
    writeFileSync(join(dir, 'jest.config.js'), COMMONJS_JEST_CONFIG);
  }

  return { dir, installSeconds, compileSeconds, fromCache: cached.fromCache };
}

/** Runs the host's own Jest check with the host's Jest. */
export function runHostJest(dir: string): Promise<CommandResult> {
  return run(process.execPath, [join(dir, 'node_modules/jest/bin/jest.js'), '--ci', '--colors=false'], dir);
}

/** A started host app and the way to stop it. */
export interface RunningHost {
  origin: string;
  process: ChildProcess;
  /** Everything the host wrote so far, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts the compiled host with `node dist/main.js` and waits for it to print its port. */
export function startHost(dir: string, env: Record<string, string>, nodeArgs: string[] = []): Promise<RunningHost> {
  const child = spawn(process.execPath, [...nodeArgs, join(dir, 'dist/main.js')], {
    cwd: dir,
    env: childEnvironment(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };

  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`The host in ${dir} printed no port within 30 s.\n${output}`));
    }, 30_000);

    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /HOST_LISTENING (\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolvePromise({ origin: `http://127.0.0.1:${match[1]}`, process: child, output: () => output, stop });
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`The host in ${dir} exited (${signal ?? code}) before listening.\n${output}`));
    });
  });
}

/** Reads a JSON file. */
export function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}
