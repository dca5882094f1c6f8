/** The Security Hub write-back: the workflow status and note a delivered result writes to its finding. */
import { expect, it } from 'vitest';
import { DISAGREEMENT_NOTE, findingUpdate } from '@fixbridge/core/hub';
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
