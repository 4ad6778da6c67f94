import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** How the receiver responds to the registration challenge. */
export type ChallengeMode = 'echo' | 'wrong-value' | 'not-found' | 'silent';

/** How the receiver fails one delivery: respond 500, destroy the socket, or never respond. */
export type DeliveryFailure = 'status-500' | 'drop-connection' | 'hang';

/** One POST the receiver got, whether it responded with success or not. */
export interface ReceivedDelivery {
  headers: IncomingHttpHeaders;
  /** The body bytes exactly as they arrived, before any decompression. */
  rawBody: Buffer;
}

/**
 * A webhook endpoint on 127.0.0.1 and a free port, as an application would run one: it responds to the
 * challenge, records the raw body and headers of every delivery, and can fail the next deliveries.
 */
export class WebhookReceiver {
  readonly deliveries: ReceivedDelivery[] = [];
  readonly challenges: string[] = [];
  challengeMode: ChallengeMode = 'echo';

  private readonly failures: DeliveryFailure[] = [];
  private readonly waiters: Array<{ count: number; resolve: () => void }> = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<WebhookReceiver> {
    let receiver: WebhookReceiver | undefined;
    const server = createServer((req, res) => receiver?.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    receiver = new WebhookReceiver(server, `http://127.0.0.1:${port}/webhooks/nylas`);
    return receiver;
  }

  /** Fails the next deliveries, one per entry, in order. */
  failNext(...failures: DeliveryFailure[]): void {
    this.failures.push(...failures);
  }

  /** Resolves once `count` deliveries have arrived in total. */
  waitForDeliveries(count: number): Promise<void> {
    if (this.deliveries.length >= count) {
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  /** Parses the envelope of a delivery, gunzipping it first when it was sent compressed. */
  envelope(index: number): any {
    const { headers, rawBody } = this.deliveries[index];
    const json = headers['content-encoding'] === 'gzip' ? gunzipSync(rawBody) : rawBody;
    return JSON.parse(json.toString('utf8'));
  }

  /** Returns the parsed envelopes of all deliveries. */
  envelopes(): any[] {
    return this.deliveries.map((_, index) => this.envelope(index));
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method === 'GET') {
        this.respondToChallenge(req, res);
        return;
      }
      this.deliveries.push({ headers: req.headers, rawBody: Buffer.concat(chunks) });
      this.respondToDelivery(req, res);
      this.wakeWaiters();
    });
  }

  private respondToChallenge(req: IncomingMessage, res: ServerResponse): void {
    const challenge = new URL(req.url ?? '/', 'http://receiver.invalid').searchParams.get('challenge') ?? '';
    this.challenges.push(challenge);
    switch (this.challengeMode) {
      case 'echo':
        res.writeHead(200, { 'content-type': 'text/plain' }).end(challenge);
        break;
      case 'wrong-value':
        res.writeHead(200, { 'content-type': 'text/plain' }).end(`${challenge}-wrong`);
        break;
      case 'not-found':
        res.writeHead(404).end();
        break;
      case 'silent':
        break;
    }
  }

  private respondToDelivery(req: IncomingMessage, res: ServerResponse): void {
    const failure = this.failures.shift();
    if (failure === 'status-500') {
      res.writeHead(500).end('receiver failure');
    } else if (failure === 'drop-connection') {
      req.socket.destroy();
    } else if (failure === undefined) {
      res.writeHead(200).end();
    }
    // 'hang' leaves the response open until the emulator gives up or close() ends the connection.
  }

  private wakeWaiters(): void {
    for (const waiter of [...this.waiters]) {
      if (this.deliveries.length >= waiter.count) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  }
}

/** Verifies `x-nylas-signature` over the raw body as a receiver should: HMAC-SHA256, compared in constant time. */
export function hasValidSignature(delivery: ReceivedDelivery, secret: string): boolean {
  const header = delivery.headers['x-nylas-signature'];
  if (typeof header !== 'string') {
    return false;
  }
  const expected = createHmac('sha256', secret).update(delivery.rawBody).digest();
  const actual = Buffer.from(header, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
