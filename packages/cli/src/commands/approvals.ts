/** `fixbridge approvals [list|show] [id]`: the approvals waiting for a decision (--all: decided ones too), or one whole plan. */
import { Argument, Command, Option } from 'commander';
import { InputError } from '@fixbridge/core';
import { checkApprovalId, statusAt } from '@fixbridge/core/approvals';
import { formatApproval, formatApprovals } from '../format';
import type { Io } from '../io';
import { approvalsOption, approvalStore, EXIT_CODES_READ, hubTableOption, jsonOption, noColorOption, styleFor, type ApprovalsOptions, type Done, type OutputOptions } from './shared';

interface ApprovalsCommandOptions extends OutputOptions, ApprovalsOptions {
  all?: boolean;
}

const DETAILS = `
"approvals" (or "approvals list") lists the pending approvals: id, remediation, resource, age,
expiry and a summary of the plan; --all lists decided, superseded and expired ones too.
"approvals show <id>" prints one approval whole: every change with its before and after, the
trigger, the approvers, the decision and the outcome. An unknown id is bad input.
${EXIT_CODES_READ}`;

export function approvalsCommand(io: Io, done: Done): Command {
  return new Command('approvals')
    .summary('the plans waiting for a decision (list), or one of them (show <id>)')
    .description('List the approvals waiting for a decision, or show one approval whole.')
    .usage('[list|show] [approval-id] [options]')
    .addArgument(new Argument('[action]', 'list (the default) or show').choices(['list', 'show']).default('list'))
    .addArgument(new Argument('[approval-id]', 'for show: the approval (ap-...)'))
    .addOption(new Option('--all', 'list decided, superseded and expired approvals too'))
    .addOption(approvalsOption())
    .addOption(hubTableOption())
    .addOption(jsonOption('{"approvals":[...]} (show: {"approval":{...}})'))
    .addOption(noColorOption())
    .addHelpText('after', DETAILS)
    .action(async (action: 'list' | 'show', id: string | undefined, opts: ApprovalsCommandOptions) => {
      const now = new Date();
      if (action === 'show') {
        if (!id) throw new InputError('approvals show needs <approval-id> (see "fixbridge approvals list")');
        const store = await approvalStore(io, opts);
        const a = await store.get(checkApprovalId(id));
        if (!a) throw new InputError(`no approval ${id} in ${store.where} (see "fixbridge approvals list --all")`);
        io.stdout(opts.json ? JSON.stringify({ approval: { ...a, status: statusAt(a, now) } }, null, 2) + '\n' : formatApproval(a, styleFor(io, opts), now));
        return done(0);
      }
      if (id) throw new InputError(`approvals list takes no approval id, got "${id}" (did you mean "fixbridge approvals show ${id}"?)`);
      const store = await approvalStore(io, opts);
      const shown = (await store.list()).filter((a) => opts.all || statusAt(a, now) === 'pending');
      io.stdout(opts.json ? JSON.stringify({ approvals: shown.map((a) => ({ ...a, status: statusAt(a, now) })) }, null, 2) + '\n' : formatApprovals(shown, styleFor(io, opts), now, Boolean(opts.all)));
      done(0);
    });
}
