import { expect, it } from 'vitest';
import {
  parsePolicy,
  statementsOf,
  type EvaluateConfig,
  type KeyInfo,
  type PolicyDocument,
  type SqsQueueState,
} from '@fixbridge/core';
import { sqsEncryptAtRest } from '../../packages/core/src/remediations/sqs-encrypt-at-rest';
import { sqsRequireTls } from '../../packages/core/src/remediations/sqs-require-tls';
import { sqsBlockPublicAccess } from '../../packages/core/src/remediations/sqs-block-public-access';
import { dlqNameFor, sqsDeadLetterQueue } from '../../packages/core/src/remediations/sqs-dead-letter-queue';
import { offline } from '../support/projects';

const ARN = 'arn:aws:sqs:us-east-1:123456789012:orders';
const settings: EvaluateConfig = { exemptTagKey: 'fixbridge:exempt' };

function queue(attributes: Record<string, string> = {}, name = 'orders'): SqsQueueState {
  return {
    arn: `arn:aws:sqs:us-east-1:123456789012:${name}`,
    url: `https://sqs.us-east-1.amazonaws.com/123456789012/${name}`,
    name,
    accountId: '123456789012',
    region: 'us-east-1',
    fifo: name.endsWith('.fifo'),
    attributes: { QueueArn: `arn:aws:sqs:us-east-1:123456789012:${name}`, ...attributes },
    policy: parsePolicy(attributes.Policy),
  };
}

const withPolicy = (doc: PolicyDocument) => queue({ Policy: JSON.stringify(doc) });
const snsProducer = { Sid: 'FromTopic', Effect: 'Allow' as const, Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: ARN, Condition: { ArnEquals: { 'aws:SourceArn': 'arn:aws:sns:us-east-1:123456789012:t' } } };
const key = (over: Partial<KeyInfo> = {}): KeyInfo => ({
  requested: 'alias/queues',
  found: true,
  keyId: 'k-1',
  arn: 'arn:aws:kms:us-east-1:123456789012:key/k-1',
  keyState: 'Enabled',
  keyManager: 'CUSTOMER',
  policy: { Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'kms:*' }] },
  ...over,
});

