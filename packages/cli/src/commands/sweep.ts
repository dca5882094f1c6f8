/**
 * `fixbridge sweep`: every queue, topic and broker of the chosen accounts and regions, through every
 * enabled remediation, in the effective mode. Results stream out as they come (text, or one JSON
 * document `{"results":[...],"summary":{...}}`), progress goes to stderr, and the command ends with
 * a summary table per remediation; `--report` writes a Markdown report. Ctrl-C stops cleanly: no new
 * resource is started, the ones in flight finish, the summary of what was done is printed, exit 130.
 */
import { Command, Option } from 'commander';
import { effectiveMode, InputError, kindOf, type EngineDeps, type ResourceType, type Result } from '@fixbridge/core';
import {
  DEFAULT_SWEEP_CONCURRENCY,
  MAX_SWEEP_CONCURRENCY,
  parseAccounts,
  parseRegions,
  sweep,
  sweepAccess,
  sweepScope,
  type SweepBatch,
  type SweepSummary,
  type SweepTarget,
} from '@fixbridge/core/sweep';
import { paint, STATUS_COLOR, type Style } from '../format';
import { envOf, type Io } from '../io';
import { progressFor } from '../progress';
import { SweepReport } from '../sweep-report';
import { approvalsOption, configOption, engineDeps, EXIT_CODES, jsonOption, loadConfig, modeOption, noColorOption, parseMode, styleFor, type Done, type OutputOptions } from './shared';

interface SweepOptions extends OutputOptions {
  services?: string;
  only?: string;
  mode?: string;
  regions?: string;
  accounts?: string;
  roleName?: string;
  externalId?: string;
  concurrency?: string;
  config?: string;
  report?: string;
  approvals?: string;
}

/** The exit code after Ctrl-C (128 + SIGINT), as shells report a command stopped by it. */
export const INTERRUPTED_EXIT = 130;

const DETAILS = `
Lists every SQS queue, SNS topic and Amazon MQ broker (following every page) in each account and
region, and runs every enabled remediation on each: plans (dry-run, the default), files approvals
or applies, by the effective mode. Other accounts are reached through the member role of the
deployed hub (--role-name, default fixbridge-remediation, with --external-id or
FIXBRIDGE_EXTERNAL_ID); "--accounts org" sweeps the organization's ACTIVE accounts. "--regions all"
sweeps the regions enabled for each account (EC2 DescribeRegions). An account or region that
cannot be reached or listed is a failed result, and the sweep goes on.
Progress goes to stderr; --json prints nothing but {"results":[...],"summary":{...}} on stdout.
Ctrl-C stops cleanly: no new resource is started, the ones in flight finish (no write is left half
done), the summary of what was done is printed, and the exit code is 130 (Ctrl-C again stops at once).
${EXIT_CODES}`;

function parseConcurrency(value: string | undefined): number {
  if (value === undefined) return DEFAULT_SWEEP_CONCURRENCY;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_SWEEP_CONCURRENCY) throw new InputError(`--concurrency must be a whole number from 1 to ${MAX_SWEEP_CONCURRENCY}, not "${value}"`);
  return n;
}

export function sweepCommand(io: Io, done: Done): Command {
  return new Command('sweep')
    .summary('check (and fix, by mode) every resource of accounts and regions')
    .description('Sweep accounts and regions: list every queue, topic and broker, and run every enabled remediation on each in the effective mode.')
    .usage('[options]')
    .addOption(new Option('--services <list>', 'comma-separated services to sweep: sqs, sns, mq (default: all)'))
    .addOption(new Option('--only <remediation-id,...>', 'run only these remediations ("fixbridge list" shows the ids)'))
    .addOption(modeOption('override every configured mode (default: the config, else dry-run)'))
    .addOption(new Option('--regions <list|all>', 'comma-separated regions, or "all" (the regions enabled for each account); default: AWS_REGION'))
    .addOption(new Option('--accounts <ids|org>', 'comma-separated account ids, or "org" (the organization\'s ACTIVE accounts); default: the account of the credentials'))
    .addOption(new Option('--role-name <name>', 'the member role to assume in other accounts (default: fixbridge-remediation)'))
    .addOption(new Option('--external-id <id>', 'the external id the member role requires (default: $FIXBRIDGE_EXTERNAL_ID)'))
    .addOption(new Option('--concurrency <n>', `resources worked on at once, 1–${MAX_SWEEP_CONCURRENCY} (default: ${DEFAULT_SWEEP_CONCURRENCY})`))
    .addOption(configOption())
    .addOption(approvalsOption())
    .addOption(new Option('--report <file.md>', 'also write a Markdown report: the summary, then each resource\'s findings and changes'))
    .addOption(jsonOption('{"results":[...],"summary":{...}}'))
    .addOption(noColorOption())
    .addHelpText('after', DETAILS)
    .action(async (opts: SweepOptions) => done(await sweepAction(opts, io)));
}

