import { Agent, request, type IncomingHttpHeaders } from 'node:http';

/** Time limit of one request; a request that takes longer counts as an error. */
const REQUEST_TIMEOUT_MS = 30_000;

/** A response read in full. */
export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface HttpRequestOptions {
  headers?: Record<string, string>;
  body?: string;
}

/**
 * A keep-alive HTTP/1.1 client for one origin on the loopback interface, as one browser tab per
 * virtual user would hold it. It follows no redirects. Built on `node:http` rather than `fetch`
 * so that the driver spends as little CPU per request as it can.
 */
export class HttpClient {
  readonly origin: string;
  private readonly agent: Agent;

  constructor(baseUrl: string, maxSockets: number) {
    const url = new URL(baseUrl);
    if (url.protocol !== 'http:' || url.hostname !== '127.0.0.1') {
      throw new Error(`The benchmark sends requests only to http://127.0.0.1, got ${baseUrl}`);
    }
    this.origin = url.origin;
    this.agent = new Agent({ keepAlive: true, maxSockets });
  }

  /** Sends a request to a path on this client's origin, or to an absolute URL on the same origin. */
  send(method: string, pathOrUrl: string, options: HttpRequestOptions = {}): Promise<HttpResponse> {
    const url = new URL(pathOrUrl, this.origin);
    if (url.origin !== this.origin) {
      return Promise.reject(new Error(`Refusing a request to ${url.origin}: this client serves ${this.origin} only`));
    }

    return new Promise((resolve, reject) => {
      const outgoing = request(url, { method, agent: this.agent, headers: options.headers }, (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('error', reject);
        incoming.on('end', () => {
          resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body: Buffer.concat(chunks).toString('utf8') });
        });
      });
      outgoing.setTimeout(REQUEST_TIMEOUT_MS, () => outgoing.destroy(new Error(`${method} ${url.pathname} timed out after ${REQUEST_TIMEOUT_MS} ms`)));
      outgoing.on('error', reject);
      outgoing.end(options.body);
    });
  }

  /** Closes the kept-alive sockets, so that no later run reuses a socket the server has timed out. */
  close(): void {
    this.agent.destroy();
  }
}
