import { expect, it } from 'vitest';
import { parsePolicy, statementsOf, type EvaluateConfig, type KeyInfo, type PolicyDocument, type SnsTopicState, type Statement } from '@fixbridge/core';
import { snsEncryptAtRest, topicPublishers } from '../../packages/core/src/remediations/sns-encrypt-at-rest';
import { snsRequireTls } from '../../packages/core/src/remediations/sns-require-tls';
import { deniesHttpSubscriptions, snsDenyHttpSubscriptions } from '../../packages/core/src/remediations/sns-deny-http-subscriptions';
import { snsBlockPublicAccess } from '../../packages/core/src/remediations/sns-block-public-access';
import { defaultTopicStatement, keyInfo, servicePublisher } from '../support/sns-mq';
import { offline } from '../support/projects';

const ARN = 'arn:aws:sns:us-east-1:123456789012:alerts';
const settings: EvaluateConfig = { exemptTagKey: 'fixbridge:exempt' };
const DEFAULT = defaultTopicStatement(ARN);

const base: SnsTopicState = {
  arn: ARN,
  name: 'alerts',
  accountId: '123456789012',
  region: 'us-east-1',
  attributes: { TopicArn: ARN, Owner: '123456789012' },
  policy: null,
};

/** The base topic with a policy (as SNS returns it: JSON text in the attributes) and other attributes. */
function topic(statements: object[] | null = [DEFAULT], attributes: Record<string, string> = {}): SnsTopicState {
  const t = structuredClone(base);
  if (statements) t.attributes.Policy = JSON.stringify({ Version: '2008-10-17', Id: '__default_policy_ID', Statement: statements });
  Object.assign(t.attributes, attributes);
  t.policy = parsePolicy(t.attributes.Policy);
  return t;
}

function planOf<T extends { kind: string }>(a: T): Extract<T, { kind: 'plan' }> {
  if (a.kind !== 'plan') throw new Error(`expected a plan, got ${a.kind}: ${JSON.stringify(a)}`);
  return a as Extract<T, { kind: 'plan' }>;
}

/** The policy a plan writes, parsed from its op (what would actually reach SNS). */
function written(a: ReturnType<typeof snsRequireTls.evaluate>): PolicyDocument {
  const op = planOf(a).ops[0];
  if (op?.kind !== 'set-attribute' || op.name !== 'Policy') throw new Error('no policy write');
  return JSON.parse(op.value);
}

const key = (over: Partial<KeyInfo> = {}) => keyInfo({ requested: 'alias/topics', ...over });
const lettingIn = (service: string) => key({ policy: { Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: ['kms:GenerateDataKey*', 'kms:Decrypt'] }] } });

offline('sns-encrypt-at-rest: publishers the topic policy does not name', () => {
  const cfg = { kmsKeyId: 'alias/topics' };
  it.each<[string, { names: string[]; truncated: boolean } | undefined, string[]]>([
    ['no alarm read', undefined, []],
    ['no alarm publishes', { names: [], truncated: false }, []],
    ['an alarm publishes', { names: ['queue-age'], truncated: false }, ['cloudwatch.amazonaws.com']],
    ['too many alarms to read them all', { names: [], truncated: true }, ['cloudwatch.amazonaws.com']],
  ])('%s → %j', (_n, alarms, expected) => {
    expect(topicPublishers(topic(), alarms)).toEqual(expected);
  });

  it('blocks a key that CloudWatch cannot use when an alarm publishes, naming the alarm', () => {
    const a = snsEncryptAtRest.evaluate({ topic: topic(), target: lettingIn('events.amazonaws.com'), alarms: { names: ['queue-age'], truncated: false } }, cfg, settings);
    expect(a).toMatchObject({ kind: 'blocked', reason: expect.stringMatching(/cloudwatch\.amazonaws\.com .*CloudWatch alarms publish to this topic: queue-age/) });
    expect(snsEncryptAtRest.evaluate({ topic: topic(), target: lettingIn('cloudwatch.amazonaws.com'), alarms: { names: ['queue-age'], truncated: false } }, cfg, settings).kind).toBe('plan');
  });
});