async function sweepAction(opts: SweepOptions, io: Io): Promise<number> {
  // Every check of the input before anything is read from AWS.
  const env = envOf(io);
  const mode = parseMode(opts.mode);
  const scope = sweepScope({ services: opts.services, only: opts.only });
  const accounts = parseAccounts(opts.accounts);
  const homeRegion = env.AWS_REGION || env.AWS_DEFAULT_REGION;
  const regions = parseRegions(opts.regions, homeRegion);
  const concurrency = parseConcurrency(opts.concurrency);
  const config = await loadConfig(opts.config);
  const modes = [...new Set(scope.remediations.map((r) => effectiveMode(config, r.id, mode)))];
  const started = new Date();
  const report = opts.report
    ? await SweepReport.open(opts.report, {
        started,
        accounts: opts.accounts ?? 'the account of the credentials',
        regions: regions === 'all' ? 'all enabled' : regions.join(', '),
        remediations: scope.remediations.map((r) => r.id),
        modes: modes.join(', '),
      })
    : undefined;
  const style = styleFor(io, opts);

  const base = engineDeps(io, config, mode, { approvals: opts.approvals });
  // Only writes need the per-resource lock of this machine; a sweep that only reads skips it.
  const deps: Omit<EngineDeps, 'clientsFor'> = { ...base, ...(modes.includes('auto') ? {} : { lock: undefined }), concurrency };
  const access = await sweepAccess({
    region: homeRegion ?? (regions === 'all' ? 'us-east-1' : regions[0]!),
    roleName: opts.roleName,
    externalId: opts.externalId ?? env.FIXBRIDGE_EXTERNAL_ID,
    ...(io.clients ? { pool: io.clients } : {}),
    ...(io.sts ? { sts: io.sts } : {}),
  });

  const externalId = opts.externalId ?? env.FIXBRIDGE_EXTERNAL_ID;
  const others = accounts.kind === 'list' ? accounts.ids.filter((id) => id !== access.homeAccountId) : [];
  if (others.length && !externalId) {
    throw new InputError(`sweeping account${others.length > 1 ? 's' : ''} ${others.join(', ')} (not ${access.homeAccountId}, the account of the credentials) needs the member role's external id: --external-id <id> or FIXBRIDGE_EXTERNAL_ID`);
  }

  const controller = new AbortController();
  const progress = progressFor(io, started.getTime());
  let release = () => {};
  if (io.onInterrupt) {
    release = io.onInterrupt(() => {
      controller.abort();
      release(); // a second Ctrl-C is the default one: it stops at once
      progress.note(`fixbridge: stopping (Ctrl-C): no new resource is started; waiting for the ones in flight to finish. Ctrl-C again stops at once.`);
    });
  }

  const out = opts.json ? jsonStream(io) : textStream(io, style);
  progress.note(`fixbridge: sweeping ${accounts.kind === 'self' ? `account ${access.homeAccountId}` : accounts.kind === 'org' ? 'the organization' : `accounts ${accounts.ids.join(', ')}`}, ${regions === 'all' ? 'all enabled regions' : `region${regions.length > 1 ? 's' : ''} ${regions.join(', ')}`}: ${scope.remediations.length} remediation(s) in ${modes.join(', ')}, ${concurrency} at a time`);
  let summary: SweepSummary;
  try {
    summary = await sweep(
      { scope, accounts, regions },
      {
        ...deps,
        access,
        signal: controller.signal,
        onProgress: (p) => progress.update(p),
        // A line per account, region and kind that holds something (or failed): --regions all lists many empty ones.
        onTarget: (t) => (t.listed > 0 || t.error) && progress.note(targetLine(t)),
        onResults: async (batch) => {
          out.results(batch);
          await report?.add(batch);
        },
      },
    );
  } finally {
    progress.stop();
    release();
  }
  out.end(summary);
  await report?.finish(summary);
  const seconds = summary.durationMs / 1000;
  const rate = seconds > 0 ? summary.resources / seconds : 0;
  io.stderr(
    `fixbridge: ${summary.interrupted ? 'stopped after' : 'swept'} ${summary.resources} resource(s) in ${seconds.toFixed(1)}s (${rate.toFixed(rate < 10 ? 1 : 0)}/s)` +
      `${summary.interrupted ? `; ${summary.notStarted} listed resource(s) not started` : ''}${opts.report ? `; report written to ${opts.report}` : ''}\n`,
  );
  if (summary.interrupted) return INTERRUPTED_EXIT;
  return summary.totals.failed > 0 ? 1 : 0;
}

