/**
 * Approvals in tests: candidate records, and the contract every approval store keeps (the CLI's
 * directory and the hub's table run the same cases: same semantics behind one interface).
 */
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { makeResult, parseConfig, routeRunbook, type EngineConfigInput } from '@fixbridge/core';
import { approvalFor, type Approval, type ApprovalStore } from '@fixbridge/core/approvals';
import { ACCOUNT, REGION } from './aws';

export const T0 = new Date('2030-01-01T00:00:00.000Z');

/** A fresh queue ARN per test, so tests never share a slot. */
export const freshQueueArn = () => `arn:aws:sqs:${REGION}:${ACCOUNT}:appr-${randomBytes(4).toString('hex')}`;

/** A candidate approval of sqs-require-tls on `arn`; `plan` makes plans of one resource differ. */
export function candidate(arn: string, plan = 'a', config: EngineConfigInput = {}, now = T0): Approval {
  const [item] = routeRunbook('sqs-require-tls', arn);
  const changes = [{ field: 'Policy', description: `add statement ${plan}`, before: null, after: { Version: '2012-10-17', Statement: [{ Sid: plan }] } }];
  const ops = [{ kind: 'set-policy', policy: plan }];
  const result = makeResult({ remediation: 'sqs-require-tls', controls: ['Qualys:452'], resourceArn: arn, mode: 'approval', changes, reason: 'no TLS' }, 'awaiting-approval');
  return approvalFor(item!, { reason: 'no TLS', changes, ops }, result, parseConfig(config), now);
}

const approve = (id = 'alice@host') => ({ status: 'approved' as const, decision: { by: { channel: 'cli' as const, id }, at: T0.toISOString(), verdict: 'approve' as const } });

/** The cases every store passes. `open` gives a store with nothing shared with other tests' slots. */
export function approvalStoreContract(open: () => ApprovalStore) {
  it('files an approval, reads it back and lists it, newest first', async () => {
    const store = open();
    const arn = freshQueueArn();
    const a = candidate(arn);
    expect(await store.file(a, T0)).toEqual({ approval: a, created: true });
    expect(await store.get(a.id)).toEqual(a);
    const later = candidate(freshQueueArn(), 'b', {}, new Date(T0.getTime() + 1000));
    await store.file(later, T0);
    const ids = (await store.list()).map((x) => x.id);
    expect(ids.indexOf(later.id)).toBeLessThan(ids.indexOf(a.id));
  });

  it('returns the pending approval for a second trigger of the same plan instead of filing another', async () => {
    const store = open();
    const arn = freshQueueArn();
    const first = candidate(arn);
    await store.file(first, T0);
    const again = await store.file(candidate(arn), T0);
    expect(again).toMatchObject({ approval: { id: first.id }, created: false });
    expect((await store.list()).filter((x) => x.resourceArn === arn)).toHaveLength(1);
  });

  it('supersedes the pending approval of an older plan of the same resource and remediation', async () => {
    const store = open();
    const arn = freshQueueArn();
    const old = candidate(arn, 'old');
    await store.file(old, T0);
    const fresh = candidate(arn, 'new');
    const filed = await store.file(fresh, T0);
    expect(filed).toMatchObject({ approval: { id: fresh.id }, created: true, replaced: { id: old.id, status: 'superseded', outcome: { supersededBy: fresh.id } } });
    expect((await store.get(old.id))?.status).toBe('superseded');
    expect(await store.leavePending(old.id, approve())).toBe(false);
  });

  it('lets an approval leave pending once, whoever tries at the same moment', async () => {
    const store = open();
    const a = candidate(freshQueueArn());
    await store.file(a, T0);
    const wins = await Promise.all(Array.from({ length: 8 }, (_, i) => store.leavePending(a.id, approve(`user${i}@host`))));
    expect(wins.filter(Boolean)).toHaveLength(1);
    const decided = await store.get(a.id);
    expect(decided).toMatchObject({ status: 'approved', decision: { by: { id: `user${wins.indexOf(true)}@host` } } });
    expect(await store.leavePending(a.id, { status: 'rejected', decision: { ...approve().decision, verdict: 'reject' } })).toBe(false);
  });

  it('frees the slot once decided or expired: the same plan is filed afresh', async () => {
    const store = open();
    const arn = freshQueueArn();
    const a = candidate(arn);
    await store.file(a, T0);
    await store.leavePending(a.id, approve());
    const b = candidate(arn);
    expect(await store.file(b, T0)).toMatchObject({ approval: { id: b.id }, created: true });
    const afterExpiry = new Date(Date.parse(b.expiresAt) + 1);
    const c = candidate(arn);
    expect(await store.file(c, afterExpiry)).toMatchObject({ approval: { id: c.id }, created: true });
    expect((await store.get(b.id))?.status).toBe('pending'); // shown as expired; nothing was written to it
  });

  it('records the outcome, and the Slack message once', async () => {
    const store = open();
    const a = candidate(freshQueueArn());
    await store.file(a, T0);
    await store.setMessage(a.id, { channel: 'C1', ts: '1.1' });
    await store.setMessage(a.id, { channel: 'C2', ts: '2.2' });
    await store.leavePending(a.id, approve());
    const done = await store.finish(a.id, 'applied', { at: T0.toISOString(), reason: 'applied and verified' });
    expect(done).toMatchObject({ status: 'applied', slack: { channel: 'C1', ts: '1.1' }, outcome: { reason: 'applied and verified' }, decision: { verdict: 'approve' } });
    expect(await store.get(a.id)).toEqual(done);
  });

  it('knows no approval by an unknown or malformed id', async () => {
    const store = open();
    expect(await store.get('ap-aaaaaaaaaa')).toBeUndefined();
    expect(await store.get('../../etc/passwd')).toBeUndefined();
  });
}
