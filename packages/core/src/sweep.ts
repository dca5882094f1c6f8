/**
 * The account-wide sweep (`fixbridge sweep`, `@fixbridge/core/sweep`): every queue, topic and broker
 * of the chosen accounts and regions, through every enabled remediation, in the effective mode.
 *
 * Planning is pure (`sweepScope`, `parseAccounts`, `parseRegions`, `workItemsOf`); the run lists
 * each (account, region, kind) with the kind's own lister (SDK paginators, every NextToken) and
 * streams what it lists: a bounded buffer runs ahead of a bounded pool of workers, each of which
 * hands one resource's work items to `run()` at a time. Memory therefore stays bounded by the buffer
 * and the pool, whatever the size of the account, and results leave through `onResults` as they
 * come (the caller prints or writes them; the sweep keeps only counts).
 *
 * A failure to reach an account (no member role) or to list a region or kind (AccessDenied) becomes
 * a `failed` result naming that account, region and kind, and the sweep goes on. Once `signal`
 * aborts, no further resource is started; the ones in flight finish (no write is left half done).
 *
 * Not exported from `@fixbridge/core` (the Lambda bundles must not carry the Organizations and EC2
 * clients): import it from `@fixbridge/core/sweep`.
 */
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { partitionOf, REGION_RE } from './arn';
import { clientConfig, ClientPool, type Clients } from './aws/clients';
import { CATALOG, catalogKinds } from './catalog';
import { effectiveMode } from './config';
import { run, type EngineDeps } from './engine';
import { describeError, InputError } from './errors';
import { memberClientsFor } from './hub/member';
import { RESOURCE_KINDS, type AnyKind } from './resources';
import { makeResult, ResultSchema, STATUSES, StatusSchema, type Result } from './results';
import type { AnyRemediation } from './remediations/types';
import { routeListed, type Trigger, type WorkItem } from './routing';

/** Resources worked on at once unless `--concurrency` says otherwise. */
export const DEFAULT_SWEEP_CONCURRENCY = 16;
export const MAX_SWEEP_CONCURRENCY = 256;
/** Listed resources buffered ahead of the workers (the listing of the next page overlaps the work). */
const LOOKAHEAD = 2_000;

// ---- scope: which remediations, accounts and regions (pure) -----------------------------------

/** The remediations a sweep runs and the kinds it lists. */
export interface SweepScope {
  remediations: readonly AnyRemediation[];
  kinds: readonly AnyKind[];
}

const SERVICES = RESOURCE_KINDS.map((k) => k.service);
const list = (value: string | undefined) => (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);

/**
 * `--services sqs,sns,mq` and `--only <remediation-id,...>`: the catalog's remediations of those
 * services, and of those ids. Throws `InputError` naming an unknown service or id, or an `--only`
 * that leaves nothing to run.
 */
export function sweepScope(opts: { services?: string | undefined; only?: string | undefined }, catalog: readonly AnyRemediation[] = CATALOG): SweepScope {
  const services = list(opts.services);
  if (opts.services !== undefined && services.length === 0) throw new InputError(`--services needs a comma-separated list of ${SERVICES.join(', ')}`);
  for (const s of services) if (!SERVICES.includes(s as never)) throw new InputError(`--services: unknown service "${s}" (fixbridge sweeps ${SERVICES.join(', ')})`);
  const only = list(opts.only);
  if (opts.only !== undefined && only.length === 0) throw new InputError('--only needs a comma-separated list of remediation ids (run "fixbridge list" for them)');
  for (const id of only) if (!catalog.some((r) => r.id === id)) throw new InputError(`--only: unknown remediation "${id}" (run "fixbridge list" for the ids)`);
  const remediations = catalog.filter((r) => (services.length === 0 || services.includes(r.kind.service)) && (only.length === 0 || only.includes(r.id)));
  if (remediations.length === 0) throw new InputError(`--only ${only.join(',')} names no remediation of --services ${services.join(',')}`);
  return { remediations, kinds: catalogKinds(remediations) };
}

