/** `fixbridge run <remediation-id|control-id> --resource <arn>`: run a runbook by hand. */
import { Command, Option } from 'commander';
import { InputError, routeRunbook, run } from '@fixbridge/core';
import type { Io } from '../io';
import { approvalsOption, configOption, engineDeps, EXIT_CODES, jsonOption, loadConfig, modeOption, noColorOption, parseMode, printResults, type Done, type OutputOptions } from './shared';

interface RunOptions extends OutputOptions {
  resource?: string;
  mode?: string;
  config?: string;
  approvals?: string;
}

const DETAILS = `
A control id runs every remediation mapped to it ("fixbridge list" shows the mapping).
A resource that does not exist is a failed result (exit 1).
${EXIT_CODES}`;

export function runCommand(io: Io, done: Done): Command {
  return new Command('run')
    .summary('run a runbook by hand')
    .description('Run a runbook by hand: check one resource against one remediation (or every remediation of a control) and fix it in the effective mode.')
    .usage('<remediation-id|control-id> --resource <arn> [options]')
    .argument('<remediation-id|control-id>', 'a remediation id (sqs-require-tls), a Security Hub control id (SQS.1) or a Qualys id (Qualys:452)')
    .addOption(new Option('--resource <arn>', 'the ARN of the queue, topic or broker (required)'))
    .addOption(modeOption('override every configured mode (default: the config, else dry-run)'))
    .addOption(configOption())
    .addOption(approvalsOption())
    .addOption(jsonOption('{"results":[...]}'))
    .addOption(noColorOption())
    .addHelpText('after', DETAILS)
    .action(async (id: string, opts: RunOptions) => {
      const mode = parseMode(opts.mode);
      if (!opts.resource) throw new InputError('run needs --resource <arn>');
      const config = await loadConfig(opts.config);
      const items = routeRunbook(id, opts.resource);
      const results = await run(items, engineDeps(io, config, mode, { approvals: opts.approvals }));
      done(printResults(results, opts, io));
    });
}
