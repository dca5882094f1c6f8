/**
 * The pipeline: route → read → evaluate → gate → apply → verify, for each work item.
 * Items for the same resource run one after another, each reading fresh state after a write.
 */
import { RESOURCE_TYPE_LABEL, resourceKey, type ResourceRef } from './arn';
import type { Clients } from './aws/clients';
import { CATALOG } from './catalog';
import { effectiveMode, type EngineConfig } from './config';
import { describeError, ResourceNotFoundError } from './errors';
import type { Trigger } from './events/parse';
import { READERS, type BaseState } from './readers';
import type { Change, Mode, Result } from './results';
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
  /** Resource readers by type (default: the AWS adapters); tests may supply their own. */
  readers?: typeof READERS;
}

export const DEFAULT_VERIFY_DELAYS_MS: readonly number[] = [1_000, 2_000, 4_000, 8_000];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function processTrigger(trigger: Trigger, deps: EngineDeps): Promise<Result[]> {
  return runItems(route(trigger, deps.config, deps.catalog ?? CATALOG), deps);
}

/** Run work items; items of one resource in order, different resources concurrently (bounded). */
export async function runItems(items: WorkItem[], deps: EngineDeps, concurrency = 4): Promise<Result[]> {
  const results: Result[] = new Array(items.length);
  const groups = new Map<string, number[]>();
  items.forEach((item, i) => {
    const key = item.ref && !item.skip ? resourceKey(item.ref) : `#${i}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  const queue = [...groups.values()];
  async function worker() {
    for (let g = queue.shift(); g; g = queue.shift()) {
      const cache = new Map<string, Promise<BaseState>>();
      for (const i of g) results[i] = await runItem(items[i]!, deps, cache);
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
  return results;
}

function modeOf(item: WorkItem, deps: EngineDeps): Mode {
  if (item.forcedMode) return item.forcedMode;
  const id = item.remediation?.id ?? '';
  return effectiveMode(deps.config, id, deps.modeOverride ?? item.requestedMode);
}

async function runItem(item: WorkItem, deps: EngineDeps, cache: Map<string, Promise<BaseState>>): Promise<Result> {
  const r = item.remediation;
  const mode = modeOf(item, deps);
  /** The ARN the trigger named; replaced by the ARN the service reports once the resource is read. */
  let resourceArn = item.resourceArn;
  const result = (status: Result['status'], reason: string, changes: Change[] = []): Result => ({
    remediation: r?.id ?? null,
    controls: r ? controlLabels(r) : [],
    resourceArn,
    mode,
    status,
    changes,
    reason,
  });
  if (item.skip || !r || !item.ref) return result('skipped', item.skip ?? 'nothing to do');
  const ref = item.ref;
  const reader = (deps.readers ?? READERS)[ref.type];
  if (!reader) return result('failed', `no reader for ${RESOURCE_TYPE_LABEL[ref.type]} resources`);

  const settings = { organizationId: deps.config.organizationId, exemptTagKey: deps.config.exemptTagKey };
  const cacheKey = resourceKey(ref);
  const config = deps.config.remediations[r.id]?.config ?? r.configSchema.parse({});
  let clients: Clients;
  try {
    clients = await deps.clientsFor(ref);
  } catch (err) {
    return result('failed', `cannot get AWS access to account ${ref.accountId} in ${ref.region}: ${describeError(err)}`);
  }
  const ctx: RemediationContext = {
    ref,
    clients,
    settings,
    resource: () => {
      let p = cache.get(cacheKey);
      if (!p) {
        p = reader(clients, ref);
        cache.set(cacheKey, p);
        p.catch(() => cache.delete(cacheKey));
      }
      return p;
    },
  };

  let assessment: Assessment<unknown>;
  try {
    const base = (await ctx.resource()) as BaseState;
    resourceArn = base.arn;
    const exempt = base.tags[settings.exemptTagKey];
    if (exempt !== undefined && exempt.toLowerCase() === 'true') {
      return result('skipped', `the resource is exempt (tag ${settings.exemptTagKey}=${exempt})`);
    }
    assessment = r.evaluate(await r.read(ctx, config), config, settings);
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
      return result('compliant', assessment.reason);
    case 'blocked':
      return result('blocked', assessment.reason);
    case 'not-remediable':
      return result('not-remediable', assessment.reason);
    case 'skipped':
      return result('skipped', assessment.reason);
    case 'plan':
      break;
  }
  const plan = assessment;
  if (mode === 'dry-run') return result('planned', `${plan.reason}; dry-run: nothing was changed`, plan.changes);
  if (mode === 'approval') return result('awaiting-approval', `${plan.reason}; waiting for a person to approve`, plan.changes);

  try {
    await r.apply(ctx, plan.ops, config);
  } catch (err) {
    cache.delete(cacheKey); // part of the plan may have been written: later items must read afresh
    return result('failed', `apply failed: ${describeError(err)}`, plan.changes);
  }
  // verify: read again, evaluate again; only a compliant re-evaluation counts as applied. The
  // verified read stays cached, so the next item of this resource plans from the state just written.
  const delays = deps.verifyDelaysMs ?? DEFAULT_VERIFY_DELAYS_MS;
  for (let attempt = 0; ; attempt++) {
    cache.delete(cacheKey);
    let again: Assessment<unknown>;
    try {
      again = r.evaluate(await r.read(ctx, config), config, settings);
    } catch (err) {
      cache.delete(cacheKey);
      return result('failed', `wrote the changes but could not verify them: ${describeError(err)}`, plan.changes);
    }
    if (again.kind === 'compliant') return result('applied', `${plan.reason}; applied and verified: ${again.reason}`, plan.changes);
    if (attempt >= delays.length) {
      cache.delete(cacheKey);
      return result('failed', `wrote the changes but the resource is still not compliant on re-read (${again.kind}: ${again.reason})`, plan.changes);
    }
    await sleep(delays[attempt]!);
  }
}