/** Which accounts: the caller's own, the organization's active accounts, or a list. */
export type AccountsSpec = { kind: 'self' } | { kind: 'org' } | { kind: 'list'; ids: string[] };

/** `--accounts <id,...>|org` (absent: the account of the credentials). Throws `InputError`. */
export function parseAccounts(value: string | undefined): AccountsSpec {
  if (value === undefined) return { kind: 'self' };
  if (value.trim() === 'org') return { kind: 'org' };
  const ids = list(value);
  if (ids.length === 0) throw new InputError('--accounts needs "org" or a comma-separated list of 12-digit account ids');
  for (const id of ids) if (!/^\d{12}$/.test(id)) throw new InputError(`--accounts: "${id}" is not a 12-digit account id (or use --accounts org)`);
  return { kind: 'list', ids: [...new Set(ids)] };
}

/** `--regions a,b|all` (absent: `fallback`, the CLI's configured region). Throws `InputError`. */
export function parseRegions(value: string | undefined, fallback: string | undefined): string[] | 'all' {
  if (value === undefined) {
    if (!fallback) throw new InputError('sweep needs --regions <region,...|all> or AWS_REGION');
    return [fallback];
  }
  if (value.trim() === 'all') return 'all';
  const regions = list(value);
  if (regions.length === 0) throw new InputError('--regions needs "all" or a comma-separated list of regions');
  for (const r of regions) if (!REGION_RE.test(r)) throw new InputError(`--regions: "${r}" is not an AWS region (like us-east-1), nor "all"`);
  return [...new Set(regions)];
}

/** The trigger of a sweep's work items. */
export function sweepTrigger(id: string = randomUUID()): Trigger {
  return { kind: 'sweep', eventId: id, eventName: 'fixbridge sweep' };
}

/** One listed resource as work items (one per remediation of its kind), or one skipped item when fixbridge cannot name it. */
export const workItemsOf = routeListed;

// ---- access: the caller's account, member roles, the organization, regions --------------------

/** AWS access for a sweep: the caller's own account with its credentials, other accounts through the member role. */
export interface SweepAccess {
  /** The account of the credentials (STS GetCallerIdentity). */
  homeAccountId: string;
  /** The region for account-wide calls (Organizations, EC2 DescribeRegions). */
  homeRegion: string;
  clientsFor(accountId: string, region: string): Promise<Clients>;
  /** The organization's ACTIVE accounts (the credentials must be the management or a delegated administrator account's). */
  organizationAccounts(): Promise<string[]>;
  /** The regions enabled for an account (EC2 DescribeRegions with that account's credentials). */
  enabledRegions(accountId: string): Promise<string[]>;
}

export interface SweepAccessOptions {
  region: string;
  /** The member role (default `fixbridge-remediation`, the deployed hub's) and the external id it requires. */
  roleName?: string | undefined;
  externalId?: string | undefined;
  /** Clients for the caller's account (default: the SDK's standard settings). */
  pool?: ClientPool;
  /** The STS client that assumes member roles (default: one from the standard settings). */
  sts?: STSClient;
}

/** Credentials of a set of clients, for a client of another service in the same account. */
const credentialsOf = (clients: Clients) => clients.sts.config.credentials;

