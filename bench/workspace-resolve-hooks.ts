/** Module resolution hooks registered by `workspace-resolver`; they run on Node's loader thread. */

/** The workspace packages, mapped to their compiled sources next to this file's output. */
const WORKSPACE_PACKAGES: Record<string, string> = {
  'nestjs-nylas-connect': new URL('../libs/nylas-connect/src/index.js', import.meta.url).href,
  'nylas-emulator': new URL('../libs/nylas-emulator/src/index.js', import.meta.url).href,
};

interface ResolveResult {
  url: string;
  shortCircuit?: boolean;
}

export async function resolve(
  specifier: string,
  context: unknown,
  nextResolve: (specifier: string, context: unknown) => Promise<ResolveResult>,
): Promise<ResolveResult> {
  const url = WORKSPACE_PACKAGES[specifier];
  if (url !== undefined) return { url, shortCircuit: true };
  return nextResolve(specifier, context);
}
