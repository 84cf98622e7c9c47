import { spawn, type ChildProcess } from 'node:child_process';
import { REPO_ROOT } from './paths';

/** A child process the bench started; `stop()` is safe to call twice and after it died. */
export interface ManagedChild {
  name: string;
  pid: number;
  process: ChildProcess;
  /** The last lines the child printed (stdout and stderr), for error messages. */
  output(): string;
  stop(): Promise<void>;
}

const OUTPUT_LIMIT = 8_000;
const STOP_GRACE_MS = 5_000;

/** Everything that must be stopped before the bench exits: children and other resources (Redis). */
const cleanups = new Set<() => Promise<void>>();
const alive = new Set<ChildProcess>();
let handlersInstalled = false;

export function onCleanup(cleanup: () => Promise<void>): () => void {
  installExitHandlers();
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

/** Runs every registered cleanup (children last-registered first), once each. */
export async function cleanupAll(): Promise<void> {
  const pending = [...cleanups].reverse();
  cleanups.clear();
  for (const cleanup of pending) await cleanup().catch(() => undefined);
}

export function spawnChild(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): ManagedChild {
  installExitHandlers();
  const child = spawn(command, args, { env, cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`could not start ${name} (${command})`);
  alive.add(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_LIMIT);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      alive.delete(child);
      resolve();
    }),
  );

  const stop = async () => {
    unregister();
    if (child.exitCode !== null || child.signalCode !== null) return;
    // SIGTERM lets the gateway drain and close Redis cleanly; SIGKILL if it does not within the grace.
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  };
  const unregister = onCleanup(stop);
  return { name, pid: child.pid, process: child, output: () => output, stop };
}

/**
 * Children never outlive the bench: Ctrl-C, SIGTERM and crashes run the async cleanups; the
 * synchronous `exit` hook SIGKILLs whatever is still running (e.g. after a `process.exit`).
 */
function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.once('exit', () => {
    for (const child of alive) child.kill('SIGKILL');
  });
  const bail = (code: number, message?: string) => {
    if (message) process.stderr.write(`${message}\n`);
    void cleanupAll().finally(() => process.exit(code));
  };
  process.once('SIGINT', () => bail(130, '\nbench interrupted: stopping child processes'));
  process.once('SIGTERM', () => bail(143));
  process.once('uncaughtException', (error) => bail(1, `bench crashed: ${error.stack ?? String(error)}`));
  process.once('unhandledRejection', (error) => bail(1, `bench crashed: ${error instanceof Error ? error.stack : String(error)}`));
}
