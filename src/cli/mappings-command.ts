import { buildCliDeps } from './cli-deps';
import type { CommandIo } from './command-io';
import { MAPPINGS_USAGE, parseMappingsArgs } from './mappings-args';
import { exportCommand } from './mappings-export';
import { loadCommand } from './mappings-load';
import { showCommand } from './mappings-show';
import { verifyCommand } from './mappings-verify';
import { EXIT_UNAVAILABLE, unavailableLine } from './unavailable-error';

/**
 * `mappings load|export|verify|show <id>` → exit status; UsageError for the entry to report. Loops or
 * Redis out of reach → one line on stderr and exit 3, so a script can tell an outage from findings.
 */
export async function runMappingsCommand(argv: string[], io: CommandIo): Promise<number> {
  const args = parseMappingsArgs(argv);
  if (args.command === 'help') {
    io.out(`${MAPPINGS_USAGE}\n`);
    return 0;
  }
  const deps = buildCliDeps(io.env, Math.max(16, args.concurrency * 2));
  const out = (line: string) => io.out(`${line}\n`);
  try {
    switch (args.command) {
      case 'load':
        return await loadCommand(deps, args, out);
      case 'export':
        return await exportCommand(deps, args, out);
      case 'verify':
        return await verifyCommand(deps, args, out);
      case 'show':
        return await showCommand(deps, args, out);
    }
  } catch (error) {
    const line = unavailableLine(error);
    if (line === undefined) throw error;
    io.err.write(`${line}\n`);
    return EXIT_UNAVAILABLE;
  } finally {
    await deps.close();
  }
}

export { MAPPINGS_USAGE };
