/**
 * Where results go: a history row, a Security Hub note and workflow status, an event on the bus,
 * and a short SNS notification. Each output is a function of one reported result, so the worker,
 * the runbook function and the CLI can choose which ones they use.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SecurityHubClient, WorkflowStatus } from '@aws-sdk/client-securityhub';
import type { Result, Status } from '../results';
import type { WorkItem } from '../routing';
import { LOGS_PENDING_REBOOT } from '../remediations/mq-enable-logging';
import { historyEntry, type HistoryStore } from './history';
import { eventBridgeSdk, securityHubSdk } from './sdk';

export interface Reported {
  item: WorkItem;
  result: Result;
  /** Set for notable results: the id of their history row. */
  changeId?: string | undefined;
  time: Date;
}

export type Output = (r: Reported) => Promise<void>;

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
export function summaryLine(r: Reported): string {
  const change = r.changeId ? ` (change ${r.changeId})` : '';
  return `fixbridge ${VERB[r.result.status]} ${r.result.remediation ?? '(no remediation)'}: ${r.result.reason}${change}`;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function recordHistory(store: HistoryStore): Output {
  return async (r) => {
    if (r.changeId) await store.put(historyEntry(r.result, r.changeId, r.item.trigger, r.time));
  };
}

/**
 * The Security Hub workflow status to write back: RESOLVED only after a verified fix, NOTIFIED for
 * everything else. Every write-back moves the finding out of NEW, so the `Findings - Imported`
 * event it causes never matches the rule (which wants NEW) again. A `compliant` result is NOTIFIED:
 * Security Hub reopens a finding only on a PASSED→FAILED change, so resolving a FAILED finding
 * fixbridge disagrees with would hide it for good. An applied logging change that waits for a
 * broker reboot is NOTIFIED too: Security Hub keeps MQ.2 failing until the reboot.
 */
export function workflowStatus(result: Result): WorkflowStatus {
  return result.status === 'applied' && !result.reason.includes(LOGS_PENDING_REBOOT) ? 'RESOLVED' : 'NOTIFIED';
}

/** Leads the note of a `compliant` result, so it survives truncation. */
export const DISAGREEMENT_NOTE = 'Security Hub reports this resource failing, but fixbridge finds it compliant: a person should check the control. ';

/** The BatchUpdateFindings request for a result of a finding or custom action, else undefined. */
export function findingUpdate(r: Reported) {
  const { findingId, productArn } = r.item.trigger;
  if (!findingId || !productArn) return undefined;
  const note = `${r.result.status === 'compliant' ? DISAGREEMENT_NOTE : ''}${summaryLine(r)}`;
  return {
    FindingIdentifiers: [{ Id: findingId, ProductArn: productArn }],
    Note: { Text: truncate(note, 512), UpdatedBy: 'fixbridge' },
    Workflow: { Status: workflowStatus(r.result) },
  };
}

/** Write back to Security Hub in the finding's region (the region of its product ARN). */
export function securityHubWriteBack(clientFor: (region: string) => SecurityHubClient): Output {
  return async (r) => {
    const update = findingUpdate(r);
    if (!update) return;
    const region = update.FindingIdentifiers[0]!.ProductArn.split(':')[3] ?? '';
    const { BatchUpdateFindingsCommand } = await securityHubSdk();
    const out = await clientFor(region).send(new BatchUpdateFindingsCommand(update));
    const failed = out.UnprocessedFindings?.[0];
    if (failed) throw new Error(`Security Hub did not update finding ${failed.FindingIdentifier?.Id}: ${failed.ErrorCode} ${failed.ErrorMessage}`);
  };
}

export const EVENT_SOURCE = 'fixbridge';
export const DETAIL_TYPE: Record<Status, string> = {
  planned: 'Remediation Planned',
  applied: 'Remediation Applied',
  blocked: 'Remediation Blocked',
  failed: 'Remediation Failed',
  skipped: 'Remediation Skipped',
  'awaiting-approval': 'Remediation Awaiting Approval',
  compliant: 'Remediation Compliant',
  'not-remediable': 'Remediation Not Remediable',
};

/** The bus event of a result: detail is the result, with its change id and trigger. */
export function busEntry(r: Reported, busName: string) {
  return {
    Source: EVENT_SOURCE,
    DetailType: DETAIL_TYPE[r.result.status],
    Detail: JSON.stringify({ ...r.result, changeId: r.changeId ?? null, trigger: r.item.trigger }),
    Resources: r.result.resourceArn ? [r.result.resourceArn] : [],
    EventBusName: busName,
    Time: r.time,
  };
}

export function busPublisher(client: EventBridgeClient, busName = 'default'): Output {
  return async (r) => {
    const { PutEventsCommand } = await eventBridgeSdk();
    const out = await client.send(new PutEventsCommand({ Entries: [busEntry(r, busName)] }));
    const failed = out.Entries?.find((e) => e.ErrorCode);
    if (out.FailedEntryCount || failed) throw new Error(`EventBridge rejected the result event: ${failed?.ErrorCode} ${failed?.ErrorMessage}`);
  };
}

/** A short message for a person, or undefined for results nobody needs to read. */
export function notificationFor(r: Reported): { subject: string; message: string } | undefined {
  if (!isNotable(r.result)) return undefined;
  const res = r.result;
  const lines = [
    summaryLine(r),
    `Resource: ${res.resourceArn}`,
    `Mode: ${res.mode}${res.controls.length ? `; controls: ${res.controls.join(', ')}` : ''}`,
    ...res.changes.map((c) => `  ~ ${c.field}: ${c.description}`),
  ];
  if (r.changeId && res.status === 'applied') lines.push(`Undo: fixbridge rollback ${r.changeId} --mode auto`);
  // SNS subjects: ASCII, no line breaks, at most 100 characters.
  const subject = truncate(`fixbridge ${res.status}: ${res.remediation} on ${res.resourceArn?.split(':').slice(-1)[0]}`.replace(/[^\x20-\x7e]/g, '?'), 100);
  return { subject, message: lines.join('\n') };
}

export function snsNotifier(client: SNSClient, topicArn: string): Output {
  return async (r) => {
    const n = notificationFor(r);
    if (n) await client.send(new PublishCommand({ TopicArn: topicArn, Subject: n.subject, Message: n.message }));
  };
}
