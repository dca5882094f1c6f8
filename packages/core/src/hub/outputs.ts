/**
 * Where the hub sends a delivery's result: a history row, a Security Hub note and workflow status,
 * an event on the bus, a short SNS notification. Each output is a function of one delivery, so
 * the worker and the runbook function choose which ones they use.
 */
import type { Result, Status } from '../results';
import type { WorkItem } from '../routing';
import { historyEntry, type HistoryStore } from './history';

/** One work item's run in the hub: its result, the history row it got, and whether it repeated earlier work. */
export interface Delivery {
  item: WorkItem;
  result: Result;
  /** Set for notable results: the id of their history row. */
  changeId?: string | undefined;
  time: Date;
  /** True when an earlier delivery had already run this work (its recorded result is reused). */
  duplicate: boolean;
  /**
   * True for a sweep result that is the same as the resource's latest recorded result of the
   * remediation: no history row, bus event, notification or write-back was sent for it.
   */
  unchanged?: boolean | undefined;
}

export type Output = (d: Delivery) => Promise<void>;

/** Notable results change something, or need a person: everything but `compliant` and `skipped`. */
export function isNotable(result: Result): boolean {
  return result.resourceArn !== null && result.status !== 'compliant' && result.status !== 'skipped';
}

const VERB: Record<Status, string> = {
  compliant: 'found compliant',
  planned: 'planned (dry-run)',
  'awaiting-approval': 'awaits approval for',
  applied: 'applied',
  blocked: 'blocked',
  'not-remediable': 'cannot remediate',
  skipped: 'skipped',
  failed: 'failed',
};

/** One line: `fixbridge applied sqs-encrypt-at-rest: <reason> (change ch-…)`. */
export function summaryLine(d: Delivery): string {
  const change = d.changeId ? ` (change ${d.changeId})` : '';
  return `fixbridge ${VERB[d.result.status]} ${d.result.remediation ?? '(no remediation)'}: ${d.result.reason}${change}`;
}

export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function recordHistory(store: HistoryStore): Output {
  return async (d) => {
    if (d.changeId) await store.put(historyEntry(d.result, d.changeId, d.item.trigger, d.time));
  };
}
