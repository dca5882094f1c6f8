/** Security Hub write-back: a note and a workflow status on the finding a result answers. */
import { BatchUpdateFindingsCommand, type SecurityHubClient, type WorkflowStatus } from '@aws-sdk/client-securityhub';
import type { Result } from '../results';
import { summaryLine, truncate, type Delivery, type Output } from './outputs';

/**
 * The Security Hub workflow status to write back: RESOLVED only after a verified fix, NOTIFIED for
 * everything else. Every write-back moves the finding out of NEW, so the `Findings - Imported`
 * event it causes never matches the rule (which wants NEW) again. A `compliant` result is NOTIFIED:
 * Security Hub reopens a finding only on a PASSED→FAILED change, so resolving a FAILED finding
 * fixbridge disagrees with would hide it for good. An applied change that waits for a reboot
 * (`pendingReboot`, Amazon MQ logs) is NOTIFIED too: Security Hub keeps MQ.2 failing until then.
 */
export function workflowStatus(result: Result): WorkflowStatus {
  return result.status === 'applied' && !result.pendingReboot ? 'RESOLVED' : 'NOTIFIED';
}

/** Leads the note of a `compliant` result, so it survives truncation. */
export const DISAGREEMENT_NOTE = 'Security Hub reports this resource failing, but fixbridge finds it compliant: a person should check the control. ';

/** The BatchUpdateFindings request for a result of a finding or custom action, else undefined. */
export function findingUpdate(d: Delivery) {
  const { findingId, productArn } = d.item.trigger;
  if (!findingId || !productArn) return undefined;
  const note = `${d.result.status === 'compliant' ? DISAGREEMENT_NOTE : ''}${summaryLine(d)}`;
  return {
    FindingIdentifiers: [{ Id: findingId, ProductArn: productArn }],
    Note: { Text: truncate(note, 512), UpdatedBy: 'fixbridge' },
    Workflow: { Status: workflowStatus(d.result) },
  };
}

/** Write back to Security Hub in the finding's region (the region of its product ARN). */
export function securityHubWriteBack(clientFor: (region: string) => SecurityHubClient): Output {
  return async (d) => {
    const update = findingUpdate(d);
    if (!update) return;
    const region = update.FindingIdentifiers[0]!.ProductArn.split(':')[3] ?? '';
    const out = await clientFor(region).send(new BatchUpdateFindingsCommand(update));
    const failed = out.UnprocessedFindings?.[0];
    if (failed) throw new Error(`Security Hub did not update finding ${failed.FindingIdentifier?.Id}: ${failed.ErrorCode} ${failed.ErrorMessage}`);
  };
}