offline('sqs-encrypt-at-rest', () => {
  const noKey = sqsEncryptAtRest.optionsSchema.parse({});
  const withKey = sqsEncryptAtRest.optionsSchema.parse({ kmsKeyId: 'alias/queues' });

  it('without kmsKeyId: any SSE is compliant, none plans SSE-SQS', () => {
    expect(sqsEncryptAtRest.evaluate({ queue: queue({ SqsManagedSseEnabled: 'true' }) }, noKey, settings).kind).toBe('compliant');
    expect(sqsEncryptAtRest.evaluate({ queue: queue({ KmsMasterKeyId: 'alias/x' }) }, noKey, settings).kind).toBe('compliant');
    const a = sqsEncryptAtRest.evaluate({ queue: queue({ SqsManagedSseEnabled: 'false' }) }, noKey, settings);
    expect(a).toMatchObject({ kind: 'plan', changes: [{ field: 'SqsManagedSseEnabled', before: 'false', after: 'true' }] });
  });

  it('with kmsKeyId: already on that key is compliant (by alias text or resolved key id)', () => {
    expect(sqsEncryptAtRest.evaluate({ queue: queue({ KmsMasterKeyId: 'alias/queues' }), target: key() }, withKey, settings).kind).toBe('compliant');
    const current = key({ requested: 'k-1' });
    expect(sqsEncryptAtRest.evaluate({ queue: queue({ KmsMasterKeyId: 'k-1' }), target: key(), current }, withKey, settings).kind).toBe('compliant');
  });

  it('plans the key and turns SSE-SQS off, recording before/after', () => {
    const a = sqsEncryptAtRest.evaluate({ queue: queue({ SqsManagedSseEnabled: 'true' }), target: key() }, withKey, settings);
    expect(a.kind).toBe('plan');
    if (a.kind !== 'plan') return;
    expect(a.changes).toEqual([
      expect.objectContaining({ field: 'KmsMasterKeyId', before: null, after: 'alias/queues' }),
      expect.objectContaining({ field: 'SqsManagedSseEnabled', before: 'true', after: 'false' }),
    ]);
    expect(a.ops).toEqual([expect.objectContaining({ attributes: { KmsMasterKeyId: 'alias/queues', SqsManagedSseEnabled: 'false' } })]);
  });

  it('switches from another key', () => {
    const a = sqsEncryptAtRest.evaluate({ queue: queue({ KmsMasterKeyId: 'alias/old' }), target: key(), current: key({ requested: 'alias/old', keyId: 'k-0' }) }, withKey, settings);
    expect(a).toMatchObject({ kind: 'plan', changes: [{ field: 'KmsMasterKeyId', before: 'alias/old', after: 'alias/queues' }] });
  });

  it.each<[string, SqsQueueState, KeyInfo, RegExp]>([
    ['a producer the key policy does not let in', withPolicy({ Statement: [snsProducer] }), key(), /does not allow sns\.amazonaws\.com to call kms:GenerateDataKey and kms:Decrypt/],
    ['a producer allowed only Decrypt', withPolicy({ Statement: [snsProducer] }), key({ policy: { Statement: [{ Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'kms:Decrypt' }] } }), /sns\.amazonaws\.com to call kms:GenerateDataKey;/],
    ['a disabled key', queue(), key({ keyState: 'Disabled' }), /is Disabled; it must be Enabled/],
    ['a key pending deletion', queue(), key({ keyState: 'PendingDeletion' }), /is pending deletion/],
    ['a missing key', queue(), key({ found: false }), /was not found/],
    ['an unreadable key policy with a producer', withPolicy({ Statement: [snsProducer] }), key({ policy: null, policyError: 'AccessDeniedException' }), /cannot read the key policy .*AccessDeniedException/],
  ])('blocks: %s', (_n, q, target, reason) => {
    const a = sqsEncryptAtRest.evaluate({ queue: q, target }, withKey, settings);
    expect(a.kind).toBe('blocked');
    expect(a.kind === 'blocked' && a.reason).toMatch(reason);
  });

  it('finds an SNS producer written the older way (Principal "*" scoped by aws:SourceArn)', () => {
    const older = { Sid: 'Sub', Effect: 'Allow' as const, Principal: '*' as const, Action: 'sqs:SendMessage', Resource: ARN, Condition: { ArnEquals: { 'aws:SourceArn': 'arn:aws:sns:us-east-1:123456789012:t' } } };
    expect(sqsEncryptAtRest.evaluate({ queue: withPolicy({ Statement: [older] }), target: key() }, withKey, settings)).toMatchObject({ kind: 'blocked', reason: expect.stringContaining('sns.amazonaws.com') });
  });

  it('lets a producer the key policy allows through', () => {
    const target = key({ policy: { Statement: [{ Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: ['kms:GenerateDataKey*', 'kms:Decrypt'] }] } });
    expect(sqsEncryptAtRest.evaluate({ queue: withPolicy({ Statement: [snsProducer] }), target }, withKey, settings).kind).toBe('plan');
  });

  it('blocks alias/aws/sqs only when a service producer exists', () => {
    const cfg = sqsEncryptAtRest.optionsSchema.parse({ kmsKeyId: 'alias/aws/sqs' });
    const managed = key({ requested: 'alias/aws/sqs', keyManager: 'AWS', policy: null });
    expect(sqsEncryptAtRest.evaluate({ queue: withPolicy({ Statement: [snsProducer] }), target: managed }, cfg, settings)).toMatchObject({ kind: 'blocked', reason: expect.stringMatching(/alias\/aws\/sqs .* sns\.amazonaws\.com/) });
    expect(sqsEncryptAtRest.evaluate({ queue: queue(), target: managed }, cfg, settings).kind).toBe('plan');
  });

  it('rejects settings it does not know', () => {
    expect(sqsEncryptAtRest.optionsSchema.safeParse({ kmsKey: 'x' }).success).toBe(false);
    expect(sqsEncryptAtRest.optionsSchema.safeParse({ kmsDataKeyReusePeriodSeconds: 30 }).success).toBe(false);
  });
});

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