export async function sweepAccess(opts: SweepAccessOptions): Promise<SweepAccess> {
  const pool = opts.pool ?? new ClientPool();
  let homeAccountId: string | undefined;
  try {
    homeAccountId = (await pool.get(opts.region).sts.send(new GetCallerIdentityCommand({}))).Account;
  } catch (err) {
    throw new Error(`cannot tell which account the credentials belong to (STS GetCallerIdentity): ${describeError(err)}`, { cause: err });
  }
  if (!homeAccountId) throw new Error('STS GetCallerIdentity named no account');
  const hub = homeAccountId;
  // Other accounts need the external id; without one, reaching them fails (and says so) per account.
  const member = memberClientsFor({ hubAccountId: hub, roleName: opts.roleName, externalId: opts.externalId ?? '', pool, ...(opts.sts ? { sts: opts.sts } : {}) });
  const clientsFor = async (accountId: string, region: string): Promise<Clients> => {
    if (accountId !== hub && !opts.externalId) throw new Error(`sweeping account ${accountId} needs the member role's external id (--external-id, or FIXBRIDGE_EXTERNAL_ID)`);
    return member({ partition: partitionOf(region), region, accountId });
  };
  return {
    homeAccountId: hub,
    homeRegion: opts.region,
    clientsFor,
    async organizationAccounts() {
      // Loaded only for --accounts org (and EC2 only for --regions all): the EC2 client alone costs
      // about 115 MB of memory to load.
      const { OrganizationsClient, paginateListAccounts } = await import('@aws-sdk/client-organizations');
      const home = pool.get(opts.region);
      const org = new OrganizationsClient({ ...clientConfig(opts.region), credentials: credentialsOf(home) });
      const ids: string[] = [];
      for await (const page of paginateListAccounts({ client: org }, {})) {
        for (const a of page.Accounts ?? []) if (a.Id && (a.State ?? a.Status) === 'ACTIVE') ids.push(a.Id);
      }
      return ids;
    },
    async enabledRegions(accountId) {
      const { DescribeRegionsCommand, EC2Client } = await import('@aws-sdk/client-ec2');
      const clients = await clientsFor(accountId, opts.region);
      const ec2 = new EC2Client({ ...clientConfig(opts.region), credentials: credentialsOf(clients) });
      // Without AllRegions, DescribeRegions lists only the regions enabled for the account.
      const out = await ec2.send(new DescribeRegionsCommand({}));
      return (out.Regions ?? []).flatMap((r) => (r.RegionName ? [r.RegionName] : [])).sort();
    },
  };
}

// ---- the summary -----------------------------------------------------------------------------

const CountsSchema = z.record(StatusSchema, z.number().int().nonnegative());
export type StatusCounts = z.infer<typeof CountsSchema>;

export const SweepTargetSchema = z.object({
  accountId: z.string(),
  /** Null when the account itself could not be reached. */
  region: z.string().nullable(),
  /** The resource type listed, or null for an account- or region-wide failure. */
  resourceType: z.string().nullable(),
  listed: z.number().int().nonnegative(),
  /** Why this account, region or kind could not be swept (the sweep went on). */
  error: z.string().optional(),
});
export type SweepTarget = z.infer<typeof SweepTargetSchema>;

/** What a sweep did, per remediation and in total: the `summary` of `fixbridge sweep --json`. */
export const SweepSummarySchema = z.object({
  accounts: z.array(z.string()),
  targets: z.array(SweepTargetSchema),
  /** Resources listed, and resources whose remediations all ran. */
  listed: z.number().int().nonnegative(),
  resources: z.number().int().nonnegative(),
  /** Stopped by the signal (Ctrl-C): listed resources not started, and whether listing was cut short. */
  interrupted: z.boolean(),
  notStarted: z.number().int().nonnegative(),
  /** One row per remediation that ran (`null`: results of no remediation — unnamable resources, failures to list). */
  remediations: z.array(z.object({ remediation: z.string().nullable(), counts: CountsSchema })),
  totals: CountsSchema,
  durationMs: z.number().nonnegative(),
});
export type SweepSummary = z.infer<typeof SweepSummarySchema>;

/** What `fixbridge sweep --json` prints: `run`'s results, and the summary. */
export const SweepDocumentSchema = z.object({ results: z.array(ResultSchema), summary: SweepSummarySchema });
export type SweepDocument = z.infer<typeof SweepDocumentSchema>;

const zeroCounts = (): StatusCounts => Object.fromEntries(STATUSES.map((s) => [s, 0])) as StatusCounts;

// ---- the run ---------------------------------------------------------------------------------

export interface SweepOptions {
  scope: SweepScope;
  accounts: AccountsSpec;
  regions: string[] | 'all';
  /** The sweep's id in its work items' trigger (default: a new UUID). */
  id?: string;
}

