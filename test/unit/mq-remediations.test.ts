import { expect, it } from 'vitest';
import { permissionsOf, type EvaluateConfig, type KeyInfo, type MqBrokerState } from '@fixbridge/core';
import { logsDestinationBlockReason, mqEnableLogging } from '../../packages/core/src/remediations/mq-enable-logging';
import { mqAutoMinorVersionUpgrade } from '../../packages/core/src/remediations/mq-auto-minor-version-upgrade';
import { mqNoPublicAccess } from '../../packages/core/src/remediations/mq-no-public-access';
import { mqActiveStandby } from '../../packages/core/src/remediations/mq-active-standby';
import { mqRabbitCluster } from '../../packages/core/src/remediations/mq-rabbit-cluster';
import { mqEncryptWithCmk } from '../../packages/core/src/remediations/mq-encrypt-with-cmk';
import { keyInfo } from '../support/sns-mq';
import { offline } from '../support/projects';

const ID = 'b-7f3c2a1e-9d4b-4c8a-b6e5-1a2b3c4d5e6f';
const settings: EvaluateConfig = { exemptTagKey: 'fixbridge:exempt' };

/** An ActiveMQ single-instance broker with every setting off. */
const activemq: MqBrokerState = {
  arn: `arn:aws:mq:us-east-1:123456789012:broker:orders-broker:${ID}`,
  id: ID,
  name: 'orders-broker',
  accountId: '123456789012',
  region: 'us-east-1',
  engineType: 'ACTIVEMQ',
  deploymentMode: 'SINGLE_INSTANCE',
  publiclyAccessible: true,
  encryption: { useAwsOwnedKey: true },
  logs: { general: false, audit: false },
  autoMinorVersionUpgrade: false,
  brokerState: 'RUNNING',
  tags: {},
};
const rabbitmq: MqBrokerState = { ...structuredClone(activemq), engineType: 'RABBITMQ' };

function broker(from: MqBrokerState, over: Partial<MqBrokerState>): MqBrokerState {
  return { ...structuredClone(from), ...over };
}

offline('mq-enable-logging: where the logs go', () => {
  const allow = (actions: string[], resource = 'arn:aws:logs:*:*:log-group:/aws/amazonmq/*', service = 'mq.amazonaws.com') => ({
    Statement: [{ Effect: 'Allow' as const, Principal: { Service: service }, Action: actions, Resource: resource }],
  });
  const both = ['logs:CreateLogStream', 'logs:PutLogEvents'];
  it.each<[string, Parameters<typeof logsDestinationBlockReason>[1], RegExp | null]>([
    ['not read (nothing to turn on)', undefined, null],
    ["AWS's documented policy", [allow(both)], null],
    ['a policy for this region and account only', [allow(both, 'arn:aws:logs:us-east-1:123456789012:log-group:/aws/amazonmq/broker/*')], null],
    ['no policy at all', [], /lets mq\.amazonaws\.com call logs:CreateLogStream and logs:PutLogEvents/],
    ['PutLogEvents only', [allow(['logs:PutLogEvents'])], /call logs:CreateLogStream on/],
    ['another service', [allow(both, undefined, 'route53.amazonaws.com')], /logs:CreateLogStream and logs:PutLogEvents/],
    ['another log group', [allow(both, 'arn:aws:logs:*:*:log-group:/aws/route53/*')], /logs:CreateLogStream and logs:PutLogEvents/],
  ])('%s', (_n, policies, reason) => {
    const r = logsDestinationBlockReason(activemq, policies);
    if (reason) expect(r).toMatch(reason);
    else expect(r).toBeNull();
  });

  it('blocks the plan, with the command that fixes it, when Amazon MQ cannot write the logs', () => {
    const a = mqEnableLogging.evaluate({ broker: activemq, logsPolicies: [] }, mqEnableLogging.optionsSchema.parse({}), settings);
    expect(a).toMatchObject({ kind: 'blocked', reason: expect.stringContaining('aws logs put-resource-policy') });
  });
});

