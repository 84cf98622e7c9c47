import { connect } from 'node:net';
import { useStack } from '../helpers/stack';

/** Bytes Node's HTTP parser refuses still get a JSON error in Stripe's envelope. */
describe('malformed HTTP', () => {
  const stack = useStack({ background: false });

  const sendRaw = (bytes: string) =>
    new Promise<string>((resolve, reject) => {
      const socket = connect(stack.port, '127.0.0.1');
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk.toString()));
      socket.on('end', () => resolve(answer));
      socket.on('error', reject);
      socket.end(bytes);
    });

  it.each([
    ['a broken request line', 'GARBAGE\r\n\r\n', '400'],
    ['a header without a colon', 'GET /v1/events HTTP/1.1\r\nHost: x\r\nnot a header\r\n\r\n', '400'],
    ['oversized headers', `GET /v1/events HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, '431'],
  ])('%s → %s with a JSON error', async (_name, bytes, status) => {
    const answer = await sendRaw(bytes);
    expect(answer.startsWith(`HTTP/1.1 ${status}`)).toBe(true);
    expect(answer).toContain('Content-Type: application/json');
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { error: { type: string } };
    expect(body.error.type).toBe('invalid_request_error');
  });
});
