/** The engine's approval gate: a plan becomes an approval (once), posted to Slack (once). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { makeResult, optionsOf, parseConfig, planHash, routeRunbook, CATALOG } from '@fixbridge/core';
import { approvalGate, LocalApprovalStore, type Approval, type ApprovalNotifier } from '@fixbridge/core/approvals';
import { freshQueueArn, T0 } from '../../support/approvals';
import { offline } from '../../support/projects';

offline('approval gate', () => {
  const store = new LocalApprovalStore(mkdtempSync(join(tmpdir(), 'fixbridge-gate-')));
  const config = parseConfig({ approvalTtlSeconds: 3600, slack: { channel: 'C0CHANNEL', approvers: ['U0ANA', 'U0BOB'] }, remediations: { 'sqs-encrypt-at-rest': { kmsKeyId: 'alias/queues' } } });

  function filing(arn: string, seed = 'a') {
    const [item] = routeRunbook('sqs-encrypt-at-rest', arn);
    const changes = [{ field: 'KmsMasterKeyId', description: `encrypt (${seed})`, before: null, after: 'alias/queues' }];
    const plan = { reason: 'the queue is not encrypted', changes, ops: [{ kind: 'set-attributes', attributes: { KmsMasterKeyId: 'alias/queues', seed } }] };
    const result = makeResult({ remediation: 'sqs-encrypt-at-rest', controls: ['SecurityHub:SQS.1'], resourceArn: arn, mode: 'approval', changes, reason: 'the queue is not encrypted; waiting for a person to approve' }, 'awaiting-approval');
    return [item!, plan, result, config] as const;
  }

  function notifier(fail = false) {
    const seen = { posted: [] as Approval[], updated: [] as Approval[] };
    const n: ApprovalNotifier = {
      post: async (a) => {
        if (fail) throw new Error('channel_not_found');
        seen.posted.push(a);
        return { channel: 'C0CHANNEL', ts: `${seen.posted.length}.0001` };
      },
      update: async (a) => void seen.updated.push(a),
    };
    return { n, seen };
  }

  it('files the plan with everything the decision needs and names it in the result', async () => {
    const arn = freshQueueArn();
    const gate = approvalGate({ store: () => store, now: () => T0 });
    const [item, plan, result] = filing(arn);
    const out = await gate.file(item, plan, result, config);
    expect(out).toMatchObject({ status: 'awaiting-approval', approvalId: expect.stringMatching(/^ap-[a-z2-7]{10}$/) });
    const id = out.status === 'awaiting-approval' ? out.approvalId! : '';
    expect(out.reason).toBe(`the queue is not encrypted; waiting for a person to approve: filed as approval ${id}; decide with "fixbridge approve ${id}" or "fixbridge reject ${id} --reason …" before 2030-01-01T01:00:00.000Z`);
    expect(await store.get(id)).toMatchObject({
      remediation: 'sqs-encrypt-at-rest',
      resourceArn: arn,
      account: '123456789012',
      region: 'us-east-1',
      risk: 'medium',
      plan,
      planHash: planHash(plan),
      settings: { options: optionsOf(config, CATALOG.find((r) => r.id === 'sqs-encrypt-at-rest')!), exemptTagKey: 'fixbridge:exempt' },
      trigger: { kind: 'runbook' },
      approvers: ['U0ANA', 'U0BOB'],
      createdAt: T0.toISOString(),
      expiresAt: '2030-01-01T01:00:00.000Z',
      status: 'pending',
    });
  });

  it('posts a new approval to Slack once and records the message; the same plan again is the same approval', async () => {
    const arn = freshQueueArn();
    const { n, seen } = notifier();
    const gate = approvalGate({ store: () => store, notifier: n, now: () => T0 });
    const first = await gate.file(...filing(arn));
    const again = await gate.file(...filing(arn));
    expect(again).toMatchObject({ approvalId: first.status === 'awaiting-approval' && first.approvalId, reason: expect.stringContaining('already waiting as approval') });
    expect(seen.posted.map((a) => a.id)).toEqual([first.status === 'awaiting-approval' && first.approvalId]);
    expect(first.reason).toContain('posted to Slack');
    expect((await store.get(seen.posted[0]!.id))?.slack).toEqual({ channel: 'C0CHANNEL', ts: '1.0001' });
  });

  it('says when Slack refused the post, and posts the same approval on the next trigger', async () => {
    const arn = freshQueueArn();
    const failing = await approvalGate({ store: () => store, notifier: notifier(true).n }).file(...filing(arn));
    expect(failing.reason).toMatch(/could not post it to Slack \(channel_not_found\); "fixbridge approvals show ap-\w+" shows it/);
    const { n, seen } = notifier();
    const retried = await approvalGate({ store: () => store, notifier: n }).file(...filing(arn));
    expect(retried.status === 'awaiting-approval' && retried.approvalId).toBe(failing.status === 'awaiting-approval' && failing.approvalId);
    expect(seen.posted).toHaveLength(1);
  });

  it('says why nothing was posted when Slack is configured without a bot token', async () => {
    const out = await approvalGate({ store: () => store, notPosted: 'SLACK_BOT_TOKEN is not set' }).file(...filing(freshQueueArn()));
    expect(out.reason).toContain('; not posted to Slack: SLACK_BOT_TOKEN is not set;');
  });

  it('a newer plan of the same resource replaces the pending one, and its Slack message says superseded', async () => {
    const arn = freshQueueArn();
    const { n, seen } = notifier();
    const gate = approvalGate({ store: () => store, notifier: n });
    const old = await gate.file(...filing(arn, 'old'));
    const fresh = await gate.file(...filing(arn, 'new'));
    const oldId = old.status === 'awaiting-approval' ? old.approvalId : '';
    expect(fresh.reason).toContain(`, replacing ${oldId} (an older plan)`);
    expect(seen.updated.map((a) => [a.id, a.status])).toEqual([[oldId, 'superseded']]);
  });
});