offline('sqs-block-public-access', () => {
  const pub = { Sid: 'Open', Effect: 'Allow' as const, Principal: '*' as const, Action: 'sqs:SendMessage', Resource: ARN };

  it('is compliant without a policy, or with only scoped statements', () => {
    expect(sqsBlockPublicAccess.evaluate({ queue: queue() }, {}, settings).kind).toBe('compliant');
    expect(sqsBlockPublicAccess.evaluate({ queue: withPolicy({ Statement: [snsProducer, { ...pub, Condition: { ArnEquals: { 'aws:SourceArn': 'arn:aws:sns:us-east-1:123456789012:t' } } }] }) }, {}, settings).kind).toBe('compliant');
  });

  it('scopes a public statement to the owning account, leaving the others exactly as they are', () => {
    const doc = { Version: '2012-10-17', Statement: [snsProducer, pub] };
    const a = sqsBlockPublicAccess.evaluate({ queue: withPolicy(doc) }, {}, settings);
    if (a.kind !== 'plan') throw new Error(a.kind);
    expect(a.changes).toEqual([expect.objectContaining({ field: 'Policy.Statement[1]', before: pub, after: { ...pub, Principal: { AWS: 'arn:aws:iam::123456789012:root' } } })]);
    const op = a.ops[0];
    const written = JSON.parse(op?.kind === 'set-attributes' ? op.attributes.Policy ?? '' : '');
    expect(written.Statement[0]).toEqual(snsProducer);
  });

  it('keeps the other principals of a statement that also lets everyone in', () => {
    const mixed = { ...pub, Principal: { AWS: ['arn:aws:iam::111122223333:root', '*'], Service: 'sns.amazonaws.com' } };
    const a = sqsBlockPublicAccess.evaluate({ queue: withPolicy({ Statement: [mixed] }) }, {}, settings);
    if (a.kind !== 'plan') throw new Error(a.kind);
    expect(a.changes[0]?.after).toEqual({ ...pub, Principal: { AWS: ['arn:aws:iam::111122223333:root', 'arn:aws:iam::123456789012:root'], Service: 'sns.amazonaws.com' } });
  });

  it('sees through negated conditions: StringNotEquals lets everyone else in', () => {
    const negated = { ...pub, Condition: { StringNotEquals: { 'aws:SourceAccount': '999999999999' } } };
    expect(sqsBlockPublicAccess.evaluate({ queue: withPolicy({ Statement: [negated] }) }, {}, settings).kind).toBe('plan');
  });

  it('scopes to the organization when one is configured, keeping other conditions', () => {
    const stmt = { ...pub, Condition: { Bool: { 'aws:SecureTransport': 'true' } } };
    const a = sqsBlockPublicAccess.evaluate({ queue: withPolicy({ Statement: [stmt] }) }, {}, { ...settings, organizationId: 'o-abcdefghij' });
    if (a.kind !== 'plan') throw new Error(a.kind);
    expect(a.changes[0]?.after).toEqual({ ...pub, Condition: { Bool: { 'aws:SecureTransport': 'true' }, StringEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' } } });
  });
});

offline('sqs-dead-letter-queue', () => {
  const cfg = sqsDeadLetterQueue.optionsSchema.parse({});

  it('names DLQs after their source, FIFO-aware', () => {
    expect(dlqNameFor('orders')).toBe('orders-dlq');
    expect(dlqNameFor('orders.fifo')).toBe('orders-dlq.fifo');
  });

  it('is compliant with a redrive policy', () => {
    const q = queue({ RedrivePolicy: JSON.stringify({ deadLetterTargetArn: `${ARN}-dlq`, maxReceiveCount: 3 }) });
    expect(sqsDeadLetterQueue.evaluate({ queue: q, sourceQueues: [] }, cfg, settings)).toMatchObject({ kind: 'compliant', reason: expect.stringContaining('orders-dlq') });
  });

  it('skips a queue that already is a DLQ, or is named like one', () => {
    expect(sqsDeadLetterQueue.evaluate({ queue: queue(), sourceQueues: ['https://x/123456789012/a'] }, cfg, settings)).toMatchObject({ kind: 'skipped', reason: expect.stringContaining('dead-letter queue of a') });
    expect(sqsDeadLetterQueue.evaluate({ queue: queue({}, 'payments-dlq'), sourceQueues: [] }, cfg, settings).kind).toBe('skipped');
  });

  it('plans a FIFO, same-encryption DLQ and the redrive policy', () => {
    const q = queue({ FifoQueue: 'true', KmsMasterKeyId: 'alias/queues', KmsDataKeyReusePeriodSeconds: '600' }, 'orders.fifo');
    const a = sqsDeadLetterQueue.evaluate({ queue: q, sourceQueues: [] }, sqsDeadLetterQueue.optionsSchema.parse({ maxReceiveCount: 3 }), settings);
    if (a.kind !== 'plan') throw new Error(a.kind);
    expect(a.ops).toEqual([
      { kind: 'create-queue', name: 'orders-dlq.fifo', attributes: { MessageRetentionPeriod: '1209600', FifoQueue: 'true', KmsMasterKeyId: 'alias/queues', KmsDataKeyReusePeriodSeconds: '600' } },
      { kind: 'set-attributes', url: q.url, attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: 'arn:aws:sqs:us-east-1:123456789012:orders-dlq.fifo', maxReceiveCount: 3 }) } },
    ]);
    expect(a.changes.map((c) => c.field)).toEqual(['DeadLetterQueue', 'RedrivePolicy']);
  });

  it('reuses an existing DLQ of the right type and blocks on the wrong type', () => {
    const existingDlq = { url: 'https://x/123456789012/orders-dlq', attributes: {} };
    const a = sqsDeadLetterQueue.evaluate({ queue: queue({ SqsManagedSseEnabled: 'true' }), sourceQueues: [], existingDlq }, cfg, settings);
    expect(a.kind === 'plan' && a.ops.map((o) => o.kind)).toEqual(['set-attributes']);
    const fifoDlq = { url: 'x', attributes: { FifoQueue: 'true' } };
    expect(sqsDeadLetterQueue.evaluate({ queue: queue(), sourceQueues: [], existingDlq: fifoDlq }, cfg, settings)).toMatchObject({ kind: 'blocked', reason: expect.stringContaining('FIFO') });
  });

  it('blocks when the DLQ name would be too long', () => {
    expect(sqsDeadLetterQueue.evaluate({ queue: queue({}, 'q'.repeat(78)), sourceQueues: [] }, cfg, settings).kind).toBe('blocked');
  });
});
