import { connect, createServer, type Socket } from 'node:net';

/**
 * A TCP relay to 127.0.0.1:`targetPort` that can stop relaying while keeping every connection
 * open: a Redis that has hung (a stuck host, a full network path) rather than gone away, which
 * the client cannot tell from a slow answer.
 */
export interface TcpProxy {
  port: number;
  url: string;
  /** Holds every byte in both directions until `resume`. */
  pause(): void;
  resume(): void;
  /** Everything clients sent towards the target (what Redis received or is about to). */
  sentToTarget(): string;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  let paused = false;
  let sent = '';
  const pairs = new Set<[Socket, Socket]>();
  const held: (() => void)[] = [];
  const relay = (from: Socket, to: Socket, record: boolean) =>
    from.on('data', (chunk: Buffer) => {
      if (record) sent += chunk.toString('latin1');
      const forward = () => to.write(chunk);
      if (paused) held.push(forward);
      else forward();
    });
  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    relay(client, upstream, true);
    relay(upstream, client, false);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of pair) {
      socket.on('error', end);
      socket.on('close', end);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    pause: () => {
      paused = true;
    },
    resume: () => {
      paused = false;
      for (const forward of held.splice(0)) forward();
    },
    sentToTarget: () => sent,
    close: () =>
      new Promise<void>((resolve) => {
        for (const pair of pairs) for (const socket of pair) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
