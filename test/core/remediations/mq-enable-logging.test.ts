/** mq-enable-logging (MQ.2): where the logs go, its evaluate table, and end to end against the emulator. */
import { CloudWatchLogsClient, DescribeResourcePoliciesCommand, PutResourcePolicyCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeBrokerCommand, MqClient } from '@aws-sdk/client-mq';
import { describe, expect, it } from 'vitest';
import type { MqBrokerState } from '@fixbridge/core';
import { logsDestinationBlockReason, mqEnableLogging, mqLogsResourcePolicy } from '../../../packages/core/src/remediations/mq-enable-logging';
import { cliRecorded, tempFile } from '../../support/aws';
import { offline, onEmulator } from '../../support/projects';
import { createBroker, describeBroker, writesIn } from '../../support/sns-mq';
import { activemq, BROKER_ID as ID, brokerState as broker, planOf, rabbitmq, SETTINGS as settings } from '../../support/states';

/*
 * Emulator note: moto applies Logs at once (AWS keeps them in Logs.Pending until a reboot), issues
 * six-hex broker ids and ARNs without the broker name (arn:aws:mq:<region>:<account>:broker:<id>).
 */

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
    expect(a.reason).toMatch(/"createLogsResourcePolicy": true/);
  });

  // Issue 8, item 16: RabbitMQ publishes through Amazon MQ's service-linked role.
  it('does not block a RabbitMQ broker for want of a resource policy (the prerequisite is ActiveMQ’s)', () => {
    expect(logsDestinationBlockReason(rabbitmq, [])).toBeNull();
    expect(mqEnableLogging.evaluate({ broker: rabbitmq, logsPolicies: [] }, mqEnableLogging.optionsSchema.parse({}), settings).kind).toBe('plan');
  });

  describe('createLogsResourcePolicy', () => {
    const create = mqEnableLogging.optionsSchema.parse({ createLogsResourcePolicy: true });
    const statement = {
      Sid: 'AmazonMQLogs',
      Effect: 'Allow',
      Principal: { Service: 'mq.amazonaws.com' },
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: 'arn:aws:logs:*:123456789012:log-group:/aws/amazonmq/*',
      Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
    };
    const route53 = { name: 'Route53Logs', text: '{"Statement":[]}', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow' as const, Principal: { Service: 'route53.amazonaws.com' }, Action: 'logs:PutLogEvents', Resource: '*' }] } };

    it('adds the documented policy, scoped to the account, as its own policy before turning logs on; other policies stay', () => {
      const a = planOf(mqEnableLogging.evaluate({ broker: activemq, logsPolicies: [route53.document], logsPolicyEntries: [route53] }, create, settings));
      expect(a.ops).toEqual([
        { kind: 'logs-resource-policy', name: 'AmazonMQ-logs', document: { Version: '2012-10-17', Statement: [statement] }, expect: null },
        { kind: 'update', brokerId: ID, logs: { General: true, Audit: true } },
      ]);
      expect(a.changes.map((c) => c.field)).toEqual(['LogsResourcePolicy', 'Logs']);
      // The policy it writes is one logsDestinationBlockReason accepts: the verification re-read finds logging can work.
      const put = a.ops[0];
      expect(logsDestinationBlockReason(activemq, [route53.document, put?.kind === 'logs-resource-policy' ? put.document : { Statement: [] }])).toBeNull();
    });

    it('merges into a policy of its name instead of replacing it', () => {
      const mine = { name: 'AmazonMQ-logs', text: '{"Statement":[{"Sid":"AmazonMQLogs","Effect":"Allow","Principal":{"Service":"es.amazonaws.com"},"Action":"logs:PutLogEvents","Resource":"*"}]}', document: { Statement: [{ Sid: 'AmazonMQLogs', Effect: 'Allow' as const, Principal: { Service: 'es.amazonaws.com' }, Action: 'logs:PutLogEvents', Resource: '*' }] } };
      const a = planOf(mqEnableLogging.evaluate({ broker: activemq, logsPolicies: [mine.document], logsPolicyEntries: [mine] }, create, settings));
      expect(a.ops[0]).toEqual({ kind: 'logs-resource-policy', name: 'AmazonMQ-logs', document: { Statement: [mine.document.Statement[0], { ...statement, Sid: 'AmazonMQLogs2' }] }, expect: mine.text });
    });

    it('adds nothing when a policy already lets Amazon MQ write, or for RabbitMQ', () => {
      const ok = mqLogsResourcePolicy();
      expect(planOf(mqEnableLogging.evaluate({ broker: activemq, logsPolicies: [ok] }, create, settings)).ops.map((o) => o.kind)).toEqual(['update']);
      expect(planOf(mqEnableLogging.evaluate({ broker: rabbitmq }, create, settings)).ops.map((o) => o.kind)).toEqual(['update']);
    });

    it('declares logs:PutResourcePolicy', () => {
      expect(mqEnableLogging.permissions).toContain('logs:PutResourcePolicy');
    });
  });
});