/** One resource's results, or results that belong to no resource (a failure to list, an unnamable resource). */
export interface SweepBatch {
  results: Result[];
  /** The listed resource, when the results are its remediations'. */
  resource?: { arn: string; accountId: string; region: string; type: string } | undefined;
}

export interface SweepProgress {
  /** Resources listed so far (grows while listing goes on). */
  listed: number;
  /** Resources whose results are in. */
  done: number;
  /** Listing is over: `listed` is the total. */
  listingDone: boolean;
}

export interface SweepDeps extends Omit<EngineDeps, 'clientsFor' | 'onResult' | 'catalog'> {
  access: SweepAccess;
  /** Each resource's results as they are known, and results of no resource. */
  onResults?: (batch: SweepBatch) => void | Promise<void>;
  onProgress?: (progress: SweepProgress) => void;
  /** An account, region and kind listed (or failed to list): `listed` is then final. */
  onTarget?: (target: SweepTarget) => void;
}

type Unit = { kind: 'resource'; items: WorkItem[]; resource: NonNullable<SweepBatch['resource']> } | { kind: 'results'; results: Result[] };

export async function sweep(opts: SweepOptions, deps: SweepDeps): Promise<SweepSummary> {
  const started = Date.now();
  const { access, signal } = deps;
  const trigger = sweepTrigger(opts.id);
  const mode = effectiveMode(deps.config, '', deps.modeOverride);
  const failure = (reason: string, resourceArn: string | null = null): Unit => ({
    kind: 'results',
    results: [makeResult({ remediation: null, controls: [], resourceArn, mode, changes: [], reason }, 'failed')],
  });
  const targets: SweepTarget[] = [];
  const progress: SweepProgress = { listed: 0, done: 0, listingDone: false };
  const tell = () => deps.onProgress?.({ ...progress });

  let accounts: string[] = [];
  /** Results of no resource found before the listing starts (the organization could not be listed). */
  const before: Unit[] = [];
  if (opts.accounts.kind === 'self') accounts = [access.homeAccountId];
  else if (opts.accounts.kind === 'list') accounts = opts.accounts.ids;
  else {
    try {
      accounts = await access.organizationAccounts();
    } catch (err) {
      before.push(failure(`cannot list the organization's accounts (sweep with the credentials of the management account or of a delegated administrator): ${describeError(err)}; nothing was swept`));
    }
  }

  async function* units(): AsyncGenerator<Unit> {
    yield* before;
    for (const accountId of accounts) {
      if (signal?.aborted) return;
      let regions: string[];
      try {
        regions = opts.regions === 'all' ? await access.enabledRegions(accountId) : opts.regions;
        // Reach the account before listing anything in it: a missing role fails the account once.
        await access.clientsFor(accountId, regions[0] ?? access.homeRegion);
      } catch (err) {
        const error = `account ${accountId}: ${describeError(err)}; nothing in this account was swept`;
        const target = { accountId, region: null, resourceType: null, listed: 0, error };
        targets.push(target);
        deps.onTarget?.(target);
        yield failure(error);
        continue;
      }
      for (const region of regions) {
        for (const kind of opts.scope.kinds) {
          if (signal?.aborted) return;
          const target: SweepTarget = { accountId, region, resourceType: kind.type, listed: 0 };
          targets.push(target);
          try {
            const clients = await access.clientsFor(accountId, region);
            for await (const listed of kind.list.all(clients)) {
              if (signal?.aborted) return;
              target.listed++;
              progress.listed++;
              const items = workItemsOf(kind, listed, opts.scope.remediations, trigger);
              const first = items[0]!;
              if (first.skip) yield { kind: 'results', results: await run(items, { config: deps.config, modeOverride: deps.modeOverride, clientsFor: () => clients }) };
              else yield { kind: 'resource', items, resource: { arn: first.resourceArn!, accountId, region, type: kind.type } };
            }
          } catch (err) {
            target.error = `could not list ${kind.label}s in account ${accountId}, region ${region}: ${describeError(err)}`;
            deps.onTarget?.(target);
            yield failure(target.error);
            continue;
          }
          deps.onTarget?.(target);
        }
      }
    }
  }

  const byRemediation = new Map<string | null, StatusCounts>();
  const totals = zeroCounts();
  const count = (results: Result[]) => {
    for (const r of results) {
      let c = byRemediation.get(r.remediation);
      if (!c) byRemediation.set(r.remediation, (c = zeroCounts()));
      c[r.status]++;
      totals[r.status]++;
    }
  };
  const emit = async (batch: SweepBatch) => {
    count(batch.results);
    await deps.onResults?.(batch);
  };

  const engineDeps: EngineDeps = {
    ...deps,
    concurrency: 1,
    onResult: undefined,
    clientsFor: (ref) => access.clientsFor(ref.accountId, ref.region),
  };
  const buffer = lookahead(units(), LOOKAHEAD, () => {
    progress.listingDone = true;
    tell();
  });
  const workers = Math.max(1, Math.min(deps.concurrency ?? DEFAULT_SWEEP_CONCURRENCY, MAX_SWEEP_CONCURRENCY));
  async function worker() {
    for (;;) {
      if (signal?.aborted) return;
      const unit = await buffer.next();
      if (!unit) return;
      if (unit.kind === 'results') {
        await emit({ results: unit.results });
        continue;
      }
      const results = await run(unit.items, engineDeps);
      progress.done++;
      await emit({ results, resource: unit.resource });
      tell();
    }
  }
  await Promise.all(Array.from({ length: workers }, worker));
  const notStarted = buffer.stop().filter((u) => u.kind === 'resource').length;
  await buffer.finished;

  const catalogOrder = (id: string | null) => (id === null ? Infinity : opts.scope.remediations.findIndex((r) => r.id === id));
  return {
    accounts,
    targets,
    listed: progress.listed,
    resources: progress.done,
    interrupted: Boolean(signal?.aborted),
    notStarted,
    remediations: [...byRemediation.entries()].sort(([a], [b]) => catalogOrder(a) - catalogOrder(b)).map(([remediation, counts]) => ({ remediation, counts })),
    totals,
    durationMs: Date.now() - started,
  };
}

