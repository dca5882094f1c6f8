/**
 * The deployed engine's unit of work: one work item → claim the delivery → run the engine → record
 * the result → report it everywhere. A redelivered item (same event, remediation, resource) is
 * never applied twice: its recorded result is reported (if that had not finished) and returned.
 */
import { runItems, type EngineDeps } from '../engine';
import type { Result } from '../results';
import type { WorkItem } from '../routing';
import type { HistoryStore } from './history';
import { isNotable, recordHistory, type Output, type Reported } from './report';
import { changeIdFor, idempotencyKey } from './work-message';

export interface DeployDeps {
  engine: EngineDeps;
  /** History rows and delivery claims; without it nothing is recorded and nothing deduplicated. */
  history?: HistoryStore | undefined;
  /** Where results go besides the history (Security Hub, the bus, SNS). */
  outputs?: Output[];
  now?: () => Date;
}

export interface Outcome extends Reported {
  /** True when an earlier delivery had already run this work. */
  duplicate: boolean;
}

export async function processItem(item: WorkItem, deps: DeployDeps): Promise<Outcome> {
  const key = deps.history ? idempotencyKey(item) : undefined;
  const time = (deps.now ?? (() => new Date()))();
  if (key) {
    const recorded = await deps.history!.claim(key, time.getTime());
    if (recorded) {
      const outcome = { item, result: recorded.result, changeId: recorded.changeId, time, duplicate: true };
      if (!recorded.reported) await reportAndMark(outcome, key, deps);
      return outcome;
    }
  }
  let result: Result;
  try {
    [result] = (await runItems([item], deps.engine)) as [Result];
  } catch (err) {
    if (key) await deps.history!.release(key);
    throw err;
  }
  const changeId = isNotable(result) ? changeIdFor(key) : undefined;
  if (key) await deps.history!.complete(key, result, changeId);
  const outcome = { item, result, changeId, time, duplicate: false };
  await reportAndMark(outcome, key, deps);
  return outcome;
}

/** History first (the other outputs name its change id), then the rest; any failure throws after all ran. */
async function reportAndMark(r: Reported, key: string | undefined, deps: DeployDeps): Promise<void> {
  if (deps.history) await recordHistory(deps.history)(r);
  const settled = await Promise.allSettled((deps.outputs ?? []).map((out) => out(r)));
  const failed = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed.length) {
    throw new AggregateError(failed.map((f) => f.reason), `reporting the result failed: ${failed.map((f) => (f.reason as Error).message).join('; ')}`);
  }
  if (key) await deps.history!.markReported(key);
}

/** Process items one after another (the work queue already serializes each resource). */
export async function processItems(items: WorkItem[], deps: DeployDeps): Promise<Outcome[]> {
  const out: Outcome[] = [];
  for (const item of items) out.push(await processItem(item, deps));
  return out;
}
