/**
 * The `fixbridge` command: process an EventBridge event, run a runbook by hand, list the catalog.
 * Exit codes: 0 nothing failed, 1 a result failed, 2 bad input (nothing was changed).
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  CATALOG,
  ClientPool,
  controlLabels,
  defaultConfig,
  describeError,
  hasFailure,
  InputError,
  loadConfigFile,
  MODES,
  parseEventText,
  handle,
  permissionsOf,
  routeRunbook,
  run,
  VERSION,
  type EngineConfig,
  type EngineDeps,
  type Mode,
  type Result,
} from '@fixbridge/core';
import { formatCatalog, formatResults, type Style } from './format';
import { historyCommand, rollbackCommand } from './history';

const USAGE = `fixbridge ${VERSION} — safe, automated remediation for AWS SQS, SNS and Amazon MQ

Usage:
  fixbridge handle --event <file|->                            process one EventBridge event (or runbook request)
  fixbridge run <remediation-id|control-id> --resource <arn>   run a runbook by hand
  fixbridge list                                               show the catalog
  fixbridge history <resource-arn> [--table <name>]            the deployed engine's changes to a resource
  fixbridge rollback <change-id> [--table <name>]              restore a change's "before" (dry-run unless --mode auto)

Options:
  --mode dry-run|approval|auto   override every configured mode (default: config, else dry-run)
  --config <file>                engine config JSON (see README "Configuration")
  --table <name>                 history table (default: FIXBRIDGE_HISTORY_TABLE)
  --json                         print {"results":[...]} (or the catalog) as JSON on stdout
  --no-color                     never colour the output
  -h, --help                     show this help
  -v, --version                  show the version

AWS access uses the standard SDK settings: AWS_REGION, AWS_ENDPOINT_URL, the credentials chain.
Exit codes: 0 nothing failed, 1 some result failed, 2 bad input (nothing was changed).
`;

const OPTIONS = {
  event: { type: 'string' },
  resource: { type: 'string' },
  mode: { type: 'string' },
  config: { type: 'string' },
  table: { type: 'string' },
  json: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readStdin: () => Promise<string>;
  isTTY: boolean;
  /** Builds the engine's AWS access; tests may replace it. */
  clients?: ClientPool;
}

const defaultIo: Io = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
  isTTY: Boolean(process.stdout.isTTY),
};

export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (err) {
    if (err instanceof InputError) {
      io.stderr(`fixbridge: error: ${err.message}\n`);
      return 2;
    }
    io.stderr(`fixbridge: unexpected error: ${describeError(err)}\n`);
    if (process.env.FIXBRIDGE_DEBUG && err instanceof Error) io.stderr(`${err.stack}\n`);
    return 1;
  }
}

async function dispatch(argv: string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new InputError(`${(err as Error).message.split('\n')[0]} (see "fixbridge --help")`);
  }
  const { values, positionals } = parsed;
  if (values.version) {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  const [command, ...rest] = positionals;
  if (values.help || !command || command === 'help') {
    io.stdout(USAGE);
    return command || values.help ? 0 : 2;
  }
  const style: Style = { color: io.isTTY && !values['no-color'] && !process.env.NO_COLOR };
  const mode = parseMode(values.mode);

  switch (command) {
    case 'list': {
      expectNoArgs('list', rest);
      if (values.json) {
        const remediations = CATALOG.map((r) => ({
          id: r.id,
          title: r.title,
          resourceType: r.kind.type,
          controls: controlLabels(r),
          securityHub: r.controls.securityHub,
          qualys: r.controls.qualys,
          seeds: r.controls.seeds,
          risk: r.risk,
          permissions: permissionsOf(r),
        }));
        io.stdout(JSON.stringify({ remediations }, null, 2) + '\n');
      } else io.stdout(formatCatalog(CATALOG, style));
      return 0;
    }
    case 'handle': {
      expectNoArgs('handle', rest);
      if (!values.event) throw new InputError('handle needs --event <file> (or --event - to read stdin)');
      const config = await loadConfig(values.config);
      const text = values.event === '-' ? await io.readStdin() : await readEventFile(values.event);
      const trigger = parseEventText(text, values.event === '-' ? 'event on stdin' : `event file ${values.event}`);
      const results = await handle(trigger, deps(config, mode, io));
      return report(results, values.json, style, io);
    }
    case 'run': {
      if (rest.length !== 1) throw new InputError('run needs exactly one remediation id or control id, e.g. "fixbridge run sqs-require-tls --resource <arn>"');
      if (!values.resource) throw new InputError('run needs --resource <arn>');
      const config = await loadConfig(values.config);
      const items = routeRunbook(rest[0]!, values.resource);
      const results = await run(items, deps(config, mode, io));
      return report(results, values.json, style, io);
    }
    case 'history':
      return historyCommand(rest, { table: values.table, json: values.json }, io);
    case 'rollback':
      return rollbackCommand(rest, { table: values.table, json: values.json, mode }, style, io);
    default:
      throw new InputError(`unknown command "${command}" (commands: handle, run, list, history, rollback; see "fixbridge --help")`);
  }
}

function parseMode(value: string | undefined): Mode | undefined {
  if (value === undefined) return undefined;
  if (!(MODES as readonly string[]).includes(value)) throw new InputError(`--mode must be one of ${MODES.join(', ')}, not "${value}"`);
  return value as Mode;
}

function expectNoArgs(command: string, rest: string[]): void {
  if (rest.length) throw new InputError(`${command} takes no arguments, got "${rest.join(' ')}"`);
}

async function loadConfig(path: string | undefined): Promise<EngineConfig> {
  return path ? loadConfigFile(path) : defaultConfig();
}

async function readEventFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new InputError(`event file ${path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

function deps(config: EngineConfig, modeOverride: Mode | undefined, io: Io): EngineDeps {
  const pool = io.clients ?? new ClientPool();
  return { config, modeOverride, clientsFor: (ref) => pool.get(ref.region) };
}

function report(results: Result[], json: boolean | undefined, style: Style, io: Io): number {
  io.stdout(json ? JSON.stringify({ results }, null, 2) + '\n' : formatResults(results, style));
  return hasFailure(results) ? 1 : 0;
}
