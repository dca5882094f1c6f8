/**
 * The pipeline: route → read → evaluate → gate → apply → verify, for each work item.
 * Items for the same resource run one after another and share its reads; after a write the
 * resource is read afresh, so the next item plans from the state just written.
 *
 * Writes converge: a policy that changed between the read and the write is re-read and re-planned
 * (the kind's guard refuses to overwrite it), and a verification that finds the change gone (another
 * writer replaced it) re-plans from what is there and writes again, a bounded number of times.
 * After a failed write the engine looks before it reports: what is in place is read back, not assumed.
 */
import { createHash } from 'node:crypto';
import type { ResourceRef } from './arn';
import type { Clients } from './aws/clients';
import { CATALOG } from './catalog';
import { effectiveMode, optionsOf, type EngineConfig } from './config';
import { ConcurrentEditError, describeError, InputError, ResourceNotFoundError } from './errors';
import type { ParsedEvent } from './events/parse';
import { kindOf, parseArn, resourceKey } from './resources';
import type { AnyKind, BaseState, Tags } from './resources/kind';
import { makeResult, type Change, type Mode, type Result, type Status } from './results';
import { controlLabels, type AnyRemediation, type Assessment, type RemediationContext } from './remediations/types';
import { route, type WorkItem } from './routing';

export interface EngineDeps {
  config: EngineConfig;
  catalog?: readonly AnyRemediation[];
  /** SDK clients for the resource's account and region. */
  clientsFor(ref: ResourceRef): Promise<Clients> | Clients;
  /** `--mode` on the command line: beats every configured mode. */
  modeOverride?: Mode | undefined;
  /**
   * Waits between re-reads when a write does not show yet (SQS documents up to 60 s for attribute
   * changes to propagate). Default: 1, 2, 4 and 8 seconds, then the result is `failed`.
   */
  verifyDelaysMs?: readonly number[];
  /** Writes of one plan when others keep changing the resource meanwhile (default 5). */
  maxWriteAttempts?: number;
  /** The wait before re-planning after a concurrent edit (default: jittered, 100 ms doubling, at most 2 s). */
  retryDelayMs?: (attempt: number) => number;
  /** Resources worked on at once (items of one resource always run one after another). Default 4. */
  concurrency?: number;
  /**
   * Hold a resource while its items run (the CLI takes a lock per resource shared by the processes
   * of one machine); resolves to the release function.
   */
  lock?: (key: string) => Promise<() => Promise<void>>;
  /** Called as each result is known (progress of a long run). */
  onResult?: (result: Result, item: WorkItem) => void;
  /** Once aborted, no further resource is started; the ones in flight finish (no write is left half done). */
  signal?: AbortSignal | undefined;
  /**
   * Approval mode: files each plan for a person (an approval store, and Slack when configured); the
   * `awaiting-approval` result it returns (naming the approval) replaces the engine's. Without it
   * the plan is only reported.
   */
  approvals?: ApprovalGate | undefined;
}

/** The approval gate: `file` stores the plan (or finds the pending approval of the same plan) and says which. */
export interface ApprovalGate {
  file(item: WorkItem, plan: { reason: string; changes: Change[]; ops: unknown[] }, result: Result, config: EngineConfig): Promise<Result>;
}

export const DEFAULT_VERIFY_DELAYS_MS: readonly number[] = [1_000, 2_000, 4_000, 8_000];
const DEFAULT_WRITE_ATTEMPTS = 5;
const defaultRetryDelay = (attempt: number) => Math.min(2_000, 100 * 2 ** attempt) * (0.5 + Math.random());
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Route a parsed event to work items and run them. */
export async function handle(event: ParsedEvent, deps: EngineDeps): Promise<Result[]> {
  return run(route(event, deps.config, deps.catalog ?? CATALOG), deps);
}

/**
 * Run work items; items of one resource in order, different resources concurrently (bounded). An
 * item that repeats an earlier one of the same run (same remediation, resource and mode) is not run
 * again: it gets that item's result. Items whose resource was not started before `signal` aborted
 * are `skipped`.
 */
