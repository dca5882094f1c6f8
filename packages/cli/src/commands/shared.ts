/** What several commands share: option definitions, output, and the engine's dependencies. */
import { hostname, userInfo } from 'node:os';
import { Option } from 'commander';
import { ClientPool, defaultConfig, hasFailure, InputError, loadConfigFile, MODES, type EngineConfig, type EngineDeps, type Mode, type Result } from '@fixbridge/core';
import { approvalGate, defaultApprovalsDir, LocalApprovalStore, type ApprovalNotifier, type ApprovalStore, type Decider } from '@fixbridge/core/approvals';
import { formatResults, type Style } from '../format';
import { envOf, type Io } from '../io';
import { lockDir, resourceLocks } from '../lock';

/** Receives the exit code of the command that ran (commander drops an action's return value). */
export type Done = (code: number) => void;

/** Options every printing command has; commander sets `color: false` for `--no-color`. */
export interface OutputOptions {
  json?: boolean;
  color: boolean;
}

/** The exit codes of a command that prints results, and of one that only reads. */
export const EXIT_CODES = 'Exit codes: 0 nothing failed, 1 some result failed, 2 bad input (nothing was changed), 3 internal error.';
export const EXIT_CODES_READ = 'Exit codes: 0 printed, 2 bad input, 3 internal error.';

/** The value of `--mode`, checked in the action (so `--help` still wins over a bad value). */
export function parseMode(value: string | undefined): Mode | undefined {
  if (value === undefined) return undefined;
  if (!(MODES as readonly string[]).includes(value)) throw new InputError(`--mode must be one of ${MODES.join(', ')}, not "${value}"`);
  return value as Mode;
}

/** `--mode`: `choices` lists the modes in the help and the completion; `parseMode` checks the value. */
export function modeOption(description: string): Option {
  return new Option('--mode <mode>', description).choices(MODES).argParser((value: string) => value);
}

export function configOption(): Option {
  return new Option('--config <file>', 'engine config JSON (see README "Configuration"); default: every remediation with its defaults, dry-run');
}

export function tableOption(): Option {
  return new Option('--table <name>', 'history table of the deployed hub (default: $FIXBRIDGE_HISTORY_TABLE, the stack output HistoryTable)');
}

export function jsonOption(document: string): Option {
  return new Option('--json', `print ${document} as JSON on stdout instead of text`);
}

export function noColorOption(): Option {
  return new Option('--no-color', 'never colour the output (colour is used on a terminal or with FORCE_COLOR; NO_COLOR also turns it off)');
}

/**
 * Colour: never with --no-color or a non-empty NO_COLOR; always with FORCE_COLOR set (to anything
 * but "", "0" or "false"), even when stdout is not a terminal; otherwise only on a terminal.
 */
export function colorEnabled(io: Io, opts: OutputOptions): boolean {
  const env = envOf(io);
  if (!opts.color || env.NO_COLOR) return false;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true;
  return io.isTTY;
}

export function styleFor(io: Io, opts: OutputOptions): Style {
  return { color: colorEnabled(io, opts) };
}

export async function loadConfig(path: string | undefined): Promise<EngineConfig> {
  return path ? loadConfigFile(path) : defaultConfig();
}

/** Where approvals are: `--approvals <dir>` (the CLI's own store), or `--table <name>` (a deployed hub's). */
export interface ApprovalsOptions {
  approvals?: string;
  table?: string;
}

export function approvalsOption(): Option {
  return new Option('--approvals <dir>', 'the approvals directory (default: $FIXBRIDGE_APPROVALS_DIR, else $XDG_STATE_HOME/fixbridge/approvals or ~/.local/state/fixbridge/approvals)');
}

export function hubTableOption(): Option {
  return new Option('--table <name>', "use the approvals of a deployed hub, in its history table (the stack output HistoryTable), instead of the approvals directory");
}

/** The approval store a command works on; the hub's (DynamoDB) loads only with --table. */
export async function approvalStore(io: Io, opts: ApprovalsOptions): Promise<ApprovalStore> {
  if (opts.approvals !== undefined && opts.table !== undefined) throw new InputError('--approvals and --table name two different stores: pass one');
  if (opts.table !== undefined) {
    const { HubApprovalStore } = await import('@fixbridge/core/hub');
    return new HubApprovalStore({ table: opts.table, region: envOf(io).AWS_REGION });
  }
  return new LocalApprovalStore(opts.approvals ?? defaultApprovalsDir(envOf(io)));
}

/**
 * Slack for approvals, when the config has a `slack` section: the notifier (the Slack SDK loads
 * only when a message is sent), or why nothing is posted. The bot token comes from the environment only.
 */
export function slackFor(io: Io, config: EngineConfig): { notifier?: ApprovalNotifier; notPosted?: string } {
  if (!config.slack) return {};
  const notifier = slackNotifierOf(io, config.slack.channel);
  return notifier ? { notifier } : { notPosted: 'SLACK_BOT_TOKEN is not set' };
}

/** A Slack notifier with the environment's bot token (posting to `channel`; updates go to each message's own), if there is a token. */
export function slackNotifierOf(io: Io, channel = ''): ApprovalNotifier | undefined {
  const env = envOf(io);
  const token = env.SLACK_BOT_TOKEN;
  if (!token) return undefined;
  let loaded: Promise<ApprovalNotifier> | undefined;
  const load = () => (loaded ??= import('@fixbridge/core/slack').then((m) => m.slackNotifier({ token, channel, apiUrl: env.SLACK_API_URL })));
  return { post: async (a) => (await load()).post(a), update: async (a) => (await load()).update(a) };
}

/** Who decides from this CLI: the user and the machine. */
export function cliDecider(): Decider {
  return { channel: 'cli', id: `${userInfo().username}@${hostname()}` };
}

/** The engine's dependencies for a command: AWS access, the per-resource lock of this machine, and the approval gate. */
export function engineDeps(io: Io, config: EngineConfig, modeOverride: Mode | undefined, approvals: ApprovalsOptions = {}): EngineDeps {
  const gate = approvalGate({ store: () => approvalStore(io, approvals), ...slackFor(io, config) });
  return { config, modeOverride, clientsFor: clientsFor(io), lock: resourceLocks(lockDir(envOf(io))), approvals: gate };
}

/** AWS access for the engine: the test's pool, else one built from the standard SDK settings. */
export function clientsFor(io: Io): EngineDeps['clientsFor'] {
  const pool = io.clients ?? new ClientPool();
  return (ref) => pool.get(ref.region);
}

/** Print results as text or `{"results":[...]}`; the exit code is 1 if one failed. */
export function printResults(results: Result[], opts: OutputOptions, io: Io): number {
  io.stdout(opts.json ? JSON.stringify({ results }, null, 2) + '\n' : formatResults(results, styleFor(io, opts)));
  return hasFailure(results) ? 1 : 0;
}
