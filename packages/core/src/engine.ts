/**
 * The pipeline: route → read → evaluate → gate → apply → verify, for each work item.
 * Items for the same resource run one after another and share its reads; after a write the
 * resource is read afresh, so the next item plans from the state just written.
 */
import type { ResourceRef } from './arn';
import type { Clients } from './aws/clients';
import { CATALOG } from './catalog';
import { effectiveMode, optionsOf, type EngineConfig } from './config';
import { describeError, ResourceNotFoundError } from './errors';
import type { ParsedEvent } from './events/parse';
import { resourceKey } from './resources';
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
  /** Resources worked on at once (items of one resource always run one after another). Default 4. */
  concurrency?: number;
}

export const DEFAULT_VERIFY_DELAYS_MS: readonly number[] = [1_000, 2_000, 4_000, 8_000];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Route a parsed event to work items and run them. */
export async function handle(event: ParsedEvent, deps: EngineDeps): Promise<Result[]> {
  return run(route(event, deps.config, deps.catalog ?? CATALOG), deps);
}

/** Run work items; items of one resource in order, different resources concurrently (bounded). */
export async function run(items: WorkItem[], deps: EngineDeps): Promise<Result[]> {
  const results: Result[] = new Array(items.length);
  const groups = new Map<string, number[]>();
  items.forEach((item, i) => {
    const key = item.ref && !item.skip ? resourceKey(item.ref) : `#${i}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  const queue = [...groups.values()];
  async function worker() {
    for (let g = queue.shift(); g; g = queue.shift()) {
      const session = new ResourceSession();
      for (const i of g) results[i] = await runItem(items[i]!, deps, session);
    }
  }
  await Promise.all(Array.from({ length: Math.min(deps.concurrency ?? 4, queue.length) }, worker));
  return results;
}

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

async function runItem(item: WorkItem, deps: EngineDeps, session: ResourceSession): Promise<Result> {
  const r = item.remediation;
  const mode = modeOf(item, deps);
  /** The ARN the trigger named; replaced by the ARN the service reports once the resource is read. */
  let resourceArn = item.resourceArn;
  const result = (status: Status, reason: string, changes: Change[] = [], extra: { pendingReboot?: true | undefined } = {}): Result =>
    makeResult({ remediation: r?.id ?? null, controls: r ? controlLabels(r) : [], resourceArn, mode, changes, reason }, status, extra);
  if (item.skip || !r || !item.ref) return result('skipped', item.skip ?? 'nothing to do');
  const ref = item.ref;

  const options = optionsOf(deps.config, r);
  let clients: Clients;
  try {
    clients = await deps.clientsFor(ref);
  } catch (err) {
    return result('failed', `cannot get AWS access to account ${ref.accountId} in ${ref.region}: ${describeError(err)}`);
  }
  const ctx = session.context(r.kind, ref, clients);
  const exemptTagKey = deps.config.exemptTagKey;

  let assessment: Assessment<unknown>;
  try {
    resourceArn = (await ctx.resource()).arn;
    // A rollback is a person's order to undo fixbridge's own change: the exemption does not stop it.
    const exempt = item.trigger.kind === 'rollback' ? undefined : (await ctx.tags())[exemptTagKey];
    if (exempt !== undefined && exempt.toLowerCase() === 'true') {
      return result('skipped', `the resource is exempt (tag ${exemptTagKey}=${exempt})`);
    }
    assessment = r.evaluate(await r.read(ctx, options), options, deps.config);
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
  const plan = assessment;
  if (mode === 'dry-run') return result('planned', `${plan.reason}; dry-run: nothing was changed`, plan.changes);
  if (mode === 'approval') return result('awaiting-approval', `${plan.reason}; waiting for a person to approve`, plan.changes);

  try {
    if (r.apply) await r.apply(ctx, plan.ops, options);
    else await r.kind.applyOps(clients, plan.ops);
  } catch (err) {
    session.invalidate(); // part of the plan may have been written: later items must read afresh
    return result('failed', `apply failed: ${describeError(err)}`, plan.changes);
  }
  // verify: read again, evaluate again; only a compliant re-evaluation counts as applied. The
  // verified read stays in the session, so the next item of this resource plans from the state just written.
  const delays = deps.verifyDelaysMs ?? DEFAULT_VERIFY_DELAYS_MS;
  for (let attempt = 0; ; attempt++) {
    session.invalidate();
    let again: Assessment<unknown>;
    try {
      again = r.evaluate(await r.read(ctx, options), options, deps.config);
    } catch (err) {
      session.invalidate();
      return result('failed', `wrote the changes but could not verify them: ${describeError(err)}`, plan.changes);
    }
    if (again.kind === 'compliant') {
      return result('applied', `${plan.reason}; applied and verified: ${again.reason}`, plan.changes, { pendingReboot: again.pendingReboot });
    }
    if (attempt >= delays.length) {
      session.invalidate();
      return result('failed', `wrote the changes but the resource is still not compliant on re-read (${again.kind}: ${again.reason})`, plan.changes);
    }
    await sleep(delays[attempt]!);
  }
}
