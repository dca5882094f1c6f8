/**
 * `fixbridge approve` and `fixbridge reject`: decide an approval from the command line, the same
 * steps as a click in Slack (`decide` in @fixbridge/core/approvals), then update its Slack message
 * when it was posted and a bot token is set.
 */
import { describeError, run, type EngineConfig, type Result } from '@fixbridge/core';
import { decide, type ApprovalStore, type DecideDeps, type Verdict } from '@fixbridge/core/approvals';
import { openStore } from './commands/history';
import { approvalStore, cliDecider, engineDeps, loadConfig, printResults, slackNotifierOf, type ApprovalsOptions, type Done, type OutputOptions } from './commands/shared';
import type { Io } from './io';

export interface DecisionOptions extends OutputOptions, ApprovalsOptions {
  config?: string;
}

/** How this CLI decides: its store, the engine with its lock and approval gate, and (with --table) the hub's history. */
export async function cliDecideDeps(io: Io, store: ApprovalStore, config: EngineConfig, opts: ApprovalsOptions): Promise<DecideDeps> {
  const engine = engineDeps(io, config, undefined, opts);
  // A hub's approval: the run is recorded in its history table, as the worker records it.
  const history = opts.table !== undefined ? await openStore(opts.table, io) : undefined;
  return {
    store,
    config,
    run: async (item, approvedConfig): Promise<Result> => {
      const deps = { ...engine, config: approvedConfig };
      if (!history) return (await run([item], deps))[0]!;
      const { deliver } = await import('@fixbridge/core/hub');
      return (await deliver(item, { engine: deps, history })).result;
    },
  };
}

export async function decideFromCli(io: Io, id: string, verdict: Verdict, opts: DecisionOptions, done: Done): Promise<void> {
  const config = await loadConfig(opts.config);
  const store = await approvalStore(io, opts);
  const decided = await decide(id, verdict, cliDecider(), await cliDecideDeps(io, store, config, opts));
  if (decided.kind === 'refused') {
    io.stderr(`fixbridge: ${decided.reason}\n`);
    return done(1);
  }
  if (decided.approval.slack) {
    const slack = slackNotifierOf(io);
    if (!slack) io.stderr(`fixbridge: note: the Slack message of ${id} still shows its buttons (SLACK_BOT_TOKEN is not set)\n`);
    else await slack.update(decided.approval).catch((err: unknown) => io.stderr(`fixbridge: warning: the Slack message of ${id} was not updated: ${describeError(err)}\n`));
  }
  const code = printResults([decided.result], opts, io);
  done(verdict.verdict === 'approve' && decided.approval.status !== 'applied' ? 1 : code);
}