offline('mq-enable-logging', () => {
  const never = mqEnableLogging.optionsSchema.parse({});
  const immediately = mqEnableLogging.optionsSchema.parse({ rebootPolicy: 'immediately' });

  it('defaults rebootPolicy to never and rejects other values', () => {
    expect(never).toEqual({ rebootPolicy: 'never', createLogsResourcePolicy: false });
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

onEmulator('mq-enable-logging', () => {
  it('is blocked, with the fix, when no CloudWatch Logs resource policy lets Amazon MQ write its logs', async () => {
    const region = 'eu-west-3'; // a region where no test puts the MQ logs policy (moto state is shared)
    const b = await createBroker('nologs', {}, { region, withLogsPolicy: false });
    const run = await cliRecorded(['run', 'mq-enable-logging', '--resource', b.arn, '--mode', 'auto']);
    expect(run.results[0]).toMatchObject({ status: 'blocked', reason: expect.stringMatching(/no CloudWatch Logs resource policy lets mq\.amazonaws\.com call logs:CreateLogStream and logs:PutLogEvents.*put-resource-policy/) });
    expect(writesIn(run.calls)).toEqual([]);
    expect((await new MqClient({ region }).send(new DescribeBrokerCommand({ BrokerId: b.id }))).Logs).toMatchObject({ General: false });
  });

  it('RabbitMQ without any CloudWatch Logs resource policy: applied (it logs through the service-linked role)', async () => {
    const region = 'eu-west-3';
    const b = await createBroker('nologs-rabbit', { EngineType: 'RABBITMQ' }, { region, withLogsPolicy: false });
    const run = await cliRecorded(['run', 'mq-enable-logging', '--resource', b.arn, '--mode', 'auto']);
    expect(run.results[0]).toMatchObject({ status: 'applied' });
  });

  it('createLogsResourcePolicy: adds the documented policy scoped to the account, keeps the account’s other policies, then turns logs on', async () => {
    const region = 'ap-southeast-2'; // no other test writes CloudWatch Logs resource policies here
    const logs = new CloudWatchLogsClient({ region });
    const other = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'route53.amazonaws.com' }, Action: 'logs:PutLogEvents', Resource: '*' }] });
    await logs.send(new PutResourcePolicyCommand({ policyName: 'Route53Logs', policyDocument: other }));
    const b = await createBroker('create-logs-policy', {}, { region, withLogsPolicy: false });
    const config = tempFile('config.json', { remediations: { 'mq-enable-logging': { createLogsResourcePolicy: true, mode: 'auto' } } });
    const run = await cliRecorded(['run', 'mq-enable-logging', '--resource', b.arn, '--config', config]);
    expect(run.results[0]).toMatchObject({ status: 'applied', changes: [{ field: 'LogsResourcePolicy' }, { field: 'Logs' }] });
    expect(writesIn(run.calls)).toEqual(['UpdateBrokerCommand']); // the recorder sees the MQ client; the policy is checked below
    const policies = (await logs.send(new DescribeResourcePoliciesCommand({}))).resourcePolicies ?? [];
    expect(Object.fromEntries(policies.map((p) => [p.policyName, JSON.parse(p.policyDocument!)]))).toEqual({
      Route53Logs: JSON.parse(other),
      'AmazonMQ-logs': mqLogsResourcePolicy('aws', b.arn.split(':')[4]),
    });
  });

  it('ActiveMQ: dry-run and approval change nothing; auto turns on general and audit logs and verifies', async () => {
    const b = await createBroker('logs');

    const dry = await cliRecorded(['run', 'mq-enable-logging', '--resource', b.arn]);
    expect(dry.results).toEqual([
      expect.objectContaining({
        status: 'planned',
        controls: ['SecurityHub:MQ.2', 'Qualys:303'],
        changes: [expect.objectContaining({ field: 'Logs', before: { General: false, Audit: false }, after: { General: true, Audit: true } })],
        reason: expect.stringMatching(/pending until the broker reboots.*single-instance broker is an outage/),
      }),
    ]);
    const approval = await cliRecorded(['run', 'MQ.2', '--resource', b.arn, '--mode', 'approval']);
    expect(approval.results[0]?.status).toBe('awaiting-approval');
    expect(writesIn([...dry.calls, ...approval.calls])).toEqual([]);
    expect((await describeBroker(b.id)).Logs).toEqual({ General: false, Audit: false });

    const auto = await cliRecorded(['run', 'mq-enable-logging', '--resource', b.arn, '--mode', 'auto']);
    expect(auto.results[0]).toMatchObject({ status: 'applied', reason: expect.stringContaining('rebootPolicy is never') });
    expect(writesIn(auto.calls)).toEqual(['UpdateBrokerCommand']);
    expect((await describeBroker(b.id)).Logs).toEqual({ General: true, Audit: true });

    const again = await cliRecorded(['run', 'mq-enable-logging', '--resource', b.arn, '--mode', 'auto']);
    expect(again.results[0]?.status).toBe('compliant');
    expect(writesIn(again.calls)).toEqual([]);
  });

  it('RabbitMQ: general logs only (Audit is never sent)', async () => {
    const b = await createBroker('logs-rabbit', { EngineType: 'RABBITMQ' });
    const run = await cliRecorded(['run', 'mq-enable-logging', '--resource', b.arn, '--mode', 'auto']);
    expect(run.results[0]).toMatchObject({ status: 'applied', changes: [{ before: { General: false }, after: { General: true } }] });
    expect((await describeBroker(b.id)).Logs).toEqual({ General: true });
  });

  it('rebootPolicy immediately reboots right after the update, and the plan says so', async () => {
    const b = await createBroker('logs-reboot');
    const config = tempFile('config.json', { remediations: { 'mq-enable-logging': { rebootPolicy: 'immediately', mode: 'auto' } } });
    const run = await cliRecorded(['run', 'mq-enable-logging', '--resource', b.arn, '--config', config]);
    expect(run.results[0]).toMatchObject({ status: 'applied', mode: 'auto', changes: [{ field: 'Logs' }, { field: 'BrokerState', description: expect.stringContaining('outage') }] });
    expect(writesIn(run.calls)).toEqual(['UpdateBrokerCommand', 'RebootBrokerCommand']);
  });
});
