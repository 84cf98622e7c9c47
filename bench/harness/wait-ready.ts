import { setTimeout as sleep } from 'node:timers/promises';
import type { ManagedChild } from './children';

/**
 * Polls `url` until it answers 2xx. Fails at once, with the child's output, when the child exits
 * first (a bad configuration prints its problems and exits), and after `timeoutMs` in any case.
 */
export async function waitForHttp(url: string, child: ManagedChild, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null || child.process.signalCode !== null) {
      throw new Error(`${child.name} exited (${child.process.exitCode ?? child.process.signalCode}) before it was ready:\n${child.output()}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(100);
  }
  throw new Error(`${child.name} was not ready at ${url} within ${timeoutMs} ms (${last}):\n${child.output()}`);
}
