/** sqs-require-tls (Qualys 452): its evaluate table, and end to end against the emulator in all three modes. */
import { expect, it } from 'vitest';
import { statementsOf, type PolicyDocument } from '@fixbridge/core';
import { sqsRequireTls } from '../../../packages/core/src/remediations/sqs-require-tls';
import { cliRecorded, createQueue, queueArn, queueAttributes, uniqueName } from '../../support/aws';
import { offline, onEmulator } from '../../support/projects';
import { snsProducerPolicy, sqsWritesIn as writesIn } from '../../support/sqs';
import { QUEUE_ARN as ARN, queueState as queue, queueWithPolicy as withPolicy, SETTINGS as settings, snsProducer } from '../../support/states';

offline('sqs-require-tls', () => {
  const cfg = {};
  const deny = { Sid: 'Theirs', Effect: 'Deny' as const, Principal: '*' as const, Action: 'sqs:*', Resource: ARN, Condition: { Bool: { 'aws:SecureTransport': 'false' } } };

  it('adds a deny to a queue without a policy', () => {
    const a = sqsRequireTls.evaluate({ queue: queue() }, cfg, settings);
    expect(a.kind).toBe('plan');
    if (a.kind !== 'plan') return;
    expect(a.changes[0]).toMatchObject({ field: 'Policy', before: null });
    expect(statementsOf(a.changes[0]!.after as PolicyDocument)).toEqual([expect.objectContaining({ Effect: 'Deny', Action: 'sqs:*', Resource: ARN, Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]);
  });

  it('keeps every existing statement and picks a free Sid', () => {
    const existing = { Version: '2012-10-17', Id: 'p', Statement: [snsProducer, { ...snsProducer, Sid: 'FixbridgeDenyInsecureTransport', Effect: 'Allow' as const }] };
    const a = sqsRequireTls.evaluate({ queue: withPolicy(existing) }, cfg, settings);
    if (a.kind !== 'plan') throw new Error(a.kind);
    const after = a.changes[0]!.after as PolicyDocument;
    expect(after.Id).toBe('p');
    expect(statementsOf(after).slice(0, 2)).toEqual(existing.Statement);
    expect(statementsOf(after)[2]?.Sid).toBe('FixbridgeDenyInsecureTransport2');
  });

  it('accepts an equivalent deny written by someone else', () => {
    expect(sqsRequireTls.evaluate({ queue: withPolicy({ Statement: [deny] }) }, cfg, settings)).toMatchObject({ kind: 'compliant', reason: expect.stringContaining('Theirs') });
  });

  it('does not accept a deny of one action only', () => {
    expect(sqsRequireTls.evaluate({ queue: withPolicy({ Statement: [{ ...deny, Action: 'sqs:SendMessage' }] }) }, cfg, settings).kind).toBe('plan');
  });
});

onEmulator('sqs-require-tls', () => {
  it('dry-run plans, approval files, auto applies and verifies; nothing is written in the first two', async () => {
    const name = uniqueName('tls');
    const q = await createQueue(name, { Policy: snsProducerPolicy(queueArn(name)) });
    const before = (await queueAttributes(q.url)).Policy;

    const dry = await cliRecorded(['run', 'sqs-require-tls', '--resource', q.arn]);
    expect(dry.results).toEqual([expect.objectContaining({ remediation: 'sqs-require-tls', mode: 'dry-run', status: 'planned', controls: ['Qualys:452'] })]);
    expect(writesIn(dry.calls)).toEqual([]);

    const approval = await cliRecorded(['run', 'sqs-require-tls', '--resource', q.arn, '--mode', 'approval']);
    expect(approval.results[0]?.status).toBe('awaiting-approval');
    expect(writesIn(approval.calls)).toEqual([]);
    expect((await queueAttributes(q.url)).Policy).toBe(before);

    const auto = await cliRecorded(['run', 'sqs-require-tls', '--resource', q.arn, '--mode', 'auto']);
    expect(auto.code).toBe(0);
    expect(auto.results[0]).toMatchObject({ status: 'applied', changes: [{ field: 'Policy' }] });
    expect(writesIn(auto.calls)).toEqual(['SetQueueAttributesCommand']);
    const policy = JSON.parse((await queueAttributes(q.url)).Policy!);
    expect(policy.Id).toBe('owned-by-the-app-team');
    expect(policy.Statement[0]).toEqual(JSON.parse(before!).Statement[0]);
    expect(policy.Statement[1]).toMatchObject({ Effect: 'Deny', Principal: '*', Action: 'sqs:*', Resource: q.arn, Condition: { Bool: { 'aws:SecureTransport': 'false' } } });

    const again = await cliRecorded(['run', 'sqs-require-tls', '--resource', q.arn, '--mode', 'auto']);
    expect(again.results[0]?.status).toBe('compliant');
    expect(writesIn(again.calls)).toEqual([]);
  });

  it('treats an equivalent deny with someone else’s Sid as compliant', async () => {
    const name = uniqueName('tls-theirs');
    const arn = queueArn(name);
    const policy = JSON.stringify({ Statement: [{ Sid: 'SecOpsTls', Effect: 'Deny', Principal: { AWS: '*' }, Action: ['sqs:*'], Resource: '*', Condition: { Bool: { 'aws:SecureTransport': false } } }] });
    const q = await createQueue(name, { Policy: policy });
    const stored = (await queueAttributes(q.url)).Policy;
    const run = await cliRecorded(['run', 'sqs-require-tls', '--resource', arn, '--mode', 'auto']);
    expect(run.results[0]).toMatchObject({ status: 'compliant', reason: expect.stringContaining('SecOpsTls') });
    expect(writesIn(run.calls)).toEqual([]);
    expect((await queueAttributes(q.url)).Policy).toBe(stored);
  });
});