offline('sns-encrypt-at-rest', () => {
  const noKey = snsEncryptAtRest.optionsSchema.parse({});
  const withKey = snsEncryptAtRest.optionsSchema.parse({ kmsKeyId: 'alias/topics' });

  it('without kmsKeyId: an unencrypted topic is blocked, naming the setting and why alias/aws/sns is no default', () => {
    const a = snsEncryptAtRest.evaluate({ topic: topic() }, noKey, settings);
    expect(a.kind).toBe('blocked');
    expect(a.reason).toMatch(/remediations\.sns-encrypt-at-rest\.kmsKeyId/);
    expect(a.reason).toMatch(/alias\/aws\/sns is never a default/);
  });

  it.each<[string, string, string]>([
    ['a customer key is compliant', 'arn:aws:kms:us-east-1:123456789012:key/k-9', 'compliant'],
    ['the AWS-managed key is blocked (Qualys 518 wants a customer key)', 'alias/aws/sns', 'blocked'],
  ])('without kmsKeyId: %s', (_n, current, kind) => {
    expect(snsEncryptAtRest.evaluate({ topic: topic(undefined, { KmsMasterKeyId: current }) }, noKey, settings).kind).toBe(kind);
  });

  it('with kmsKeyId: already on that key is compliant (by text or by resolved key id)', () => {
    expect(snsEncryptAtRest.evaluate({ topic: topic(undefined, { KmsMasterKeyId: 'alias/topics' }), target: key() }, withKey, settings).kind).toBe('compliant');
    const current = key({ requested: 'arn:aws:kms:us-east-1:123456789012:key/k-1' });
    expect(snsEncryptAtRest.evaluate({ topic: topic(undefined, { KmsMasterKeyId: current.requested }), target: key(), current }, withKey, settings).kind).toBe('compliant');
  });

  it('plans the key, recording before and after', () => {
    const a = planOf(snsEncryptAtRest.evaluate({ topic: topic(), target: key() }, withKey, settings));
    expect(a.changes).toEqual([expect.objectContaining({ field: 'KmsMasterKeyId', before: null, after: 'alias/topics' })]);
    expect(a.ops).toEqual([{ kind: 'set-attribute', topicArn: ARN, name: 'KmsMasterKeyId', value: 'alias/topics' }]);
    const from = planOf(snsEncryptAtRest.evaluate({ topic: topic(undefined, { KmsMasterKeyId: 'alias/aws/sns' }), target: key(), current: key({ requested: 'alias/aws/sns', keyId: 'k-aws' }) }, withKey, settings));
    expect(from.changes[0]).toMatchObject({ before: 'alias/aws/sns', after: 'alias/topics' });
  });

  it('lets a service publisher through when the key policy allows it', () => {
    const t = topic([DEFAULT, servicePublisher(ARN, 'cloudwatch.amazonaws.com')]);
    expect(snsEncryptAtRest.evaluate({ topic: t, target: lettingIn('cloudwatch.amazonaws.com') }, withKey, settings).kind).toBe('plan');
  });

  it.each<[string, SnsTopicState, KeyInfo, RegExp]>([
    ['an EventBridge publisher the key policy does not let in', topic([DEFAULT, servicePublisher(ARN)]), key(), /does not allow events\.amazonaws\.com to call kms:GenerateDataKey and kms:Decrypt/],
    ['an S3 publisher written as SNS:Publish in a list', topic([{ ...servicePublisher(ARN, 's3.amazonaws.com'), Action: ['SNS:Publish'] }]), lettingIn('events.amazonaws.com'), /s3\.amazonaws\.com/],
    ['a disabled key', topic(), key({ keyState: 'Disabled' }), /is Disabled; it must be Enabled/],
    ['a key pending deletion', topic(), key({ keyState: 'PendingDeletion' }), /pending deletion/],
    ['a missing key', topic(), key({ found: false }), /was not found/],
  ])('blocks: %s', (_n, t, target, reason) => {
    const a = snsEncryptAtRest.evaluate({ topic: t, target }, withKey, settings);
    expect(a.kind).toBe('blocked');
    expect(a.reason).toMatch(reason);
  });

  it('blocks alias/aws/sns configured explicitly when a service publishes to the topic', () => {
    const cfg = snsEncryptAtRest.optionsSchema.parse({ kmsKeyId: 'alias/aws/sns' });
    const managed = key({ requested: 'alias/aws/sns', keyManager: 'AWS', policy: null });
    expect(snsEncryptAtRest.evaluate({ topic: topic([DEFAULT, servicePublisher(ARN)]), target: managed }, cfg, settings)).toMatchObject({ kind: 'blocked', reason: expect.stringMatching(/alias\/aws\/sns .*events\.amazonaws\.com/) });
    expect(snsEncryptAtRest.evaluate({ topic: topic(), target: managed }, cfg, settings).kind).toBe('plan');
  });

  it('rejects settings it does not know', () => {
    expect(snsEncryptAtRest.optionsSchema.safeParse({ kmsDataKeyReusePeriodSeconds: 300 }).success).toBe(false);
  });
});

