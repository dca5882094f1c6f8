/** `fixbridge approve <id>`: apply an approved plan once, if the resource still is as it was planned from. */
import { Command } from 'commander';
import { decideFromCli, type DecisionOptions } from '../decisions';
import type { Io } from '../io';
import { approvalsOption, configOption, hubTableOption, jsonOption, noColorOption, type Done } from './shared';

const DETAILS = `
fixbridge reads the resource again and plans again with the settings the plan was made with. If
the plan is the one approved, it is applied and verified; if the resource changed since, nothing is
written, the approval is superseded and the new plan is filed as a fresh approval (and posted to
Slack when configured). Approving is single-use: a second approve of the same approval, even at the
same moment from another process, is refused and writes nothing. --config gives the Slack settings
and the expiry of a fresh approval; the remediation's own options are the approval's.
Exit codes: 0 applied and verified, 1 not applied (failed, superseded, or the approval is already
decided or expired: one line on stderr, nothing written), 2 bad input (an unknown approval id),
3 internal error.`;

export function approveCommand(io: Io, done: Done): Command {
  return new Command('approve')
    .summary('apply the plan of an approval, once')
    .description('Approve a plan filed in approval mode: apply it once, exactly as approved, and verify it.')
    .usage('<approval-id> [options]')
    .argument('<approval-id>', 'an approval id from "fixbridge approvals" (ap-...)')
    .addOption(configOption())
    .addOption(approvalsOption())
    .addOption(hubTableOption())
    .addOption(jsonOption('{"results":[...]}'))
    .addOption(noColorOption())
    .addHelpText('after', DETAILS)
    .action((id: string, opts: DecisionOptions) => decideFromCli(io, id, { verdict: 'approve' }, opts, done));
}
