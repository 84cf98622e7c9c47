import { createServer, type Server } from 'node:http';

export interface CapturedLoopsWebhook {
  raw: Buffer;
  type: string;
  headers: Record<string, string>;
}

/**
 * Stands where the gateway would in the emulator's webhook targets: records each signed Loops
 * webhook as sent (bytes and signature) and answers 200, so a test can hand them to the gateway
 * later, in an order Loops may use but the emulator does not (charge.succeeded first).
 */
export async function startLoopsWebhookCapture() {
  const captured: CapturedLoopsWebhook[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers[name] = value;
      captured.push({ raw, type: String((JSON.parse(raw.toString('utf8')) as { type?: unknown }).type), headers });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/loops`;

  return {
    url,
    captured,
    /** Replays one captured webhook to the gateway with its original bytes and signature. */
    async forward(webhook: CapturedLoopsWebhook, gatewayUrl: string, signatureHeader = 'x-loops-signature') {
      const response = await fetch(`${gatewayUrl}/webhooks/loops`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [signatureHeader]: webhook.headers[signatureHeader] ?? '' },
        body: webhook.raw,
      });
      return { status: response.status, json: (await response.json()) as unknown };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
