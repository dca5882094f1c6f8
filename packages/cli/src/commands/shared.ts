/** What several commands share: option definitions, output, and the engine's dependencies. */
import { Option } from 'commander';
import { ClientPool, defaultConfig, hasFailure, InputError, loadConfigFile, MODES, type EngineConfig, type EngineDeps, type Mode, type Result } from '@fixbridge/core';
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

/** The engine's dependencies for a command: AWS access, and the per-resource lock of this machine. */
export function engineDeps(io: Io, config: EngineConfig, modeOverride: Mode | undefined): EngineDeps {
  return { config, modeOverride, clientsFor: clientsFor(io), lock: resourceLocks(lockDir(envOf(io))) };
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
