import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyKringSignature } from '../../src/capabilities/webhooks/domain/webhook-signature.js';

/** A webhook receiver as an association would write one: verifies every delivery with the secret. */
export class WebhookReceiver {
  readonly received: { verified: boolean; event: string | undefined; delivery: string | undefined; body: Record<string, unknown> }[] = [];
  /** Status codes to answer, in order; 204 once used up. */
  readonly answers: number[] = [];
  secret = '';
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer(async (req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const raw = Buffer.concat(chunks);
      this.received.push({
        verified: verifyKringSignature(this.secret, req.headers['kring-signature'] as string | undefined, raw, 300),
        event: req.headers['kring-event'] as string | undefined,
        delivery: req.headers['kring-delivery'] as string | undefined,
        body: JSON.parse(raw.toString('utf8')) as Record<string, unknown>,
      });
      res.statusCode = this.answers.shift() ?? 204;
      res.end();
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/kring`;
  }

  async waitFor(count: number, timeoutMs = 10_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.received.length < count) {
      if (Date.now() > until) throw new Error(`receiver got ${this.received.length} of ${count} deliveries`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
