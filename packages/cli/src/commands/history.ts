/**
 * `fixbridge history <resource-arn>`: the deployed engine's recorded changes to a resource, from its
 * history table (--table, or FIXBRIDGE_HISTORY_TABLE). `openStore` is shared with `rollback`.
 */
import { Command } from 'commander';
import { InputError } from '@fixbridge/core';
import type { HistoryEntry, HistoryStore } from '@fixbridge/core/hub';
import { envOf, type Io } from '../io';
import { EXIT_CODES_READ, jsonOption, noColorOption, tableOption, type Done, type OutputOptions } from './shared';

interface HistoryOptions extends OutputOptions {
  table?: string;
}

export async function openStore(table: string | undefined, io: Io): Promise<HistoryStore> {
  const env = envOf(io);
  const name = table ?? env.FIXBRIDGE_HISTORY_TABLE;
  if (!name) throw new InputError('the history table is unknown: pass --table <name> or set FIXBRIDGE_HISTORY_TABLE (the stack output HistoryTable)');
  // The hub's runtime (DynamoDB and the rest) loads only for the commands that read its table.
  const { HistoryStore } = await import('@fixbridge/core/hub');
  return HistoryStore.open({ table: name, region: env.AWS_REGION });
}

function formatEntries(entries: HistoryEntry[]): string {
  if (entries.length === 0) return 'no history for this resource\n';
  const lines = entries.flatMap((e) => [
    `${e.time}  ${e.changeId}  ${e.status.toUpperCase()}  ${e.remediation ?? '(none)'}  [${e.mode}]  via ${e.trigger.kind}${e.rolledBackBy ? `  (rolled back by ${e.rolledBackBy})` : ''}`,
    `    ${e.reason}`,
    ...e.changes.map((c) => `    ~ ${c.field}: ${c.description}`),
  ]);
  return lines.join('\n') + '\n';
}

export function historyCommand(io: Io, done: Done): Command {
  return new Command('history')
    .summary("the deployed engine's changes to a resource")
    .description("Show the deployed engine's recorded changes to a resource, newest first (the last 50), with the change ids that \"fixbridge rollback\" takes.")
    .usage('<resource-arn> [options]')
    .argument('<resource-arn>', 'the ARN of the queue, topic or broker')
    .addOption(tableOption())
    .addOption(jsonOption('{"history":[...]}'))
    .addOption(noColorOption())
    .addHelpText('after', `\nWithout --table or FIXBRIDGE_HISTORY_TABLE the table is unknown: bad input.\n${EXIT_CODES_READ}`)
    .action(async (arn: string, opts: HistoryOptions) => {
      const entries = await (await openStore(opts.table, io)).forResource(arn);
      io.stdout(opts.json ? JSON.stringify({ history: entries }, null, 2) + '\n' : formatEntries(entries));
      done(0);
    });
}
