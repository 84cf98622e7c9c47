import { createServer } from 'node:http';

export interface SlowDelivery {
  eventId: string;
  arrivedAt: number;
  answeredAt?: number;
}

/**
 * A merchant endpoint that takes `holdMs` to answer each delivery (200, no signature check),
 * noting when each arrived and was answered: a delivery attempt stays in flight that long.
 */
export async function startSlowEndpoint(holdMs: number) {
  const deliveries: SlowDelivery[] = [];
  const holding = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const delivery: SlowDelivery = { eventId: (JSON.parse(body) as { id: string }).id, arrivedAt: Date.now() };
      deliveries.push(delivery);
      const timer = setTimeout(() => {
        holding.delete(timer);
        delivery.answeredAt = Date.now();
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
      }, holdMs);
      holding.add(timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/stripe/webhook`,
    deliveries,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of holding) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
