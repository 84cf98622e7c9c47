import { UsageError } from './cli-env';
import { LeaseBusyError } from '../mapping-tool/lock/run-lease';
import { EXIT_UNAVAILABLE, unavailableLine } from './unavailable-error';

/**
 * Runs a CLI's main and exits with its status. Known failures print one clear line (no stack):
 * usage and configuration → 2, another run holding the tenant's lock or a service out of reach → 3;
 * anything else is a bug and prints its stack → 1.
 */
export function runCli(main: (argv: string[]) => Promise<number>, usage: string): void {
  // `… | head` closing the pipe is not a failure worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      const unavailable = unavailableLine(error);
      if (error instanceof UsageError) {
        process.stderr.write(`${error.message}\n\n${usage}\n`);
        process.exitCode = 2;
      } else if (unavailable !== undefined) {
        process.stderr.write(`${unavailable}\n`);
        process.exitCode = EXIT_UNAVAILABLE;
      } else if (error instanceof LeaseBusyError) {
        process.stderr.write(`${error.message}; try again when it has finished (or raise --lock-wait).\n`);
        process.exitCode = 3;
      } else {
        process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
        process.exitCode = 1;
      }
    },
  );
}