function targetLine(t: SweepTarget): string {
  if (t.error) return `fixbridge: FAILED ${t.error}`;
  const label = t.resourceType ? kindOf(t.resourceType as ResourceType).label : 'resource';
  return `fixbridge: listed ${t.listed} ${label}${t.listed === 1 ? '' : 's'} in account ${t.accountId}, ${t.region}`;
}

interface Output {
  results(batch: SweepBatch): void;
  end(summary: SweepSummary): void;
}

/** `{"results":[...],"summary":{...}}`, written as the results come (one document, whatever the size). */
function jsonStream(io: Io): Output {
  let first = true;
  const indent = (text: string) => text.replace(/\n/g, '\n    ');
  return {
    results(batch) {
      for (const r of batch.results) {
        io.stdout(`${first ? '{\n  "results": [' : ','}\n    ${indent(JSON.stringify(r, null, 2))}`);
        first = false;
      }
    },
    end(summary) {
      io.stdout(`${first ? '{\n  "results": [' : '\n  '}],\n  "summary": ${JSON.stringify(summary, null, 2).replace(/\n/g, '\n  ')}\n}\n`);
    },
  };
}

/**
 * Text: one line per result worth a person's look (not compliant; a skip whose remediation and
 * reason were already shown is counted, not repeated), then the summary table.
 */
function textStream(io: Io, style: Style): Output {
  const shownSkips = new Set<string>();
  let repeated = 0;
  const line = (r: Result) => {
    const status = paint(style, STATUS_COLOR[r.status], r.status.toUpperCase().padEnd(17));
    io.stdout(`${status}  ${paint(style, 'bold', r.remediation ?? '(none)')}  ${r.resourceArn ?? ''}\n${' '.repeat(19)}${r.reason}\n`);
  };
  return {
    results(batch) {
      for (const r of batch.results) {
        if (r.status === 'compliant') continue;
        if (r.status === 'skipped' && r.remediation) {
          const key = `${r.remediation}\n${r.reason}`;
          if (shownSkips.has(key)) {
            repeated++;
            continue;
          }
          shownSkips.add(key);
        }
        line(r);
      }
    },
    end(summary) {
      if (repeated) io.stdout(`(${repeated} more skipped result(s) for the reasons above)\n`);
      io.stdout(`\n${summaryText(summary, style)}`);
    },
  };
}

const HEADS = ['COMPLIANT', 'PLANNED', 'AWAITING APPROVAL', 'APPLIED', 'BLOCKED', 'NOT REMEDIABLE', 'SKIPPED', 'FAILED'];

/** The summary table per remediation, then what could not be swept. */
export function summaryText(summary: SweepSummary, style: Style): string {
  const statuses = Object.keys(summary.totals) as (keyof SweepSummary['totals'])[];
  const rows = [
    ...summary.remediations.map((r) => [r.remediation ?? '(no remediation)', ...statuses.map((s) => String(r.counts[s]))]),
    ['TOTAL', ...statuses.map((s) => String(summary.totals[s]))],
  ];
  const header = ['REMEDIATION', ...HEADS];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (row: string[]) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const lines = [paint(style, 'bold', fmt(header)), ...rows.slice(0, -1).map(fmt), paint(style, 'bold', fmt(rows[rows.length - 1]!))];
  const failures = summary.targets.filter((t) => t.error);
  if (failures.length) lines.push('', 'Not swept:', ...failures.map((t) => `  ${t.error}`));
  if (summary.interrupted) lines.push('', `Stopped by Ctrl-C: ${summary.notStarted} listed resource(s) were not started; listing may have been cut short.`);
  return lines.join('\n') + '\n';
}

