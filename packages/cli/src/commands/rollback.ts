/** `fixbridge rollback <change-id>`: restore a recorded change's "before" (dry-run unless --mode auto). */
import { Command } from 'commander';
import type { Io } from '../io';
import { openStore } from './history';
import { clientsFor, EXIT_CODES, jsonOption, modeOption, noColorOption, parseMode, printResults, tableOption, type Done, type OutputOptions } from './shared';

interface RollbackOptions extends OutputOptions {
  table?: string;
  mode?: string;
}

const DETAILS = `
Only "applied" changes whose resource still holds the "after" value are restored; what cannot be
undone (a created dead-letter queue, a broker reboot) is refused, and the rollback is recorded.
An unknown change id is bad input (exit 2).
${EXIT_CODES}`;

export function rollbackCommand(io: Io, done: Done): Command {
  return new Command('rollback')
    .summary('restore a change\'s "before" (dry-run unless --mode auto)')
    .description('Restore the "before" of a change the deployed engine recorded (see "fixbridge history"). Dry-run unless --mode auto.')
    .usage('<change-id> [options]')
    .argument('<change-id>', 'a change id from "fixbridge history" (ch-...)')
    .addOption(modeOption('auto writes the "before" back; dry-run (the default) and approval only plan'))
    .addOption(tableOption())
    .addOption(jsonOption('{"results":[...]}'))
    .addOption(noColorOption())
    .addHelpText('after', DETAILS)
    .action(async (changeId: string, opts: RollbackOptions) => {
      const mode = parseMode(opts.mode);
      const history = await openStore(opts.table, io);
      const { rollback } = await import('@fixbridge/core/hub');
      const results = await rollback(changeId, { history, clientsFor: clientsFor(io), mode: mode ?? 'dry-run' });
      done(printResults(results, opts, io));
    });
}