export async function run(items: WorkItem[], deps: EngineDeps): Promise<Result[]> {
  const results: Result[] = new Array(items.length);
  const groups = new Map<string, number[]>();
  items.forEach((item, i) => {
    const key = item.ref && !item.skip ? resourceKey(item.ref) : `#${i}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  const queue = [...groups.entries()];
  async function worker() {
    for (let g = queue.shift(); g; g = queue.shift()) {
      const [key, indexes] = g;
      if (deps.signal?.aborted) {
        for (const i of indexes) results[i] = report(notStarted(items[i]!, deps), items[i]!, deps);
        continue;
      }
      let release: (() => Promise<void>) | undefined;
      try {
        release = items[indexes[0]!]!.ref && deps.lock ? await deps.lock(key) : undefined;
      } catch (err) {
        for (const i of indexes) results[i] = report(lockFailed(items[i]!, deps, err), items[i]!, deps);
        continue;
      }
      try {
        const session = new ResourceSession();
        const done = new Map<string, Result>();
        for (const i of indexes) {
          const item = items[i]!;
          const same = sameWork(item, i, deps);
          results[i] = report(done.get(same) ?? (await runItem(item, deps, session)), item, deps);
          done.set(same, results[i]!);
        }
      } finally {
        await release?.();
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(deps.concurrency ?? 4, queue.length) }, worker));
  return results;
}

function report(result: Result, item: WorkItem, deps: EngineDeps): Result {
  deps.onResult?.(result, item);
  return result;
}

/** Items (of one resource) that do the same work: the same remediation in the same mode. */
function sameWork(item: WorkItem, index: number, deps: EngineDeps): string {
  return item.skip || !item.remediation || !item.ref ? `#${index}` : `${item.remediation.id}\n${modeOf(item, deps)}`;
}

function unrun(item: WorkItem, deps: EngineDeps, status: Status, reason: string): Result {
  const r = item.remediation;
  return makeResult({ remediation: r?.id ?? null, controls: r ? controlLabels(r) : [], resourceArn: item.resourceArn, mode: modeOf(item, deps), changes: [], reason }, status);
}
const notStarted = (item: WorkItem, deps: EngineDeps) => unrun(item, deps, 'skipped', 'stopped before this resource was started; nothing was read or written');
const lockFailed = (item: WorkItem, deps: EngineDeps, err: unknown) =>
  unrun(item, deps, 'failed', `another fixbridge process kept this resource busy (${describeError(err)}); nothing was read or written`);

/** One resource's reads, shared by the items of that resource; dropped after a write. */
class ResourceSession {
  private state?: Promise<BaseState> | undefined;
  private tags?: Promise<Tags> | undefined;

  context<K extends AnyKind>(kind: K, ref: ResourceRef, clients: Clients): RemediationContext<K> {
    const state = () => (this.state ??= this.remember(kind.read(clients, ref), () => (this.state = undefined)));
    return {
      ref,
      clients,
      resource: state as RemediationContext<K>['resource'],
      tags: () => (this.tags ??= this.remember(state().then((s) => kind.readTags(clients, s)), () => (this.tags = undefined))),
    };
  }

  /** Read afresh next time (after a write, or when a write may have been partly done). */
  invalidate(): void {
    this.state = undefined;
    this.tags = undefined;
  }

  /** A failed read is not remembered: the next item tries again. */
  private remember<T>(p: Promise<T>, forget: () => void): Promise<T> {
    p.catch(forget);
    return p;
  }
}

function modeOf(item: WorkItem, deps: EngineDeps): Mode {
  if (item.forcedMode) return item.forcedMode;
  return effectiveMode(deps.config, item.remediation?.id ?? '', deps.modeOverride ?? item.requestedMode);
}

/** A plan's identity: its changes and its exact writes. Two plans alike in these write the same. */
export function planHash(plan: { changes: Change[]; ops: unknown[] }): string {
  return createHash('sha256').update(JSON.stringify([plan.changes, plan.ops])).digest('hex');
}

/** The resource read back is not the one asked for (another account, region or partition), or undefined. */
function mismatchOf(ref: ResourceRef, readArn: string): string | undefined {
  let read: ResourceRef;
  try {
    read = parseArn(readArn);
  } catch {
    return undefined; // the service's own ARN in a form fixbridge does not parse: nothing to compare
  }
  const differs = (['partition', 'region', 'accountId'] as const).filter((k) => read[k] !== ref[k]);
  if (!differs.length) return undefined;
  const what = differs.map((k) => (k === 'accountId' ? 'account' : k)).join(' and ');
  return `the resource read back is ${readArn}, not the requested ${ref.arn} (the ${what} ${differs.length > 1 ? 'differ' : 'differs'}): the credentials or region reach another resource, so nothing was written`;
}

type Plan = Extract<Assessment<unknown>, { kind: 'plan' }>;

/** Did the write fail for sure (the service rejected the request), or might it have happened? */
function definitelyRejected(err: unknown): boolean {
  if (err instanceof ConcurrentEditError) return true;
  const e = err as { $fault?: string; name?: string; $retryable?: unknown };
  return e.$fault === 'client' && !e.$retryable && !/Throttl|TooManyRequests|RequestLimitExceeded/.test(e.name ?? '');
}

/**
 * Might a failed read succeed if tried again a moment later (throttling, a server fault, a dropped
 * connection)? Not when the service refused it, the resource is gone or what it holds is unusable.
 */
function mayPass(err: unknown): boolean {
  return !definitelyRejected(err) && !(err instanceof ResourceNotFoundError) && !(err instanceof InputError);
}

async function runItem(item: WorkItem, deps: EngineDeps, session: ResourceSession): Promise<Result> {
  const r = item.remediation;
  const mode = modeOf(item, deps);
  /** The ARN the trigger named; replaced by the ARN the service reports once the resource is read. */
  let resourceArn = item.resourceArn;
  const result = (status: Status, reason: string, changes: Change[] = [], extra: { pendingReboot?: true | undefined } = {}): Result =>
    makeResult({ remediation: r?.id ?? null, controls: r ? controlLabels(r) : [], resourceArn, mode, changes, reason }, status, extra);
  if (item.skip || !r || !item.ref) return result('skipped', item.skip ?? 'nothing to do');
  const ref = item.ref;
  if (ref.type !== r.kind.type) {
    return result('skipped', `${ref.arn} is an ${kindOf(ref.type).label}, but ${r.id} remediates ${r.kind.label} resources; nothing was read or written`);
  }

  const options = optionsOf(deps.config, r);
  let clients: Clients;
  try {
    clients = await deps.clientsFor(ref);
  } catch (err) {
    return result('failed', `cannot get AWS access to account ${ref.accountId} in ${ref.region}: ${describeError(err)}`);
  }
  const ctx = session.context(r.kind, ref, clients);
  const evaluate = async (): Promise<Assessment<unknown>> => r.evaluate(await r.read(ctx, options), options, deps.config);
  const exemptTagKey = deps.config.exemptTagKey;

  let assessment: Assessment<unknown>;
  try {
    const read = (await ctx.resource()).arn;
    const mismatch = mismatchOf(ref, read);
    if (mismatch) return result('failed', mismatch);
    resourceArn = read;
    assessment = await evaluate();
    // The exemption needs the tags, read only now: a compliant resource is compliant, exempt or not.
    // A rollback is a person's order to undo fixbridge's own change: the exemption does not stop it.
    if (assessment.kind !== 'compliant' && assessment.kind !== 'skipped' && item.trigger.kind !== 'rollback') {
      const exempt = (await ctx.tags())[exemptTagKey];
      if (exempt !== undefined && exempt.toLowerCase() === 'true') return result('skipped', `the resource is exempt (tag ${exemptTagKey}=${exempt})`);
    }
  } catch (err) {
    if (err instanceof ResourceNotFoundError) {
      return item.trigger.kind === 'runbook'
        ? result('failed', `${err.message}; check the ARN, region and account`)
        : result('skipped', `${err.message} (it may have been deleted since the event)`);
    }
    return result('failed', `could not read the resource: ${describeError(err)}`);
  }

  switch (assessment.kind) {
    case 'compliant':
      return result('compliant', assessment.reason, [], { pendingReboot: assessment.pendingReboot });
    case 'blocked':
    case 'not-remediable':
    case 'skipped':
      return result(assessment.kind, assessment.reason);
    case 'plan':
      break;
  }
  const first = assessment;
  /** Approval mode: the plan waits for a person (filed through `deps.approvals`). */
  const awaiting = async (plan: Plan, why = ''): Promise<Result> => {
    const waiting = result('awaiting-approval', `${why}${plan.reason}; waiting for a person to approve`, plan.changes);
    try {
      return deps.approvals ? await deps.approvals.file(item, plan, waiting, deps.config) : waiting;
    } catch (err) {
      return result('failed', `${why}${plan.reason}; could not file the plan for approval (${describeError(err)}), so nothing was written`, plan.changes);
    }
  };
  if (item.approved) {
    // Approved: apply only the plan the person saw. Another plan means the resource changed since.
    if (planHash(first) !== item.approved.planHash) return awaiting(first, `the resource changed since the plan of approval ${item.approved.id} was made, so nothing was written; `);
  } else if (mode === 'dry-run') {
    return result('planned', `${first.reason}; dry-run: nothing was changed`, first.changes);
  } else if (mode === 'approval') {
    return awaiting(first);
  }

  const write = (plan: Plan) => (r.apply ? r.apply(ctx, plan.ops, options) : r.kind.applyOps(clients, plan.ops));
  const attempts = deps.maxWriteAttempts ?? DEFAULT_WRITE_ATTEMPTS;
  const backoff = deps.retryDelayMs ?? defaultRetryDelay;
  const delays = deps.verifyDelaysMs ?? DEFAULT_VERIFY_DELAYS_MS;
  let plan: Plan = first;
  /** Set once a write went through: what is in place afterwards is fixbridge's. */
  let wrote = false;

  for (let attempt = 1; ; attempt++) {
    // apply
    try {
      await write(plan);
      wrote = true;
    } catch (err) {
      session.invalidate(); // part of the plan may have been written: later reads go to AWS
      if (err instanceof ConcurrentEditError) {
        // Nothing was written: someone changed the policy since it was read. Re-plan from theirs.
        if (attempt >= attempts) {
          return result('failed', `the resource kept changing while fixbridge tried to write it (${attempt} attempts): ${describeError(err)}`, first.changes);
        }
        await sleep(backoff(attempt));
        const next = await replan(evaluate, plan, first, wrote, result);
        if ('status' in next) return next;
        plan = next;
        continue;
      }
      return lookAfterFailedWrite(err, plan, first, !definitelyRejected(err), delays, evaluate, result);
    }

    // verify: read again, evaluate again; only a compliant re-evaluation counts as applied. The
    // verified read stays in the session, so the next item of this resource plans from the state just written.
    let again: Assessment<unknown> | undefined;
    for (let wait = 0; ; wait++) {
      session.invalidate();
      try {
        again = await evaluate();
      } catch (err) {
        session.invalidate();
        // A read that may pass is tried again, within the same waits as a write that does not show yet.
        if (wait < delays.length && mayPass(err)) {
          await sleep(delays[wait]!);
          continue;
        }
        return result('failed', `wrote the changes but could not verify them: ${describeError(err)}`, first.changes);
      }
      if (again.kind === 'compliant') {
        const retried = attempt > 1 ? ` (written ${attempt} times: the resource changed under fixbridge meanwhile)` : '';
        return result('applied', `${first.reason}; applied and verified${retried}: ${again.reason}`, first.changes, { pendingReboot: again.pendingReboot });
      }
      // The same plan again means the write does not show yet (SQS propagates attribute changes
      // lazily): wait and read again. A different one means someone changed the resource after
      // fixbridge wrote (another remediation's write replaced this one): re-plan from it.
      // Anything else right after fixbridge's own write may come from a read that failed inside the
      // remediation (a key policy it could not read): read again within the same waits.
      if (again.kind !== 'plan') {
        if (wait >= delays.length) break;
        await sleep(delays[wait]!);
        continue;
      }
      if (planHash(again) !== planHash(plan)) break;
      if (wait >= delays.length) {
        session.invalidate();
        return result('failed', `wrote the changes but the resource is still not compliant on re-read (${again.kind}: ${again.reason})`, first.changes);
      }
      await sleep(delays[wait]!);
    }
    if (again.kind !== 'plan') {
      session.invalidate();
      return result('failed', `wrote the changes but the resource is still not compliant on re-read (${again.kind}: ${again.reason})`, first.changes);
    }
    if (attempt >= attempts) {
      session.invalidate();
      return result('failed', `wrote the changes ${attempt} times, but others kept changing the resource and it is not compliant now (${again.reason})`, first.changes);
    }
    await sleep(backoff(attempt));
    plan = again;
  }
}

/** After a concurrent edit refused the write: a fresh plan, or the result when none is needed or possible. */
async function replan(
  evaluate: () => Promise<Assessment<unknown>>,
  plan: Plan,
  first: Plan,
  wrote: boolean,
  result: (status: Status, reason: string, changes?: Change[]) => Result,
): Promise<Plan | Result> {
  // What fixbridge left in place: nothing, or an earlier write that another writer has since replaced.
  const none = wrote ? "fixbridge's earlier write was replaced by another writer's, and nothing more was written" : 'nothing was written';
  let next: Assessment<unknown>;
  try {
    next = await evaluate();
  } catch (err) {
    return result('failed', `the resource changed before fixbridge could write, and re-reading it failed: ${describeError(err)}; ${none}`, first.changes);
  }
  if (next.kind === 'plan') return next;
  if (next.kind === 'compliant') {
    // Someone else's edit made it compliant: if fixbridge wrote nothing, say so.
    return wrote
      ? result('applied', `${first.reason}; applied and verified: ${next.reason}`, first.changes)
      : result('compliant', `${next.reason} (the resource changed while fixbridge planned ${plan.reason}; nothing was written)`);
  }
  return result(next.kind === 'skipped' ? 'skipped' : 'blocked', `the resource changed before fixbridge wrote: ${next.reason}; ${none}`);
}

/**
 * A write failed: read the resource back before saying what happened. Compliant → `applied` (the
 * write went through, its answer was lost); otherwise `failed`, saying which changes are in place
 * and which are not. `ambiguous`: the write may have happened and may still show, so an unchanged
 * resource is read again after each of `delays`; a read that fails and may pass is read again too.
 */
async function lookAfterFailedWrite(
  err: unknown,
  plan: Plan,
  first: Plan,
  ambiguous: boolean,
  delays: readonly number[],
  evaluate: () => Promise<Assessment<unknown>>,
  result: (status: Status, reason: string, changes?: Change[], extra?: { pendingReboot?: true | undefined }) => Result,
): Promise<Result> {
  const failed = `apply failed: ${describeError(err)}`;
  let again: Assessment<unknown>;
  for (let wait = 0; ; wait++) {
    try {
      again = await evaluate();
    } catch (readErr) {
      if (wait < delays.length && mayPass(readErr)) {
        await sleep(delays[wait]!);
        continue;
      }
      return result('failed', `${failed}; re-reading the resource to see what is in place failed too (${describeError(readErr)}), so some of the changes may be in place`, first.changes);
    }
    if (again.kind === 'compliant') {
      return result('applied', `${first.reason}; the write's answer was lost (${describeError(err)}), but the resource reads back compliant: ${again.reason}`, first.changes, {
        pendingReboot: again.pendingReboot,
      });
    }
    // Neither compliant nor a plan (blocked: perhaps a read inside the remediation failed) says
    // nothing about the changes: read again; in the end, say that it is unknown.
    if (again.kind !== 'plan' && wait < delays.length) {
      await sleep(delays[wait]!);
      continue;
    }
    if (!ambiguous || wait >= delays.length || again.kind !== 'plan' || planHash(again) !== planHash(plan)) break;
    await sleep(delays[wait]!);
  }
  if (again.kind !== 'plan') {
    return result('failed', `${failed}; reading the resource back does not show whether the changes are in place (it reads ${again.kind}: ${again.reason}), so some of them may be`, first.changes);
  }
  const pending = new Set(again.changes.map((c) => `${c.field}\n${JSON.stringify(c.after)}`));
  const inPlace = plan.changes.filter((c) => !pending.has(`${c.field}\n${JSON.stringify(c.after)}`));
  if (inPlace.length === 0) return result('failed', `${failed}; nothing was changed (the resource reads back as it was before the write)`, first.changes);
  const missing = plan.changes.filter((c) => !inPlace.includes(c));
  return result('failed', `${failed}; in place now: ${inPlace.map((c) => c.description).join('; ')}; not in place: ${missing.map((c) => c.description).join('; ')}`, first.changes);
}
