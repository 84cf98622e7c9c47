import { spawn, type ChildProcess } from 'node:child_process';

/** What every command gets from the test's environment: enough for node, npm and sh, nothing configuring the gateway. */
export function baseEnv(extra: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    // No network here: npm must not try to look for a newer npm.
    npm_config_update_notifier: 'false',
    ...extra,
  };
}

export interface GroupProcess {
  output(): string;
  /** Resolves with the first match of `pattern` in the output; rejects if the process exits first or `timeoutMs` passes. */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** SIGTERM to the whole group, SIGKILL if it has not exited 20 s later. */
  close(): Promise<void>;
}

/**
 * A long-running command (a server, `npm start`, a launcher) as the leader of its own process
 * group, so close() ends it and everything it started (npm → sh → tsx → node), by the group's id.
 */
export function startGroup(command: string, args: string[], options: { cwd: string; env: Record<string, string> }): GroupProcess {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return {
    output: () => output,
    waitForOutput: (pattern, timeoutMs) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = output.match(pattern);
          if (!match) return false;
          done();
          resolve(match);
          return true;
        };
        const onExit = (code: number | null) => {
          if (check()) return;
          done();
          reject(new Error(`\`${[command, ...args].join(' ')}\` exited (${code}) before printing ${pattern}:\n${output}`));
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`\`${[command, ...args].join(' ')}\` did not print ${pattern} within ${timeoutMs} ms:\n${output}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          child.stdout?.off('data', check);
          child.stderr?.off('data', check);
          child.off('exit', onExit);
        };
        if (check()) return;
        if (child.exitCode !== null || child.signalCode !== null) return onExit(child.exitCode);
        child.stdout?.on('data', check);
        child.stderr?.on('data', check);
        child.once('exit', onExit);
      }),
    close: () => stopGroup(child),
  };
}

async function stopGroup(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // The group is already gone.
    }
  };
  const exited =
    child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => child.once('exit', () => resolve()));
  signalGroup('SIGTERM');
  const timer = setTimeout(() => signalGroup('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
  // A leader that did not stop cleanly (killed, or `sh` not waiting for its children) may have left
  // members of its group behind: they go too.
  if (child.exitCode !== 0) signalGroup('SIGKILL');
}

/**
 * A one-shot command: a shell command line as printed, or an argv; resolves with its exit code and
 * output (bounded by `timeoutMs`).
 */
export function runCommand(
  command: string | string[],
  options: { cwd: string; env: Record<string, string>; timeoutMs?: number },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const [file, ...args] = typeof command === 'string' ? ['sh', '-c', command] : command;
  return new Promise((resolve, reject) => {
    const child = spawn(file ?? 'sh', args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`\`${String(command)}\` did not finish within ${options.timeoutMs ?? 30_000} ms:\n${stdout}${stderr}`));
    }, options.timeoutMs ?? 30_000);
    // 'close', not 'exit': the output is complete only once the pipes have closed.
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
