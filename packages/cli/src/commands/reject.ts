/** `fixbridge reject <id> --reason "…"`: close an approval without writing anything. */
import { Command, Option } from 'commander';
import { InputError } from '@fixbridge/core';
import { decideFromCli, type DecisionOptions } from '../decisions';
import type { Io } from '../io';
import { approvalsOption, hubTableOption, jsonOption, noColorOption, type Done } from './shared';

const DETAILS = `
The approval records who rejected it and why; nothing is written to the resource. A decided or
expired approval cannot be rejected (exit 1, one line on stderr).
Exit codes: 0 rejected, 1 the approval is already decided or expired, 2 bad input (an unknown
approval id, no --reason), 3 internal error.`;

export function rejectCommand(io: Io, done: Done): Command {
  return new Command('reject')
    .summary('reject the plan of an approval (nothing is written)')
    .description('Reject a plan filed in approval mode: nothing is written, and the approval records who rejected it and why.')
    .usage('<approval-id> --reason <text> [options]')
    .argument('<approval-id>', 'an approval id from "fixbridge approvals" (ap-...)')
    .addOption(new Option('--reason <text>', 'why (required; recorded on the approval)'))
    .addOption(approvalsOption())
    .addOption(hubTableOption())
    .addOption(jsonOption('{"results":[...]}'))
    .addOption(noColorOption())
    .addHelpText('after', DETAILS)
    .action((id: string, opts: DecisionOptions & { reason?: string }) => {
      const reason = opts.reason?.trim();
      if (!reason) throw new InputError('reject needs --reason "<why>" (it is recorded on the approval)');
      return decideFromCli(io, id, { verdict: 'reject', reason }, opts, done);
    });
}
