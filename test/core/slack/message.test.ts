/** The Block Kit messages: what a person sees before deciding, and after. */
import { expect, it } from 'vitest';
import { approvalFor } from '@fixbridge/core/approvals';
import { parseConfig, routeRunbook, makeResult } from '@fixbridge/core';
import { approvalMessage, outcomeMessage } from '@fixbridge/core/slack';
import { T0 } from '../../support/approvals';
import { offline } from '../../support/projects';
import { buttonsOf, textOf } from '../../support/slack';

const ARN = 'arn:aws:sqs:eu-west-1:210987654321:orders';
const before = { Version: '2012-10-17', Statement: [{ Sid: 'Anyone', Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage', Resource: ARN }] };
const after = { Version: '2012-10-17', Statement: [{ Sid: 'Anyone', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::210987654321:root' }, Action: 'sqs:SendMessage', Resource: ARN }] };

function approval() {
  const [item] = routeRunbook('sqs-block-public-access', ARN);
  const changes = [
    { field: 'Policy', description: 'scope statement Anyone to the account', before: JSON.stringify(before), after },
    { field: 'KmsMasterKeyId', description: 'encrypt with alias/queues', before: null, after: 'alias/queues' },
  ];
  const result = makeResult({ remediation: 'sqs-block-public-access', controls: ['SecurityHub:SQS.3', 'Qualys:382'], resourceArn: ARN, mode: 'approval', changes, reason: 'statement Anyone is public' }, 'awaiting-approval');
  return approvalFor(item!, { reason: 'statement Anyone lets everyone send <messages> & more', changes, ops: [] }, result, parseConfig({ slack: { channel: 'C0CHANNEL', approvers: ['U0ANA'] } }), T0);
}

offline('Slack approval message', () => {
  it('shows controls, resource, account, region, risk, reason, expiry and each change before and after', () => {
    const a = approval();
    const m = approvalMessage(a);
    const text = textOf(m);
    for (const fact of ['SecurityHub:SQS.3, Qualys:382', ARN, '210987654321', 'eu-west-1', 'high', a.id, `<!date^${Date.parse(a.expiresAt) / 1000}^`]) expect(text).toContain(fact);
    // Slack's three escapes, in text it renders.
    expect(text).toContain('lets everyone send &lt;messages&gt; &amp; more');
    expect(text).toContain('*KmsMasterKeyId*: encrypt with alias/queues');
    expect(text).toMatch(/Before:\n```\(none\)```\nAfter:\n```alias\/queues```/);
    expect(m.text).toContain(a.id);
  });

  it('shows policy statements as readable JSON, removed and added, never as escaped JSON text', () => {
    const text = textOf(approvalMessage(approval()));
    expect(text).toContain('Statement removed:\n```{\n  "Sid": "Anyone",\n  "Effect": "Allow",\n  "Principal": "*"');
    expect(text).toContain('Statement added:\n```{\n  "Sid": "Anyone",\n  "Effect": "Allow",\n  "Principal": {\n    "AWS": "arn:aws:iam::210987654321:root"\n  }');
    expect(text).not.toContain('\\"');
  });

  it('has an Approve and a Reject button whose value is the approval id', () => {
    const a = approval();
    expect(buttonsOf(approvalMessage(a))).toEqual({ fixbridge_approve: a.id, fixbridge_reject: a.id });
  });

  it('keeps each section within Slack’s 3000 characters, pointing to the CLI for the rest', () => {
    const a = approval();
    a.plan.changes[0]!.after = { Statement: Array.from({ length: 200 }, (_, i) => ({ Sid: `S${i}`, Effect: 'Deny', Principal: '*', Action: 'sqs:*' })) };
    const sections = approvalMessage(a).blocks.filter((b) => b.type === 'section') as { text?: { text: string } }[];
    for (const s of sections) expect(s.text?.text.length ?? 0).toBeLessThanOrEqual(3000);
    expect(textOf(approvalMessage(a))).toContain(`fixbridge approvals show ${a.id}`);
  });

  it('once decided: who decided and how it ended, and no buttons', () => {
    const a = { ...approval(), status: 'applied' as const, decision: { by: { channel: 'slack' as const, id: 'U0ANA', name: 'ana' }, at: T0.toISOString(), verdict: 'approve' as const }, outcome: { at: T0.toISOString(), reason: 'applied and verified: the statement is scoped' } };
    const m = outcomeMessage(a, T0);
    expect(buttonsOf(m)).toEqual({});
    expect(textOf(m)).toContain('sqs-block-public-access: applied and verified');
    expect(textOf(m)).toContain('Approved by <@U0ANA>');
    expect(textOf(m)).toContain('applied and verified: the statement is scoped');
    const rejected = outcomeMessage({ ...a, status: 'rejected', decision: { ...a.decision, by: { channel: 'cli', id: 'bob@laptop' }, verdict: 'reject' } }, T0);
    expect(textOf(rejected)).toContain('Rejected by `bob@laptop` from the CLI');
    expect(textOf(outcomeMessage(approval(), new Date(Date.parse(a.expiresAt) + 1)))).toContain('expired: nothing was written');
  });
});