offline('sns-require-tls', () => {
  const deny: Statement = { Sid: 'Theirs', Effect: 'Deny', Principal: { AWS: '*' }, Action: 'sns:publish', Resource: ARN, Condition: { Bool: { 'aws:SecureTransport': false } } };

  it('appends a Deny SNS:Publish to the topic, keeping the default statement and the policy Id', () => {
    const a = snsRequireTls.evaluate({ topic: topic() }, {}, settings);
    const after = written(a);
    expect(after.Id).toBe('__default_policy_ID');
    expect(statementsOf(after)).toEqual([
      DEFAULT,
      { Sid: 'FixbridgeDenyInsecurePublish', Effect: 'Deny', Principal: '*', Action: 'SNS:Publish', Resource: ARN, Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
    ]);
    expect(planOf(a).changes[0]).toMatchObject({ field: 'Policy', before: topic().policy, after });
    expect(planOf(a).ops[0]).toMatchObject({ expectPolicy: topic().attributes.Policy });
  });

  it('picks a free Sid when the canonical one is taken by another statement', () => {
    const taken = { ...DEFAULT, Sid: 'FixbridgeDenyInsecurePublish' };
    expect(statementsOf(written(snsRequireTls.evaluate({ topic: topic([taken]) }, {}, settings)))[1]?.Sid).toBe('FixbridgeDenyInsecurePublish2');
  });

  it.each<[string, Statement]>([
    ['lower-case sns:publish, any Sid', deny],
    ['SNS:*', { ...deny, Action: 'SNS:*' }],
    ['*', { ...deny, Action: '*' }],
    ['Resource *', { ...deny, Resource: '*' }],
  ])('accepts an equivalent deny: %s', (_n, stmt) => {
    expect(snsRequireTls.evaluate({ topic: topic([DEFAULT, stmt]) }, {}, settings)).toMatchObject({ kind: 'compliant', reason: expect.stringContaining('Theirs') });
  });

  it.each<[string, Statement]>([
    ['a deny of Subscribe only', { ...deny, Action: 'SNS:Subscribe' }],
    ['a deny on another topic', { ...deny, Resource: `${ARN}-other` }],
    ['SecureTransport true', { ...deny, Condition: { Bool: { 'aws:SecureTransport': 'true' } } }],
  ])('does not accept %s', (_n, stmt) => {
    expect(snsRequireTls.evaluate({ topic: topic([DEFAULT, stmt]) }, {}, settings).kind).toBe('plan');
  });

  it('creates a policy when the topic has none', () => {
    expect(statementsOf(written(snsRequireTls.evaluate({ topic: topic(null) }, {}, settings)))).toHaveLength(1);
  });
});

offline('sns-deny-http-subscriptions', () => {
  const deny: Statement = { Sid: 'Theirs', Effect: 'Deny', Principal: '*', Action: 'SNS:Subscribe', Resource: ARN, Condition: { StringEquals: { 'SNS:Protocol': 'http' } } };

  it('appends a Deny SNS:Subscribe for protocol http, keeping every other statement', () => {
    const a = snsDenyHttpSubscriptions.evaluate({ topic: topic([DEFAULT, servicePublisher(ARN)]) }, {}, settings);
    expect(statementsOf(written(a))).toEqual([
      DEFAULT,
      servicePublisher(ARN),
      { Sid: 'FixbridgeDenyHttpSubscriptions', Effect: 'Deny', Principal: '*', Action: 'SNS:Subscribe', Resource: ARN, Condition: { StringEquals: { 'SNS:Protocol': 'http' } } },
    ]);
    expect(planOf(a).reason).toMatch(/no statement to deny SNS:Subscribe when SNS:Protocol is http/);
  });

  it.each<[string, Statement, boolean]>([
    ['StringEquals http (any Sid)', deny, true],
    ['lower-case key and action', { ...deny, Action: 'sns:subscribe', Condition: { StringEquals: { 'sns:protocol': 'http' } } }, true],
    ['a list naming http', { ...deny, Condition: { StringEquals: { 'SNS:Protocol': ['http', 'email'] } } }, true],
    ['StringLike http*', { ...deny, Condition: { StringLike: { 'SNS:Protocol': 'http*' } } }, true],
    ['StringNotEquals https (denies everything else)', { ...deny, Condition: { StringNotEquals: { 'SNS:Protocol': 'https' } } }, true],
    ['sns:* for everyone', { ...deny, Action: 'sns:*', Principal: { AWS: '*' } }, true],
    ['StringEquals https', { ...deny, Condition: { StringEquals: { 'SNS:Protocol': 'https' } } }, false],
    ['StringNotEquals http', { ...deny, Condition: { StringNotEquals: { 'SNS:Protocol': 'http' } } }, false],
    ['an extra condition narrowing it', { ...deny, Condition: { StringEquals: { 'SNS:Protocol': 'http', 'aws:SourceAccount': '1' } } }, false],
    ['no condition', { ...deny, Condition: undefined }, false],
    ['an Allow', { ...deny, Effect: 'Allow' }, false],
    ['a deny of Publish', { ...deny, Action: 'SNS:Publish' }, false],
    ['one principal only', { ...deny, Principal: { AWS: 'arn:aws:iam::1:root' } }, false],
  ])('equivalent deny? %s → %s', (_n, stmt, expected) => {
    expect(deniesHttpSubscriptions(stmt, ARN)).toBe(expected);
    expect(snsDenyHttpSubscriptions.evaluate({ topic: topic([DEFAULT, stmt]) }, {}, settings).kind).toBe(expected ? 'compliant' : 'plan');
  });
});

offline('sns-block-public-access', () => {
  const open: Statement = { Sid: 'Anyone', Effect: 'Allow', Principal: '*', Action: ['SNS:Publish', 'SNS:Subscribe'], Resource: ARN };

  it('does not call the default topic policy (AWS: * scoped by AWS:SourceOwner) public', () => {
    expect(snsBlockPublicAccess.evaluate({ topic: topic() }, {}, settings)).toMatchObject({ kind: 'compliant', reason: expect.stringMatching(/no statement lets everyone/) });
  });

  it.each<[string, Statement]>([
    ['a service principal', servicePublisher(ARN)],
    ['everyone, scoped by aws:SourceArn', { ...open, Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::bucket' } } }],
    ['everyone, but only topic-attribute reads', { ...open, Action: 'SNS:GetTopicAttributes' }],
  ])('is compliant with %s', (_n, stmt) => {
    expect(snsBlockPublicAccess.evaluate({ topic: topic([DEFAULT, stmt]) }, {}, settings).kind).toBe('compliant');
  });

  it.each<[string, Statement]>([
    ['publish', { ...open, Action: 'SNS:Publish' }],
    ['subscribe', { ...open, Action: 'sns:Subscribe' }],
    ['receive', { ...open, Action: 'SNS:Receive' }],
    ['sns:*', { ...open, Action: 'sns:*', Principal: { AWS: '*' } }],
    ['the default statement with its condition removed', { ...DEFAULT, Condition: undefined }],
  ])('scopes a statement letting everyone %s to the account, leaving the others as they are', (_n, stmt) => {
    const a = planOf(snsBlockPublicAccess.evaluate({ topic: topic([DEFAULT, servicePublisher(ARN), stmt]) }, {}, settings));
    const fixed = { ...stmt, Principal: { AWS: 'arn:aws:iam::123456789012:root' } };
    expect(a.changes).toEqual([expect.objectContaining({ field: 'Policy.Statement[2]', before: stmt, after: fixed })]);
    expect(statementsOf(written(a))).toEqual([DEFAULT, servicePublisher(ARN), JSON.parse(JSON.stringify(fixed))]);
  });

  it('scopes to the organization when one is configured', () => {
    const a = planOf(snsBlockPublicAccess.evaluate({ topic: topic([open]) }, {}, { ...settings, organizationId: 'o-abcdefghij' }));
    expect(a.changes[0]?.after).toEqual({ ...open, Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' } } });
  });
});
