/**
 * What a command reads and writes, so the same code runs as a process (`process.*`) and inside a
 * test (captured strings): the environment, stdout, stderr and whether stderr is a terminal.
 */
export interface CommandIo {
  env: Record<string, string | undefined>;
  out(text: string): void;
  err: { write(text: string): unknown };
  tty: boolean;
  /** Aborted to stop early (SIGINT in the process). */
  stop?: AbortSignal;
}

export function processIo(stop?: AbortSignal): CommandIo {
  return {
    env: process.env,
    out: (text) => process.stdout.write(text),
    err: process.stderr,
    tty: Boolean(process.stderr.isTTY),
    ...(stop ? { stop } : {}),
  };
}
