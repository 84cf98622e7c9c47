import { processIo } from './command-io';
import { MAPPINGS_USAGE, runMappingsCommand } from './mappings-command';
import { runCli } from './run-cli';

/** `npm run mappings -- load|export|verify|show <id>` / `stripe-loops-mappings` (docs/mappings.md). */
runCli((argv) => runMappingsCommand(argv, processIo()), MAPPINGS_USAGE);
