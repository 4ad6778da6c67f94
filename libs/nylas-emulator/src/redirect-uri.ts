/**
 * Adds query parameters to a redirect URI and keeps its existing query byte for byte,
 * so that a client comparing its callback URL gets exactly what it registered.
 * Parameters with an undefined value are left out. Registered URIs carry no fragment.
 */
export function withQueryParams(uri: string, params: Record<string, string | undefined>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) {
      query.append(name, value);
    }
  }
  return `${uri}${querySeparator(uri)}${query.toString()}`;
}

function querySeparator(uri: string): string {
  if (!uri.includes('?')) {
    return '?';
  }
  if (uri.endsWith('?') || uri.endsWith('&')) {
    return '';
  }
  return '&';
}
