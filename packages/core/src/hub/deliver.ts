/**
 * The hub's unit of work, a delivery: one work item → claim it → run the engine → record the
 * result → send it to every output. A redelivered item (same event, remediation, resource) is never
 * applied twice: its recorded result is sent on (if that had not finished) and returned.
 */
import { run, type EngineDeps } from '../engine';
import type { Result } from '../results';
import type { WorkItem } from '../routing';
import type { HistoryStore } from './history';
import { isNotable, recordHistory, type Delivery, type Output } from './outputs';
import { changeIdFor, idempotencyKey } from './work-message';

export interface HubDeps {
  engine: EngineDeps;
  /** History rows and delivery claims; without it nothing is recorded and nothing deduplicated. */
  history?: HistoryStore | undefined;
  /** Where results go besides the history (Security Hub, the bus, SNS). */
  outputs?: Output[];
  now?: () => Date;
}

export async function deliver(item: WorkItem, deps: HubDeps): Promise<Delivery> {
  const key = deps.history ? idempotencyKey(item) : undefined;
  const time = (deps.now ?? (() => new Date()))();
  if (key) {
    const recorded = await deps.history!.claim(key, time.getTime());
    if (recorded) {
      const delivery: Delivery = { item, result: recorded.result, changeId: recorded.changeId, time, duplicate: true };
      if (!recorded.reported) await publish(delivery, key, deps);
      return delivery;
    }
  }
  let result: Result;
  try {
    [result] = (await run([item], deps.engine)) as [Result];
  } catch (err) {
    if (key) await deps.history!.release(key);
    throw err;
  }
  const changeId = isNotable(result) ? changeIdFor(key) : undefined;
  if (key) await deps.history!.complete(key, result, changeId);
  const delivery: Delivery = { item, result, changeId, time, duplicate: false };
  await publish(delivery, key, deps);
  return delivery;
}

/** History first (the other outputs name its change id), then the rest; any failure throws after all ran. */
async function publish(d: Delivery, key: string | undefined, deps: HubDeps): Promise<void> {
  if (deps.history) await recordHistory(deps.history)(d);
  const settled = await Promise.allSettled((deps.outputs ?? []).map((out) => out(d)));
  const failed = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed.length) {
    throw new AggregateError(failed.map((f) => f.reason), `reporting the result failed: ${failed.map((f) => (f.reason as Error).message).join('; ')}`);
  }
  if (key) await deps.history!.markReported(key);
}
