import { processIo } from './command-io';
import { MAP_USAGE, runMapCommand } from './map-command';
import { runCli } from './run-cli';

/** `npm run map -- …` / `stripe-loops-map`: the batch product mapping tool (docs/mappings.md). */
runCli(async (argv) => {
  // First Ctrl-C: start no new price, write what finished. Second: leave at once.
  const stop = new AbortController();
  const onSigint = () => {
    if (stop.signal.aborted) process.exit(130);
    process.stderr.write('\nInterrupted: finishing the creates in flight and writing the mapping file (Ctrl-C again to quit now)…\n');
    stop.abort(new Error('interrupted'));
  };
  process.on('SIGINT', onSigint);
  try {
    return (await runMapCommand(argv, processIo(stop.signal))).code;
  } finally {
    process.off('SIGINT', onSigint);
  }
}, MAP_USAGE);