offline('mq-enable-logging', () => {
  const never = mqEnableLogging.optionsSchema.parse({});
  const immediately = mqEnableLogging.optionsSchema.parse({ rebootPolicy: 'immediately' });

  it('defaults rebootPolicy to never and rejects other values', () => {
    expect(never).toEqual({ rebootPolicy: 'never' });
    expect(mqEnableLogging.optionsSchema.safeParse({ rebootPolicy: 'later' }).success).toBe(false);
  });

  it('ActiveMQ: plans general and audit logs, says the change is pending until a reboot, and that a single-instance reboot is an outage', () => {
    const a = mqEnableLogging.evaluate({ broker: activemq }, never, settings);
    expect(a).toMatchObject({
      kind: 'plan',
      changes: [{ field: 'Logs', before: { General: false, Audit: false }, after: { General: true, Audit: true } }],
      ops: [{ kind: 'update', brokerId: ID, logs: { General: true, Audit: true } }],
    });
    expect(a.reason).toMatch(/general and audit logging is off; log changes stay pending until the broker reboots/);
    expect(a.reason).toMatch(/rebootPolicy is never: reboot the broker/);
    expect(a.reason).toMatch(/single-instance broker is an outage/);
  });

  it('ActiveMQ with only audit missing: still sends both kinds (UpdateBroker replaces the whole Logs object)', () => {
    const a = mqEnableLogging.evaluate({ broker: broker(activemq, { logs: { general: true, audit: false } }) }, never, settings);
    expect(a).toMatchObject({ kind: 'plan', ops: [{ logs: { General: true, Audit: true } }], changes: [{ before: { General: true, Audit: false } }] });
  });

  it('RabbitMQ: plans general logs only, never Audit (the API rejects it)', () => {
    const a = mqEnableLogging.evaluate({ broker: rabbitmq }, never, settings);
    expect(a).toMatchObject({ kind: 'plan', changes: [{ before: { General: false }, after: { General: true } }], ops: [{ logs: { General: true } }] });
    expect(a.kind === 'plan' && a.ops[0]?.kind === 'update' && a.ops[0].logs).not.toHaveProperty('Audit');
  });

  it('rebootPolicy immediately: reboots after the update and puts the outage in the plan', () => {
    const a = mqEnableLogging.evaluate({ broker: activemq }, immediately, settings);
    expect(a).toMatchObject({
      kind: 'plan',
      ops: [{ kind: 'update' }, { kind: 'reboot', brokerId: ID }],
      changes: [{ field: 'Logs' }, { field: 'BrokerState', before: 'RUNNING', after: 'REBOOT_IN_PROGRESS', description: expect.stringMatching(/outage/) }],
    });
    expect(a.reason).toMatch(/fixbridge reboots the broker right after the update/);
  });

  it('an active/standby broker reboots without an outage', () => {
    const a = mqEnableLogging.evaluate({ broker: broker(activemq, { deploymentMode: 'ACTIVE_STANDBY_MULTI_AZ' }) }, immediately, settings);
    expect(a.reason).not.toMatch(/outage/);
    expect(a.reason).toMatch(/one instance at a time/);
  });

  it.each<[string, MqBrokerState, RegExp]>([
    ['ActiveMQ with both on', broker(activemq, { logs: { general: true, audit: true } }), /^general and audit logs are on$/],
    ['RabbitMQ with general on', broker(rabbitmq, { logs: { general: true, audit: false } }), /general logs \(RabbitMQ has no audit logs\) are on/],
    ['logs enabled but pending a reboot', broker(activemq, { logs: { general: true, audit: false, pending: { audit: true } } }), /audit logging is pending until the broker reboots/],
  ])('is compliant (no write): %s', (_n, b, reason) => {
    expect(mqEnableLogging.evaluate({ broker: b }, never, settings)).toMatchObject({ kind: 'compliant', reason: expect.stringMatching(reason) });
  });

  it('plans when a pending change would turn logging off at the next reboot', () => {
    const b = broker(activemq, { logs: { general: true, audit: true, pending: { general: false } } });
    expect(mqEnableLogging.evaluate({ broker: b }, never, settings)).toMatchObject({ kind: 'plan', reason: expect.stringMatching(/^general logging is off/) });
  });

  it('is blocked while the broker is not RUNNING', () => {
    expect(mqEnableLogging.evaluate({ broker: broker(activemq, { brokerState: 'CREATION_IN_PROGRESS' }) }, never, settings)).toMatchObject({
      kind: 'blocked',
      reason: expect.stringMatching(/CREATION_IN_PROGRESS; Amazon MQ updates only RUNNING brokers/),
    });
  });
});

