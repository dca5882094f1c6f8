/** Security Hub write-back: a note and a workflow status on the finding a result answers. */
import { BatchUpdateFindingsCommand, BatchUpdateFindingsV2Command, type SecurityHubClient, type WorkflowStatus } from '@aws-sdk/client-securityhub';
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

/**
 * The OCSF finding status (`status_id`) that stands for a workflow status: 4 Resolved, 2 In Progress
 * (OCSF: 0 Unknown, 1 New, 2 In Progress, 3 Suppressed, 4 Resolved, 5 Archived, 99 Other). Either
 * moves the finding out of New, which is all the `Findings Imported V2` rule matches.
 */
export function ocsfStatusId(status: WorkflowStatus): number {
  return status === 'RESOLVED' ? 4 : 2;
}

/** The BatchUpdateFindings request for a result of an ASFF finding or custom action, else undefined. */
export function findingUpdate(d: Delivery) {
  const { findingId, productArn, findingFormat } = d.item.trigger;
  if (!findingId || !productArn || findingFormat === 'ocsf') return undefined;
  const note = `${d.result.status === 'compliant' ? DISAGREEMENT_NOTE : ''}${summaryLine(d)}`;
  return {
    FindingIdentifiers: [{ Id: findingId, ProductArn: productArn }],
    Note: { Text: truncate(note, 512), UpdatedBy: 'fixbridge' },
    Workflow: { Status: workflowStatus(d.result) },
  };
}

/**
 * The BatchUpdateFindingsV2 request for a result of an OCSF finding (`Findings Imported V2`), else
 * undefined: the finding by its `metadata.uid`, the note as its `Comment`, the workflow status as
 * its OCSF `StatusId`.
 */
export function findingUpdateV2(d: Delivery) {
  const { findingId, productArn, findingFormat } = d.item.trigger;
  if (!findingId || !productArn || findingFormat !== 'ocsf') return undefined;
  const note = `${d.result.status === 'compliant' ? DISAGREEMENT_NOTE : ''}${summaryLine(d)}`;
  return { MetadataUids: [findingId], Comment: truncate(note, 512), StatusId: ocsfStatusId(workflowStatus(d.result)) };
}

/** The region of a finding's product ARN (`arn:aws:securityhub:<region>::product/…`, `…::productv2/…`). */
const regionOf = (productArn: string) => productArn.split(':')[3] ?? '';

/**
 * Write back to Security Hub in the finding's region (the region of its product ARN): an ASFF
 * finding with BatchUpdateFindings, an OCSF finding of the new Security Hub with BatchUpdateFindingsV2
 * (IAM actions `securityhub:BatchUpdateFindings` and `securityhub:BatchUpdateFindingsV2`).
 */
export function securityHubWriteBack(clientFor: (region: string) => SecurityHubClient): Output {
  return async (d) => {
    const v2 = findingUpdateV2(d);
    if (v2) {
      const out = await clientFor(regionOf(d.item.trigger.productArn ?? '')).send(new BatchUpdateFindingsV2Command(v2));
      const failed = out.UnprocessedFindings?.[0];
      if (failed) throw new Error(`Security Hub did not update finding ${failed.MetadataUid ?? failed.FindingIdentifier?.FindingInfoUid}: ${failed.ErrorCode} ${failed.ErrorMessage}`);
      return;
    }
    const update = findingUpdate(d);
    if (!update) return;
    const out = await clientFor(regionOf(update.FindingIdentifiers[0]!.ProductArn)).send(new BatchUpdateFindingsCommand(update));
    const failed = out.UnprocessedFindings?.[0];
    if (failed) throw new Error(`Security Hub did not update finding ${failed.FindingIdentifier?.Id}: ${failed.ErrorCode} ${failed.ErrorMessage}`);
  };
}
