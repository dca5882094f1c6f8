/** `fixbridge handle --event <file|->`: process one EventBridge event (or runbook request). */
import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { handle, InputError, parseEventText } from '@fixbridge/core';
import type { Io } from '../io';
import { approvalsOption, configOption, engineDeps, EXIT_CODES, jsonOption, loadConfig, modeOption, noColorOption, parseMode, printResults, type Done, type OutputOptions } from './shared';

interface HandleOptions extends OutputOptions {
  event?: string;
  mode?: string;
  config?: string;
  approvals?: string;
}

const DETAILS = `
Events: "AWS API Call via CloudTrail" from aws.sqs, aws.sns and aws.amazonmq; "Security Hub
Findings - Imported" and "Security Hub Findings - Custom Action"; and runbook requests
{"remediation": "...", "resourceArn": "...", "mode": "..."}. Samples are in test/fixtures/.
${EXIT_CODES}`;

export function handleCommand(io: Io, done: Done): Command {
  return new Command('handle')
    .summary('process one EventBridge event (or runbook request)')
    .description('Process one EventBridge event (or runbook request): route it to the remediations it concerns and run each.')
    .usage('--event <file|-> [options]')
    .addOption(new Option('--event <file|->', 'the event JSON, from a file or "-" for stdin (required)'))
    .addOption(modeOption('override every configured mode (default: the config, else dry-run)'))
    .addOption(configOption())
    .addOption(approvalsOption())
    .addOption(jsonOption('{"results":[...]}'))
    .addOption(noColorOption())
    .addHelpText('after', DETAILS)
    .action(async (opts: HandleOptions) => {
      const mode = parseMode(opts.mode);
      if (!opts.event) throw new InputError('handle needs --event <file> (or --event - to read stdin)');
      const config = await loadConfig(opts.config);
      const fromStdin = opts.event === '-';
      const text = fromStdin ? await io.readStdin() : await readEventFile(opts.event);
      const event = parseEventText(text, fromStdin ? 'event on stdin' : `event file ${opts.event}`);
      const results = await handle(event, engineDeps(io, config, mode, { approvals: opts.approvals }));
      done(printResults(results, opts, io));
    });
}

async function readEventFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new InputError(`event file ${path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { cause: err });
  }
}
