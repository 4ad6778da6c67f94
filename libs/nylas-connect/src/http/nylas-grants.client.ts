import { Inject, Injectable } from '@nestjs/common';

import { NylasUnavailableError } from '../errors/nylas-api.errors.js';
import { NYLAS_CONNECT_OPTIONS } from '../nylas-connect.constants.js';
import type { ResolvedNylasConnectOptions } from '../resolved-options.js';
import { isRecord, requestNylas } from './nylas-http.js';

/** The fields of a Nylas grant (`GET /v3/grants/{id}`) that the module keeps in step. */
export interface NylasGrantDetails {
  id: string;
  status: 'valid' | 'invalid';
  email?: string;
  provider?: string;
  /** Space separated, as in the token response; the grants API returns an array. */
  scope?: string;
}

/**
 * Reads and deletes grants through the Nylas grants API with the API key. Like the token
 * client it uses `fetch`, so failures map to the module's typed errors.
 */
@Injectable()
export class NylasGrantsClient {
  constructor(@Inject(NYLAS_CONNECT_OPTIONS) private readonly options: ResolvedNylasConnectOptions) {}

  /** Returns the grant, or null when Nylas does not know it (404). */
  async find(grantId: string): Promise<NylasGrantDetails | null> {
    const response = await requestNylas({
      method: 'GET',
      url: this.grantUrl(grantId),
      headers: { authorization: `Bearer ${this.options.apiKey}` },
      timeoutMs: this.options.requestTimeoutMs,
      target: 'the grants API',
    });
    if (response.status === 404) return null;
    if (response.status !== 200 || !isRecord(response.json) || !isRecord(response.json.data)) {
      throw new NylasUnavailableError(`the grants API responded with HTTP ${response.status}`, response.status);
    }
    return readGrant(grantId, response.json.data);
  }

  /** Deletes the grant at Nylas; a 404 from Nylas counts as deleted. */
  async delete(grantId: string): Promise<void> {
    const response = await requestNylas({
      method: 'DELETE',
      url: this.grantUrl(grantId),
      headers: { authorization: `Bearer ${this.options.apiKey}` },
      timeoutMs: this.options.requestTimeoutMs,
      target: 'the grants API',
    });
    if (response.status === 200 || response.status === 404) return;
    throw new NylasUnavailableError(`the grants API responded with HTTP ${response.status}`, response.status);
  }

  private grantUrl(grantId: string): string {
    return `${this.options.apiUri}/v3/grants/${encodeURIComponent(grantId)}`;
  }
}

function readGrant(grantId: string, data: Record<string, unknown>): NylasGrantDetails {
  const scope = Array.isArray(data.scope) ? data.scope.filter((s): s is string => typeof s === 'string').join(' ') : undefined;
  return {
    id: typeof data.id === 'string' ? data.id : grantId,
    status: data.grant_status === 'invalid' ? 'invalid' : 'valid',
    email: typeof data.email === 'string' ? data.email : undefined,
    provider: typeof data.provider === 'string' ? data.provider : undefined,
    scope,
  };
}
