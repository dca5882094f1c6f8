/**
 * The hub's unit of work, a delivery: one work item → claim it → run the engine → record the
 * result → send it to every output. A redelivered item (same event, remediation, resource) is never
 * applied twice: its recorded result is sent on (if that had not finished) and returned.
 *
 * Notify on change: every result is kept as its resource's latest of that remediation (a
 * fingerprint in the history table). A sweep result the same as the latest is `unchanged` and sends
 * nothing — no history row, bus event or notification; events and findings always report.
 */
import { createHash } from 'node:crypto';
import { run, type EngineDeps } from '../engine';
import { resourceKey } from '../resources';
import type { Result, Status } from '../results';
import type { WorkItem } from '../routing';
import type { HistoryStore, RecordedDelivery } from './history';
import { isNotable, recordHistory, type Delivery, type Output } from './outputs';
import { canonical } from './rollback';
import { changeIdFor, idempotencyKey } from './work-message';

export interface HubDeps {
  engine: EngineDeps;
  /** History rows and delivery claims; without it nothing is recorded and nothing deduplicated. */
  history?: HistoryStore | undefined;
  /** Where results go besides the history (Security Hub, the bus, SNS). */
  outputs?: Output[];
  now?: () => Date;
}

/** Statuses whose reason is what they say (there is no plan): another reason is another result. */
const TOLD_BY_REASON: ReadonlySet<Status> = new Set(['blocked', 'not-remediable', 'failed']);

/**
 * What makes two results of one remediation of one resource the same for a person: status, mode,
 * pending reboot and the changes (field, before and after, compared by meaning: JSON keys sorted,
 * policy text parsed); for a result without a plan (blocked, not remediable, failed) its reason.
 * A plan with other changes, or another reason to block, differs; a compliant resource whose
 * compliant reason reads differently does not.
 */
export function resultFingerprint(r: Result): string {
  const changes = r.changes.map((c) => [c.field, canonical(c.before), canonical(c.after)]);
  const pendingReboot = 'pendingReboot' in r && r.pendingReboot === true;
  const reason = TOLD_BY_REASON.has(r.status) ? r.reason : null;
  return createHash('sha256').update(JSON.stringify([r.status, r.mode, pendingReboot, reason, changes])).digest('hex');
}

export async function deliver(item: WorkItem, deps: HubDeps): Promise<Delivery> {
  return (await deliverAll([item], deps))[0]!;
}

/**
 * Deliver the work items of one message (remediations of one resource): each is claimed on its own,
 * the unclaimed ones run in one engine run (they share the resource's read), and each result is
 * recorded and reported on its own. Any failure to report throws after every result was tried.
 */
export async function deliverAll(items: readonly WorkItem[], deps: HubDeps): Promise<Delivery[]> {
  const history = deps.history;
  const keys = items.map((i) => (history ? idempotencyKey(i) : undefined));
  const time = (deps.now ?? (() => new Date()))();
  // Claims, and later the records, of the items are independent writes: made at once.
  const claims = await Promise.allSettled(keys.map((key) => (key ? history!.claim(key, time.getTime()) : undefined)));
  const claimed = keys.filter((key, n): key is string => {
    const c = claims[n]!;
    return key !== undefined && c.status === 'fulfilled' && c.value === undefined;
  });
  const release = () => Promise.all(claimed.map((k) => history!.release(k)));
  const refused = claims.find((c): c is PromiseRejectedResult => c.status === 'rejected');
  if (refused) {
    await release();
    throw refused.reason;
  }
  const recorded = claims.map((c) => (c as PromiseFulfilledResult<RecordedDelivery | undefined>).value);

  const fresh = items.flatMap((_, n) => (recorded[n] ? [] : [n]));
  let results: Result[];
  try {
    results = fresh.length ? await run(fresh.map((n) => items[n]!), deps.engine) : [];
  } catch (err) {
    await release();
    throw err;
  }

  const deliveries = await Promise.all(
    items.map(async (item, n): Promise<{ d: Delivery; due: boolean }> => {
      const key = keys[n];
      const earlier = recorded[n];
      if (earlier) {
        return { d: { item, result: earlier.result, changeId: earlier.changeId, time, duplicate: true, ...(earlier.unchanged ? { unchanged: true } : {}) }, due: !earlier.reported };
      }
      const result = results[fresh.indexOf(n)]!;
      // Recorded before the delivery is completed: a retry of this delivery decides the same way.
      const changed =
        history && item.ref && item.remediation
          ? await history.recordLatest({ resource: resourceKey(item.ref), remediation: item.remediation.id, fingerprint: resultFingerprint(result), status: result.status, by: key, time })
          : true;
      const unchanged = !changed && item.trigger.kind === 'sweep';
      const changeId = isNotable(result) && !unchanged ? changeIdFor(key) : undefined;
      if (key) await history!.complete(key, result, changeId, unchanged);
      return { d: { item, result, changeId, time, duplicate: false, ...(unchanged ? { unchanged: true } : {}) }, due: !unchanged };
    }),
  );
  const due = deliveries.flatMap(({ d, due }, n) => (due ? [{ d, key: keys[n] }] : []));

  const settled = await Promise.allSettled(due.map(({ d, key }) => publish(d, key, deps)));
  const failed = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed.length === 1) throw failed[0]!.reason;
  if (failed.length) throw new AggregateError(failed.map((f) => f.reason), `reporting ${failed.length} results failed: ${failed.map((f) => (f.reason as Error).message).join('; ')}`);
  return deliveries.map(({ d }) => d);
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