/**
 * Pull from `source` ahead of its consumers, holding at most `capacity` items. `next()` resolves
 * to the next item, or undefined once the source is exhausted or `stop()` was called; `stop()`
 * returns what was buffered and not taken. An error of the source is thrown by `finished`.
 */
function lookahead<T>(source: AsyncGenerator<T>, capacity: number, onEnd: () => void) {
  const buffered: T[] = [];
  let head = 0;
  let ended = false;
  let stopped = false;
  let wake: (() => void)[] = [];
  const notify = () => {
    const w = wake;
    wake = [];
    for (const f of w) f();
  };
  const changed = () => new Promise<void>((resolve) => wake.push(resolve));
  const finished = (async () => {
    try {
      for (let r = await source.next(); !r.done; r = await source.next()) {
        buffered.push(r.value);
        notify();
        while (buffered.length - head >= capacity && !stopped) await changed();
        if (stopped) break;
      }
    } finally {
      ended = true;
      if (stopped) await source.return(undefined);
      onEnd();
      notify();
    }
  })();
  finished.catch(() => notify());
  return {
    async next(): Promise<T | undefined> {
      for (;;) {
        if (stopped) return undefined;
        if (head < buffered.length) {
          const item = buffered[head]!;
          buffered[head++] = undefined as T; // let it go
          if (head > 1024 && head * 2 > buffered.length) {
            buffered.splice(0, head);
            head = 0;
          }
          notify();
          return item;
        }
        if (ended) {
          await finished; // rethrows the source's error
          return undefined;
        }
        await changed();
      }
    },
    stop(): T[] {
      stopped = true;
      const left = buffered.slice(head);
      buffered.length = 0;
      head = 0;
      notify();
      return left;
    },
    finished,
  };
}

