/**
 * `fixbridge history <resource-arn>` and `fixbridge rollback <change-id>`: read and use the
 * deployed engine's history table (--table, or FIXBRIDGE_HISTORY_TABLE).
 */
import { ClientPool, hasFailure, InputError, type Mode } from '@fixbridge/core';
import { HistoryStore, rollback, type HistoryEntry } from '@fixbridge/core/hub';
import { formatResults, type Style } from './format';
import type { Io } from './main';

export interface HistoryOptions {
  table?: string | undefined;
  json?: boolean | undefined;
  mode?: Mode | undefined;
}

async function openStore(table: string | undefined): Promise<HistoryStore> {
  const name = table ?? process.env.FIXBRIDGE_HISTORY_TABLE;
  if (!name) throw new InputError('the history table is unknown: pass --table <name> or set FIXBRIDGE_HISTORY_TABLE (the stack output HistoryTable)');
  return HistoryStore.open({ table: name, region: process.env.AWS_REGION });
}

function one(command: string, rest: string[], what: string): string {
  if (rest.length !== 1) throw new InputError(`${command} needs exactly one ${what}, e.g. "fixbridge ${command} <${what}>"`);
  return rest[0]!;
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

export async function historyCommand(rest: string[], opts: HistoryOptions, io: Io): Promise<number> {
  const arn = one('history', rest, 'resource-arn');
  const entries = await (await openStore(opts.table)).forResource(arn);
  io.stdout(opts.json ? JSON.stringify({ history: entries }, null, 2) + '\n' : formatEntries(entries));
  return 0;
}

/** Dry-run unless --mode auto. Exit codes as for `run`. */
export async function rollbackCommand(rest: string[], opts: HistoryOptions, style: Style, io: Io): Promise<number> {
  const changeId = one('rollback', rest, 'change-id');
  const pool = io.clients ?? new ClientPool();
  const results = await rollback(changeId, { history: await openStore(opts.table), clientsFor: (ref) => pool.get(ref.region), mode: opts.mode ?? 'dry-run' });
  io.stdout(opts.json ? JSON.stringify({ results }, null, 2) + '\n' : formatResults(results, style));
  return hasFailure(results) ? 1 : 0;
}
