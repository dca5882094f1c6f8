/** Deciding: the same steps whichever channel decides; the run itself is the engine's (tested in engine.test.ts and on the emulator). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { InputError, makeResult, parseConfig, type EngineConfig, type Result, type WorkItem } from '@fixbridge/core';
import { decide, LocalApprovalStore, type Approval, type DecideDeps } from '@fixbridge/core/approvals';
import { candidate, freshQueueArn, T0 } from '../../support/approvals';
import { offline } from '../../support/projects';

const CLI = { channel: 'cli' as const, id: 'alice@laptop' };
const SLACK = { channel: 'slack' as const, id: 'U0APPROVER', name: 'ana' };

offline('deciding an approval', () => {
  const store = new LocalApprovalStore(mkdtempSync(join(tmpdir(), 'fixbridge-decide-')));
  const config = parseConfig({});

  async function filed(over: Partial<Approval> = {}, now = new Date()): Promise<Approval> {
    const a = { ...candidate(freshQueueArn(), 'a', { slack: { channel: 'C0CHANNEL', approvers: [SLACK.id] }, remediations: { 'sqs-require-tls': {} } }, now), ...over };
    await store.file(a, now);
    return a;
  }

  /** Deps whose run answers `status` and records what it was asked to run. */
  function deps(status: Result['status'] = 'applied', extra: { approvalId?: string; throws?: Error } = {}) {
    const runs: { item: WorkItem; config: EngineConfig }[] = [];
    const d: DecideDeps = {
      store,
      config,
      run: async (item, cfg) => {
        runs.push({ item, config: cfg });
        if (extra.throws) throw extra.throws;
        await new Promise((r) => setTimeout(r, 5));
        return makeResult({ remediation: 'sqs-require-tls', controls: [], resourceArn: item.resourceArn, mode: 'approval', changes: [], reason: `it is ${status}` }, status, extra);
      },
    };
    return { d, runs };
  }

  it('approve: runs the approved item once, with the settings it was planned with, and records the outcome', async () => {
    const a = await filed();
    const { d, runs } = deps('applied');
    const out = await decide(a.id, { verdict: 'approve' }, CLI, d);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.item).toMatchObject({ resourceArn: a.resourceArn, forcedMode: 'approval', approved: { id: a.id, planHash: a.planHash }, trigger: { kind: 'runbook', approvalId: a.id } });
    expect(runs[0]!.config.remediations['sqs-require-tls']).toEqual({ mode: 'approval', options: a.settings.options });
    expect(out).toMatchObject({ kind: 'decided', result: { status: 'applied', reason: `it is applied (approval ${a.id}, approved by alice@laptop from the CLI)` } });
    expect(await store.get(a.id)).toMatchObject({ status: 'applied', decision: { by: CLI, verdict: 'approve' }, outcome: { result: { status: 'applied' } } });
  });

  it('reject: writes nothing, records who rejected and why', async () => {
    const a = await filed();
    const { d, runs } = deps();
    const out = await decide(a.id, { verdict: 'reject', reason: 'not during the freeze' }, SLACK, d);
    expect(runs).toEqual([]);
    expect(out).toMatchObject({ kind: 'decided', result: { status: 'skipped', reason: 'rejected by ana in Slack: not during the freeze; nothing was written' } });
    expect(await store.get(a.id)).toMatchObject({ status: 'rejected', decision: { by: SLACK, reason: 'not during the freeze' } });
  });

  it('decides once: a second decision, or five at the same moment, run the plan once', async () => {
    const a = await filed();
    const { d, runs } = deps();
    const outs = await Promise.all(Array.from({ length: 5 }, () => decide(a.id, { verdict: 'approve' }, CLI, d)));
    expect(runs).toHaveLength(1);
    expect(outs.filter((o) => o.kind === 'decided')).toHaveLength(1);
    expect(outs.filter((o) => o.kind === 'refused').map((o) => o.kind === 'refused' && o.code)).toEqual(['closed', 'closed', 'closed', 'closed']);
    const late = await decide(a.id, { verdict: 'reject', reason: 'too late' }, CLI, d);
    expect(late).toMatchObject({ kind: 'refused', code: 'closed', reason: expect.stringMatching(new RegExp(`^approval ${a.id} was already approved by alice@laptop \\(cli\\) at .*: applied and verified$`)) });
    expect(runs).toHaveLength(1);
  });

  it('refuses an expired approval and writes nothing, not even to the approval', async () => {
    const a = await filed({}, new Date(Date.now() - 2 * 86_400_000));
    const { d, runs } = deps();
    expect(await decide(a.id, { verdict: 'approve' }, CLI, d)).toMatchObject({ kind: 'refused', code: 'expired', reason: `approval ${a.id} expired at ${a.expiresAt}; nothing was written (run the remediation again to file a fresh plan)` });
    expect(runs).toEqual([]);
    expect(await store.get(a.id)).toEqual(a);
  });

  it('refuses a Slack user who is not an approver, and changes nothing; the CLI records its caller', async () => {
    const a = await filed();
    const { d, runs } = deps();
    expect(await decide(a.id, { verdict: 'approve' }, { channel: 'slack', id: 'U0STRANGER' }, d)).toMatchObject({ kind: 'refused', code: 'not-allowed' });
    expect(await store.get(a.id)).toEqual(a);
    expect((await decide(a.id, { verdict: 'approve' }, CLI, d)).kind).toBe('decided');
    expect(runs).toHaveLength(1);
  });

  it('an unknown or malformed id is bad input', async () => {
    const { d } = deps();
    await expect(decide('ap-zzzzzzzzzz', { verdict: 'approve' }, CLI, d)).rejects.toThrow(InputError);
    await expect(decide('ap-zzzzzzzzzz', { verdict: 'approve' }, CLI, d)).rejects.toThrow(/^no approval ap-zzzzzzzzzz in directory /);
    await expect(decide('ch-0123', { verdict: 'approve' }, CLI, d)).rejects.toThrow(/malformed approval id "ch-0123"/);
  });

  it('superseded when the run filed a fresh plan or found the resource changed; failed when the run failed', async () => {
    const cases: [Result['status'], string | undefined, string][] = [
      ['awaiting-approval', 'ap-bbbbbbbbbb', 'superseded'],
      ['compliant', undefined, 'superseded'],
      ['blocked', undefined, 'superseded'],
      ['failed', undefined, 'failed'],
    ];
    for (const [status, approvalId, expected] of cases) {
      const a = await filed();
      const out = await decide(a.id, { verdict: 'approve' }, CLI, deps(status, approvalId ? { approvalId } : {}).d);
      expect(out.approval.status).toBe(expected);
      if (approvalId) expect(out.approval.outcome?.supersededBy).toBe(approvalId);
      if (status === 'compliant') expect(out.approval.outcome?.reason).toMatch(/^the resource changed since the plan was made, so nothing was written: it is compliant now/);
    }
  });

  it('resumes a decision only with its own token (a redelivered queue message), never another’s', async () => {
    const a = await filed();
    await store.leavePending(a.id, { status: 'approved', decision: { by: SLACK, at: T0.toISOString(), verdict: 'approve', token: 'msg-1' } });
    const other = deps();
    expect(await decide(a.id, { verdict: 'approve' }, SLACK, { ...other.d, token: 'msg-2' })).toMatchObject({ kind: 'refused', code: 'closed', reason: expect.stringContaining('is being applied') });
    expect(other.runs).toEqual([]);
    const same = deps();
    expect((await decide(a.id, { verdict: 'approve' }, SLACK, { ...same.d, token: 'msg-1' })).approval.status).toBe('applied');
    expect(same.runs).toHaveLength(1);
  });

  it('a run that throws: rethrown for a retry of the same message (the hub), recorded as failed otherwise', async () => {
    const a = await filed();
    await expect(decide(a.id, { verdict: 'approve' }, SLACK, { ...deps('applied', { throws: new Error('reporting failed') }).d, token: 'msg-9' })).rejects.toThrow('reporting failed');
    expect((await store.get(a.id))?.status).toBe('approved');
    const b = await filed();
    const out = await decide(b.id, { verdict: 'approve' }, CLI, deps('applied', { throws: new Error('boom') }).d);
    expect(out).toMatchObject({ approval: { status: 'failed' }, result: { status: 'failed', reason: expect.stringContaining('the approved plan could not be run: boom') } });
  });
});
