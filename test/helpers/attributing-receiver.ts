import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import Stripe from 'stripe';

export interface AttributedDelivery {
  event: Stripe.Event | undefined;
  verified: boolean;
  /** The process (among the candidates) that opened the TCP connection the delivery came on. */
  senderPid: number | undefined;
}

/**
 * A merchant webhook endpoint that verifies every delivery with `stripe.webhooks.constructEvent`
 * (like merchant-receiver.ts) and also records which local process sent it. When a connection
 * arrives, the client end of that loopback socket is looked up in /proc (Linux): its inode in
 * /proc/net/tcp, then which candidate process holds a descriptor for it. The client end exists
 * before the server can accept, so the lookup never races the sender.
 */
export async function startAttributingReceiver(secret: string, candidatePids: () => number[]) {
  if (!readableProc()) throw new Error('attributing deliveries to processes needs Linux /proc (net/tcp and <pid>/fd)');
  const stripe = new Stripe('sk_test_attributing_receiver_fake');
  const deliveries: AttributedDelivery[] = [];
  const senders = new WeakMap<Socket, number | undefined>();
  let port = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let event: Stripe.Event | undefined;
      try {
        event = stripe.webhooks.constructEvent(Buffer.concat(chunks), String(req.headers['stripe-signature'] ?? ''), secret);
      } catch {
        event = undefined;
      }
      deliveries.push({ event, verified: Boolean(event), senderPid: senders.get(req.socket) });
      res.writeHead(event ? 200 : 400, { 'content-type': 'application/json' }).end(JSON.stringify({ received: Boolean(event) }));
    });
  });
  server.on('connection', (socket: Socket) => senders.set(socket, socketOwner(socket.remotePort ?? 0, port, candidatePids())));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;

  return {
    url: `http://127.0.0.1:${port}/stripe/webhook`,
    deliveries,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type AttributingReceiver = Awaited<ReturnType<typeof startAttributingReceiver>>;

function readableProc(): boolean {
  try {
    readFileSync('/proc/net/tcp', 'utf8');
    readdirSync(`/proc/${process.pid}/fd`);
    return true;
  } catch {
    return false;
  }
}

/** The candidate process holding the socket whose local port is `localPort`, connected to `remotePort`. */
export function socketOwner(localPort: number, remotePort: number, pids: number[]): number | undefined {
  const inode = socketInode(localPort, remotePort);
  if (inode === undefined) return undefined;
  const link = `socket:[${inode}]`;
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // the process is gone
    }
    for (const fd of fds) {
      try {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`) === link) return pid;
      } catch {
        // closed between readdir and readlink
      }
    }
  }
  return undefined;
}

/** /proc/net/tcp rows: `sl local_address rem_address st … uid timeout inode`, addresses as HEXIP:HEXPORT. */
function socketInode(localPort: number, remotePort: number): string | undefined {
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const [local, remote, inode] = [fields[1], fields[2], fields[9]];
      if (!local || !remote || !inode || inode === '0') continue;
      const portOf = (address: string) => parseInt(address.slice(address.lastIndexOf(':') + 1), 16);
      if (portOf(local) === localPort && portOf(remote) === remotePort) return inode;
    }
  }
  return undefined;
}
