/** One `source: fixbridge` event per result on the event bus. */
import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { Status } from '../results';
import type { Delivery, Output } from './outputs';

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
export function busEntry(d: Delivery, busName: string) {
  return {
    Source: EVENT_SOURCE,
    DetailType: DETAIL_TYPE[d.result.status],
    Detail: JSON.stringify({ ...d.result, changeId: d.changeId ?? null, trigger: d.item.trigger }),
    Resources: d.result.resourceArn ? [d.result.resourceArn] : [],
    EventBusName: busName,
    Time: d.time,
  };
}

export function busPublisher(client: EventBridgeClient, busName = 'default'): Output {
  return async (d) => {
    const out = await client.send(new PutEventsCommand({ Entries: [busEntry(d, busName)] }));
    const failed = out.Entries?.find((e) => e.ErrorCode);
    if (out.FailedEntryCount || failed) throw new Error(`EventBridge rejected the result event: ${failed?.ErrorCode} ${failed?.ErrorMessage}`);
  };
}