offline('mq-auto-minor-version-upgrade', () => {
  it('is compliant when on, plans UpdateBroker when off, blocked when not RUNNING', () => {
    expect(mqAutoMinorVersionUpgrade.evaluate({ broker: broker(activemq, { autoMinorVersionUpgrade: true }) }, {}, settings).kind).toBe('compliant');
    expect(mqAutoMinorVersionUpgrade.evaluate({ broker: rabbitmq }, {}, settings)).toMatchObject({
      kind: 'plan',
      changes: [{ field: 'AutoMinorVersionUpgrade', before: false, after: true }],
      ops: [{ kind: 'update', brokerId: ID, autoMinorVersionUpgrade: true }],
    });
    expect(mqAutoMinorVersionUpgrade.evaluate({ broker: broker(activemq, { brokerState: 'REBOOT_IN_PROGRESS' }) }, {}, settings).kind).toBe('blocked');
  });
});

offline('report-only MQ remediations', () => {
  const cmk = (over: Partial<KeyInfo>) => keyInfo({ requested: 'arn:aws:kms:us-east-1:123456789012:key/k-1', ...over });
  const withKey = broker(activemq, { encryption: { useAwsOwnedKey: false, kmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/k-1' } });

  it.each<[string, () => { kind: string; reason: string }, string, RegExp]>([
    ['mq-no-public-access: private', () => mqNoPublicAccess.evaluate({ broker: broker(activemq, { publiclyAccessible: false }) }, {}, settings), 'compliant', /not publicly accessible/],
    ['mq-no-public-access: public', () => mqNoPublicAccess.evaluate({ broker: activemq }, {}, settings), 'not-remediable', /publicly accessible\. .*replacement broker with PubliclyAccessible=false/],
    ['mq-active-standby: active/standby', () => mqActiveStandby.evaluate({ broker: broker(activemq, { deploymentMode: 'ACTIVE_STANDBY_MULTI_AZ' }) }, {}, settings), 'compliant', /active\/standby/],
    ['mq-active-standby: single instance', () => mqActiveStandby.evaluate({ broker: activemq }, {}, settings), 'not-remediable', /SINGLE_INSTANCE\. .*DeploymentMode=ACTIVE_STANDBY_MULTI_AZ.*then delete it/],
    ['mq-active-standby: RabbitMQ', () => mqActiveStandby.evaluate({ broker: rabbitmq }, {}, settings), 'skipped', /applies to ActiveMQ brokers/],
    ['mq-rabbit-cluster: cluster', () => mqRabbitCluster.evaluate({ broker: broker(rabbitmq, { deploymentMode: 'CLUSTER_MULTI_AZ' }) }, {}, settings), 'compliant', /cluster/],
    ['mq-rabbit-cluster: single instance', () => mqRabbitCluster.evaluate({ broker: rabbitmq }, {}, settings), 'not-remediable', /DeploymentMode=CLUSTER_MULTI_AZ/],
    ['mq-rabbit-cluster: ActiveMQ', () => mqRabbitCluster.evaluate({ broker: activemq }, {}, settings), 'skipped', /applies to RabbitMQ brokers/],
    ['mq-encrypt-with-cmk: AWS-owned key', () => mqEncryptWithCmk.evaluate({ broker: activemq }, {}, settings), 'not-remediable', /AWS-owned key\. .*KmsKeyId: <your customer-managed key>/],
    ['mq-encrypt-with-cmk: AWS-managed key', () => mqEncryptWithCmk.evaluate({ broker: withKey, key: cmk({ keyManager: 'AWS' }) }, {}, settings), 'not-remediable', /AWS-managed key/],
    ['mq-encrypt-with-cmk: customer key', () => mqEncryptWithCmk.evaluate({ broker: withKey, key: cmk({}) }, {}, settings), 'compliant', /customer-managed KMS key arn:aws:kms/],
    ['mq-encrypt-with-cmk: key not visible', () => mqEncryptWithCmk.evaluate({ broker: withKey, key: cmk({ found: false }) }, {}, settings), 'compliant', /not visible to fixbridge/],
  ])('%s → %s', (_n, evaluate, kind, reason) => {
    const a = evaluate();
    expect(a.kind).toBe(kind);
    expect(a.reason).toMatch(reason);
  });

  it.each([mqNoPublicAccess, mqActiveStandby, mqRabbitCluster, mqEncryptWithCmk])('$id never writes: risk none, read-only permissions, apply refuses', async (r) => {
    expect(r.risk).toBe('none');
    expect(permissionsOf(r).every((p) => /^(mq:Describe|kms:Describe)/.test(p))).toBe(true);
    await expect(r.apply!({} as never, [], {})).rejects.toThrow(/report-only/);
  });
});
