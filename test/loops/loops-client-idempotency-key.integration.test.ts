import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { LOOPS_CONTRACT } from '../../src/loops/contract-choices';
import { createLoopsClient } from '../../src/loops/loops-client';
import { createLogger } from '../../src/observability/logger';

/**
 * `LOOPS_CONTRACT.sendIdempotencyKey` (docs/loops-contract.md §1, §7.7) decides whether keyed POSTs
 * carry `Idempotency-Key`: a bare HTTP server records what each client sends.
 */
describe('Loops client: the Idempotency-Key switch', () => {
  let server: Server;
  let apiBase: string;
  const seen: IncomingHttpHeaders[] = [];
  const dispatcher = new Agent();

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.headers);
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: 'cs_key_switch', object: 'checkout.session' }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    apiBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await dispatcher.close();
    await new Promise((resolve) => server.close(resolve));
  });

  const createWith = async (sendIdempotencyKey: boolean | undefined) => {
    seen.length = 0;
    const client = createLoopsClient({
      apiBase,
      apiKey: 'loops_test_fake_key',
      timeoutMs: 2000,
      dispatcher,
      logger: createLogger('silent'),
      ...(sendIdempotencyKey === undefined ? {} : { sendIdempotencyKey }),
    });
    await client.createSessionV3({ mode: 'payment', productId: 'prod_key_switch', quantity: 1 }, 'op-key-switch');
    expect(seen).toHaveLength(1);
    return seen[0]?.['idempotency-key'];
  };

  it('sends the key when on', async () => {
    expect(await createWith(true)).toBe('op-key-switch');
  });

  it('leaves the header out when off', async () => {
    expect(await createWith(false)).toBeUndefined();
  });

  it('follows the contract constant by default', async () => {
    expect(await createWith(undefined)).toBe(LOOPS_CONTRACT.sendIdempotencyKey ? 'op-key-switch' : undefined);
  });
});
