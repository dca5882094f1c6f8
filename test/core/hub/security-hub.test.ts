/** The Security Hub write-back: the workflow status and note a delivered result writes to its finding. */
import { BatchUpdateFindingsCommand, BatchUpdateFindingsV2Command, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, expect, it } from 'vitest';
import { DISAGREEMENT_NOTE, findingUpdate, findingUpdateV2, securityHubWriteBack } from '@fixbridge/core/hub';
import { reported, result, workItem as item } from '../../support/hub';
import { offline } from '../../support/projects';

offline('reporting', () => {
  it('leaves an applied logging change that waits for a broker reboot NOTIFIED (Security Hub fails MQ.2 until then)', () => {
    expect(findingUpdate(reported('applied', { result: result('applied', { pendingReboot: true }) }))?.Workflow.Status).toBe('NOTIFIED');
  });

  it('writes RESOLVED only after a verified fix, NOTIFIED otherwise, never leaving NEW', () => {
    expect(findingUpdate(reported('applied'))?.Workflow.Status).toBe('RESOLVED');
    for (const s of ['compliant', 'planned', 'awaiting-approval', 'blocked', 'not-remediable', 'failed', 'skipped'] as const) {
      expect(findingUpdate(reported(s))?.Workflow.Status).toBe('NOTIFIED');
    }
    // A FAILED finding fixbridge finds compliant is a disagreement a person resolves (Security Hub would never reopen it).
    const disagreement = findingUpdate(reported('compliant', { result: result('compliant', { reason: 'y'.repeat(900) }) }))!.Note.Text;
    expect(disagreement.startsWith(DISAGREEMENT_NOTE)).toBe(true);
    expect(disagreement).toMatch(/reports this resource failing, but fixbridge finds it compliant/);
    expect(findingUpdate(reported('applied'))!.Note.Text).not.toContain(DISAGREEMENT_NOTE);
    const long = reported('failed', { result: result('failed', { reason: 'x'.repeat(900) }) });
    expect(findingUpdate(long)!.Note.Text.length).toBeLessThanOrEqual(512);
    expect(findingUpdate(reported('applied', { item: { ...item('e'), trigger: { kind: 'runbook' } } }))).toBeUndefined();
  });
});

// Issue 8, item 8: OCSF findings of the new Security Hub are written back with BatchUpdateFindingsV2
// (moto has no Security Hub write-back, so the client is mocked).
offline('reporting an OCSF finding (BatchUpdateFindingsV2)', () => {
  const hub = mockClient(SecurityHubClient);
  afterAll(() => hub.restore());
  beforeEach(() => hub.reset());
  const ocsf = (status: Parameters<typeof reported>[0], over: Parameters<typeof reported>[1] = {}) => {
    const i = item('e-1');
    return reported(status, { item: { ...i, trigger: { ...i.trigger, findingId: 'metadata-uid-1', productArn: 'arn:aws:securityhub:us-east-2::productv2/aws/securityhub', findingFormat: 'ocsf' } }, ...over });
  };

  it('names the finding by metadata.uid, writes the note as its comment and the status as OCSF status_id', () => {
    expect(findingUpdateV2(ocsf('applied'))).toEqual({ MetadataUids: ['metadata-uid-1'], Comment: expect.stringMatching(/^fixbridge applied sqs-require-tls/), StatusId: 4 });
    for (const s of ['compliant', 'planned', 'blocked', 'failed'] as const) expect(findingUpdateV2(ocsf(s))?.StatusId).toBe(2);
    expect(findingUpdateV2(ocsf('compliant'))!.Comment.startsWith(DISAGREEMENT_NOTE)).toBe(true);
    expect(findingUpdateV2(ocsf('failed', { result: result('failed', { reason: 'x'.repeat(900) }) }))!.Comment.length).toBeLessThanOrEqual(512);
    expect(findingUpdate(ocsf('applied'))).toBeUndefined();
    expect(findingUpdateV2(reported('applied'))).toBeUndefined();
  });

  it('sends BatchUpdateFindingsV2 in the finding’s region, and never the ASFF call', async () => {
    const regions: string[] = [];
    hub.on(BatchUpdateFindingsV2Command).resolves({ ProcessedFindings: [{ MetadataUid: 'metadata-uid-1' }], UnprocessedFindings: [] });
    await securityHubWriteBack((region) => (regions.push(region), new SecurityHubClient({ region })))(ocsf('applied'));
    expect(regions).toEqual(['us-east-2']);
    expect(hub.commandCalls(BatchUpdateFindingsV2Command).map((c) => c.args[0].input)).toEqual([expect.objectContaining({ MetadataUids: ['metadata-uid-1'], StatusId: 4 })]);
    expect(hub.commandCalls(BatchUpdateFindingsCommand)).toEqual([]);
  });

  it('fails the delivery, naming the finding, when Security Hub does not update it', async () => {
    hub.on(BatchUpdateFindingsV2Command).resolves({ ProcessedFindings: [], UnprocessedFindings: [{ MetadataUid: 'metadata-uid-1', ErrorCode: 'ResourceNotFoundException', ErrorMessage: 'no such finding' }] });
    await expect(securityHubWriteBack((region) => new SecurityHubClient({ region }))(ocsf('applied'))).rejects.toThrow(/did not update finding metadata-uid-1: ResourceNotFoundException no such finding/);
  });
});
