import { connect, type Socket } from 'node:net';

/** A raw TCP connection a test keeps open, sending what it chooses when it chooses (a slow client). */
export interface HeldSocket {
  socket: Socket;
  /** Everything the server sent so far. */
  received(): string;
  /** The status of the server's first answer, once its status line has arrived. */
  status(): number | undefined;
  /** Resolves when the server ended or reset the connection: milliseconds since it was opened. */
  closed: Promise<number>;
  isClosed(): boolean;
  /** Sends one byte every `everyMs` until the connection closes. */
  drip(everyMs: number): void;
  destroy(): void;
}

/** Opens a connection to 127.0.0.1:`port` and sends `initial` (typically a request head, maybe part of a body). */
export async function holdSocket(port: number, initial: string): Promise<HeldSocket> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const opened = Date.now();
  let text = '';
  let done = false;
  let dripping: NodeJS.Timeout | undefined;
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
  const closed = new Promise<number>((resolve) => {
    const finish = () => {
      done = true;
      clearInterval(dripping);
      resolve(Date.now() - opened);
    };
    // The server's FIN or reset; a write racing the close may fail, which is the same outcome.
    socket.once('end', finish);
    socket.once('close', finish);
    socket.on('error', finish);
  });
  socket.write(initial);
  return {
    socket,
    received: () => text,
    status: () => {
      const match = /^HTTP\/1\.1 (\d{3})/.exec(text);
      return match ? Number(match[1]) : undefined;
    },
    closed,
    isClosed: () => done,
    drip(everyMs) {
      dripping = setInterval(() => {
        if (!done && socket.writable) socket.write('a');
      }, everyMs);
    },
    destroy() {
      clearInterval(dripping);
      socket.destroy();
    },
  };
}

/** A request head with a Content-Length, for a body the test sends (or withholds) itself. */
export function requestHead(method: string, path: string, contentLength: number, headers: Record<string, string> = {}): string {
  const lines = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', `Content-Length: ${contentLength}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** Resolves with the connection's close time, or rejects once `withinMs` passed with it still open. */
export async function closesWithin(held: HeldSocket, withinMs: number): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`connection still open after ${withinMs} ms; received so far: ${JSON.stringify(held.received().slice(0, 300))}`)),
      withinMs,
    );
  });
  try {
    return await Promise.race([held.closed, late]);
  } finally {
    clearTimeout(timer);
  }
}
