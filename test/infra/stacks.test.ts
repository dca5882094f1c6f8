import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { CATALOG, catalogPermissions, CLOUDTRAIL_DETAIL_TYPE, CUSTOM_ACTIONS, DEFAULT_EXEMPT_TAG_KEY, RESOURCE_KINDS, remediationsForType } from '@fixbridge/core';
import { HISTORY_TABLE, sweepPermissions } from '@fixbridge/core/hub';
import { synthStage } from '../../stacks/synth';
import { parseStageSettings, workerRoleName, type HubSettings } from '../../stacks/settings';
import { settingsFor } from '../../sst.config';
import { matchesPattern, resolvePattern } from '../support/event-pattern';
import { ROOT } from '../support/paths';

type Resource = { Type: string; Properties: Record<string, any> };

function resources(t: Template, type: string): [string, Resource][] {
  return Object.entries(t.toJSON().Resources as Record<string, Resource>).filter(([, r]) => r.Type === type);
}

function logicalIdOf(t: Template, type: string, id: RegExp): string {
  const found = resources(t, type).find(([k]) => id.test(k));
  if (!found) throw new Error(`no ${type} matching ${id}`);
  return found[0];
}

/** Every action of every inline policy attached to a role. */
function roleActions(t: Template, roleId: string, policyId?: RegExp): string[] {
  return resources(t, 'AWS::IAM::Policy')
    .filter(([k, p]) => (!policyId || policyId.test(k)) && p.Properties.Roles.some((r: { Ref?: string }) => r.Ref === roleId))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement.flatMap((s: { Action: string | string[] }) => [s.Action].flat()))
    .sort();
}

function rulePatterns(t: Template): Record<string, any>[] {
  return resources(t, 'AWS::Events::Rule').flatMap(([, r]) => (r.Properties.EventPattern ? [r.Properties.EventPattern] : []));
}

/** The queues and topics of a template whose tags lack `key=true`. */
function untagged(t: Template, key: string): string[] {
  return [...resources(t, 'AWS::SQS::Queue'), ...resources(t, 'AWS::SNS::Topic')]
    .filter(([, r]) => !(r.Properties.Tags ?? []).some((tag: { Key: string; Value: string }) => tag.Key === key && tag.Value === 'true'))
    .map(([k]) => k);
}

const routedKinds = RESOURCE_KINDS.filter((k) => remediationsForType(k.type).length > 0);

describe('hub stack', () => {
  let hub: Template;
  beforeAll(async () => {
    hub = (await synthStage('dev'))[0]!.template;
  });

  it('has one CloudTrail rule per routed service, with the catalog event names and errorCode absent', () => {
    const cloudTrail = rulePatterns(hub).filter((p) => p['detail-type']?.[0] === CLOUDTRAIL_DETAIL_TYPE);
    expect(cloudTrail).toHaveLength(routedKinds.length);
    for (const kind of routedKinds) {
      expect(cloudTrail).toContainEqual({
        source: [kind.cloudTrail.eventBridgeSource],
        'detail-type': [CLOUDTRAIL_DETAIL_TYPE],
        detail: { eventSource: [kind.cloudTrail.eventSource], eventName: [...kind.cloudTrail.triggerEvents], errorCode: [{ exists: false }] },
      });
    }
  });

  it('matches only new, active, failed findings of the catalog controls', () => {
    const controls = [...new Set(CATALOG.flatMap((r) => r.controls.securityHub))].sort();
    hub.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.securityhub'],
        'detail-type': ['Security Hub Findings - Imported'],
        detail: {
          findings: {
            Compliance: { Status: ['FAILED'] },
            Workflow: { Status: ['NEW'] },
            RecordState: ['ACTIVE'],
            $or: [
              { Compliance: { SecurityControlId: controls } },
              { Compliance: { SecurityControlId: [{ exists: false }] }, GeneratorId: Match.arrayWith(['security-control/SQS.1', 'aws-foundational-security-best-practices/v/1.0.0/SQS.1', 'nist-800-53/v/5.0.0/SQS.1']) },
              { Compliance: { SecurityControlId: [{ exists: false }] }, ProductFields: { ControlId: controls, StandardsArn: Match.arrayWith([{ suffix: ':standards/aws-foundational-security-best-practices/v/1.0.0' }]) } },
            ],
          },
        },
      },
    });
  });

  describe('its rules, evaluated against events (issue 8, items 7, 8 and 10)', () => {
    const env = { partition: 'aws', region: 'us-east-1', account: '123456789012' };
    let patterns: unknown[];
    beforeAll(() => {
      patterns = rulePatterns(hub).map((p) => resolvePattern(p, env));
    });
    const fixture = (name: string) => JSON.parse(readFileSync(join(ROOT, 'test/fixtures', name), 'utf8'));
    const matched = (event: unknown) => patterns.filter((p) => matchesPattern(p, event)).length;

    // Every EventBridge event fixbridge has a sample of (the runbook request is invoked, not routed).
    const samples = readdirSync(join(ROOT, 'test/fixtures')).filter((f) => f.endsWith('.json') && f !== 'runbook-request.json');
    it.each(samples)('%s is matched by exactly one rule of the hub', (name) => {
      expect(matched(fixture(name))).toBe(1);
    });

    it.each<[string, (e: any) => void]>([
      ['a finding fixbridge wrote back (NOTIFIED)', (e) => (e.detail.findings[0].Workflow.Status = 'NOTIFIED')],
      ['a PASSED finding', (e) => (e.detail.findings[0].Compliance.Status = 'PASSED')],
      ['a control no remediation handles', (e) => Object.assign(e.detail.findings[0], { GeneratorId: 'security-control/EC2.19', Compliance: { Status: 'FAILED', SecurityControlId: 'EC2.19' } })],
      ['a SecurityControlId no remediation handles, whatever the GeneratorId (routing goes by it)', (e) => (e.detail.findings[0].Compliance.SecurityControlId = 'EC2.19')],
      ['a CIS finding whose rule number ends like a control', (e) => Object.assign(e.detail.findings[0], { Compliance: { Status: 'FAILED' }, GeneratorId: 'cis-aws-foundations-benchmark/v/1.4.0/SQS.1' })],
      ['a PCI finding (PCI.SQS.1 is not SQS.1)', (e) => Object.assign(e.detail.findings[0], { Compliance: { Status: 'FAILED' }, GeneratorId: 'pci-dss/v/3.2.1/PCI.SQS.1', ProductFields: { StandardsArn: 'arn:aws:securityhub:us-east-1::standards/pci-dss/v/3.2.1', ControlId: 'PCI.SQS.1' } })],
      ['a PCI finding claiming ControlId SQS.1', (e) => Object.assign(e.detail.findings[0], { Compliance: { Status: 'FAILED' }, GeneratorId: 'pci-dss/v/3.2.1/PCI.SQS.1', ProductFields: { StandardsArn: 'arn:aws:securityhub:us-east-1::standards/pci-dss/v/3.2.1', ControlId: 'SQS.1' } })],
    ])('matches no rule for %s', (_n, mutate) => {
      const e = fixture('securityhub-imported-sqs1.json');
      mutate(e);
      expect(matched(e)).toBe(0);
    });

    it('matches a per-standard finding by its GeneratorId (NIST) or by ProductFields alone', () => {
      const nist = fixture('securityhub-imported-fsbp-sqs1.json');
      nist.detail.findings[0].GeneratorId = 'nist-800-53/v/5.0.0/SQS.1';
      nist.detail.findings[0].ProductFields = {};
      expect(matched(nist)).toBe(1);
      const fields = fixture('securityhub-imported-fsbp-sqs1.json');
      fields.detail.findings[0].GeneratorId = 'arn:aws:securityhub:::some-other-generator';
      expect(matched(fields)).toBe(1);
    });

    it.each<[string, (f: any) => void]>([
      ['written back (In Progress)', (f) => Object.assign(f, { status: 'In Progress', status_id: 2 })],
      ['passing', (f) => Object.assign(f.compliance, { status: 'Pass', status_id: 1 })],
      ['closed', (f) => Object.assign(f, { activity_id: 3, activity_name: 'Close' })],
      ['from another product', (f) => (f.metadata.product.uid = 'arn:aws:securityhub:us-east-1::productv2/aws/inspector')],
    ])('matches no rule for an OCSF finding %s', (_n, mutate) => {
      const e = fixture('securityhub-v2-imported-sqs1.json');
      mutate(e.detail.findings[0]);
      expect(matched(e)).toBe(0);
    });

    it('matches insight results and custom actions only from fixbridge’s own actions', () => {
      for (const name of ['securityhub-insight-results.json', 'securityhub-custom-action.json']) {
        const e = fixture(name);
        e.resources = ['arn:aws:securityhub:us-east-1:123456789012:action/custom/SomeoneElses'];
        expect(matched(e)).toBe(0);
      }
    });
  });

  it('creates both custom actions and routes their events', () => {
    const creates = resources(hub, 'Custom::AWS').map(([, r]) => JSON.stringify(r.Properties.Create));
    for (const a of Object.values(CUSTOM_ACTIONS)) {
      expect(creates.filter((c) => c.includes('CreateActionTarget') && c.includes(`\\"Id\\":\\"${a.id}\\"`) && c.includes(a.name))).toHaveLength(1);
    }
    const custom = rulePatterns(hub).find((p) => p['detail-type']?.[0] === 'Security Hub Findings - Custom Action');
    expect(JSON.stringify(custom?.resources)).toMatch(/action\/custom\/FixbridgePlan.*action\/custom\/FixbridgeRemediate/);
  });

  it('schedules the daily sweep to the router', () => {
    hub.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(0 5 * * ? *)', Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalIdOf(hub, 'AWS::Lambda::Function', /^Router/), 'Arn'] } })] });
  });

  it('feeds the worker from a FIFO work queue with a FIFO dead-letter queue and an alarm on it', () => {
    const dlq = logicalIdOf(hub, 'AWS::SQS::Queue', /^WorkDeadLetters/);
    hub.hasResourceProperties('AWS::SQS::Queue', {
      FifoQueue: true,
      VisibilityTimeout: 1800, // six times the worker's 300 s timeout, as AWS advises for SQS event sources
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] }, maxReceiveCount: 5 },
    });
    expect(resources(hub, 'AWS::SQS::Queue').find(([k]) => k === dlq)?.[1].Properties.FifoQueue).toBe(true);
    hub.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalIdOf(hub, 'AWS::Lambda::Function', /^Worker/) },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 10,
    });
    hub.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlq, 'QueueName'] } }],
      Threshold: 1,
      AlarmActions: [{ Ref: logicalIdOf(hub, 'AWS::SNS::Topic', /^Notifications/) }],
    });
  });

  it('lets the DLQ alarm publish to its encrypted topic (the rule fixbridge enforces on others)', () => {
    const topic = logicalIdOf(hub, 'AWS::SNS::Topic', /^Notifications/);
    const key = logicalIdOf(hub, 'AWS::KMS::Key', /^NotificationKey/);
    hub.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [key, 'Arn'] } });
    hub.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:GenerateDataKey', 'kms:Decrypt'] })]) },
    });
    hub.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish', Resource: { Ref: topic } })]) },
    });
  });

  it('exempts its own work queue, dead-letter queue and notification topic from the engine (the sweep lists them)', () => {
    expect(resources(hub, 'AWS::SQS::Queue').map(([k]) => k.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual(['Work', 'WorkDeadLetters']);
    expect(resources(hub, 'AWS::SNS::Topic')).toHaveLength(1);
    expect(untagged(hub, DEFAULT_EXEMPT_TAG_KEY)).toEqual([]);
  });

  it("grants the worker exactly the catalog's actions for remediation, and no wildcard action anywhere", () => {
    const role = logicalIdOf(hub, 'AWS::IAM::Role', /^WorkerRole/);
    hub.hasResourceProperties('AWS::IAM::Role', { RoleName: workerRoleName('dev', 'us-east-1') });
    expect(roleActions(hub, role, /^RemediationPolicy/)).toEqual([...catalogPermissions(), ...sweepPermissions()].sort());
    const all = roleActions(hub, role);
    expect(all.filter((a) => a === '*' || a.endsWith(':*'))).toEqual([]);
    expect(all).toEqual(expect.arrayContaining(['securityhub:BatchUpdateFindings', 'events:PutEvents', 'sns:Publish', 'sts:AssumeRole', 'dynamodb:PutItem']));
    // The write-back sends BatchUpdateFindings (ASFF) and BatchUpdateFindingsV2 (OCSF): each is its own IAM action.
    expect(all).toEqual(expect.arrayContaining(['securityhub:BatchUpdateFindings', 'securityhub:BatchUpdateFindingsV2']));
  });

  it('lets the worker list for the sweep and queue what it listed; the router only queues', () => {
    const work = logicalIdOf(hub, 'AWS::SQS::Queue', /^Work(?!DeadLetters)/);
    const statementsOf = (roleId: string) =>
      resources(hub, 'AWS::IAM::Policy')
        .filter(([, p]) => p.Properties.Roles.some((r: { Ref?: string }) => r.Ref === roleId))
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown; Sid?: string }[]);
    const worker = logicalIdOf(hub, 'AWS::IAM::Role', /^WorkerRole/);
    const sends = statementsOf(worker).filter((s) => [s.Action].flat().includes('sqs:SendMessage'));
    expect(sends.map((s) => s.Resource)).toEqual([{ 'Fn::GetAtt': [work, 'Arn'] }]);
    expect(statementsOf(worker).find((s) => s.Sid === 'Sweep')).toMatchObject({ Action: sweepPermissions(), Resource: '*' });

    const router = roleActions(hub, logicalIdOf(hub, 'AWS::IAM::Role', /^RouterServiceRole/));
    expect(router).toContain('sqs:SendMessage');
    expect(router.filter((a) => sweepPermissions().includes(a))).toEqual([]);
    expect(router.filter((a) => catalogPermissions().includes(a) && !a.startsWith('sqs:Get'))).toEqual([]);
  });

  it("tells the router the sweep: the hub's account in the hub's region by default", () => {
    const router = logicalIdOf(hub, 'AWS::Lambda::Function', /^Router/);
    const env = (resources(hub, 'AWS::Lambda::Function').find(([k]) => k === router)![1].Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(env.FIXBRIDGE_SWEEP_ACCOUNTS).toEqual({ Ref: 'AWS::AccountId' });
    expect(env.FIXBRIDGE_SWEEP_REGIONS).toBe('us-east-1');
  });

  it('stores the stage engine config in SSM and wires the history table for history and idempotency', () => {
    const dev = settingsFor('dev');
    hub.hasResourceProperties('AWS::SSM::Parameter', { Name: '/fixbridge/dev/engine-config', Value: JSON.stringify(dev.kind === 'hub' && dev.engine) });
    hub.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: HISTORY_TABLE.partitionKey, KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: HISTORY_TABLE.ttlAttribute, Enabled: true },
      GlobalSecondaryIndexes: [Match.objectLike({ IndexName: HISTORY_TABLE.resourceIndex.name }), Match.objectLike({ IndexName: HISTORY_TABLE.approvalIndex.name })],
    });
    hub.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ FIXBRIDGE_CONFIG_PARAMETER: Match.anyValue(), FIXBRIDGE_HISTORY_TABLE: Match.anyValue(), FIXBRIDGE_EXTERNAL_ID: 'fixbridge-dev' }) } });
  });
  it('without "slack" in its engine config has no Slack route, function or secrets', () => {
    expect(resources(hub, 'AWS::ApiGatewayV2::Route')).toEqual([]);
    expect(JSON.stringify(hub.toJSON())).not.toContain('SLACK_');
  });
});

describe('hub with a custom exempt tag', () => {
  it("tags its queues and topic with the stage engine config's exemptTagKey", async () => {
    const settings = parseStageSettings('custom', { kind: 'hub', externalId: 'fixbridge-custom', engine: { exemptTagKey: 'acme:leave-alone' } }) as HubSettings;
    const hub = (await synthStage('custom', { hub: settings }))[0]!.template;
    expect(resources(hub, 'AWS::SQS::Queue')).toHaveLength(2);
    expect(untagged(hub, 'acme:leave-alone')).toEqual([]);
    expect(untagged(hub, DEFAULT_EXEMPT_TAG_KEY)).toHaveLength(3);
  });
});

describe('hub with member accounts and sweep regions', () => {
  it('sweeps the hub account and every member, in every sweep region, and lets the members forward events', async () => {
    const settings = parseStageSettings('org', { kind: 'hub', externalId: 'fixbridge-org', memberAccountIds: ['444455556666', '777788889999'], sweepRegions: ['us-east-1', 'eu-west-1'] }) as HubSettings;
    const hub = (await synthStage('org', { hub: settings }))[0]!.template;
    const router = resources(hub, 'AWS::Lambda::Function').find(([k]) => /^Router/.test(k))![1];
    expect(router.Properties.Environment.Variables).toMatchObject({
      FIXBRIDGE_SWEEP_ACCOUNTS: { 'Fn::Join': ['', [{ Ref: 'AWS::AccountId' }, ',444455556666,777788889999']] },
      FIXBRIDGE_SWEEP_REGIONS: 'us-east-1,eu-west-1',
    });
    const [[, busPolicy]] = resources(hub, 'AWS::Events::EventBusPolicy') as [[string, Resource]];
    const principals = JSON.stringify(busPolicy.Properties.Statement.Principal.AWS);
    expect(principals).toContain(':iam::444455556666:root');
    expect(principals).toContain(':iam::777788889999:root');
  });
});

describe('hub with Slack approvals', () => {
  const CANARY = { SLACK_SIGNING_SECRET: 'canary-signing-secret-5f2c', SLACK_BOT_TOKEN: 'xoxb-canary-token-9d41' };
  let hub: Template;
  beforeAll(async () => {
    const settings = parseStageSettings('appr', { kind: 'hub', externalId: 'fixbridge-appr', engine: { mode: 'approval', slack: { channel: 'C0SECURITY', approvers: ['U0ANA'] } } }) as HubSettings;
    // Secrets set in the environment of whoever synthesizes must not reach the template.
    const saved = Object.fromEntries(Object.keys(CANARY).map((k) => [k, process.env[k]]));
    Object.assign(process.env, CANARY);
    try {
      hub = (await synthStage('appr', { hub: settings }))[0]!.template;
    } finally {
      for (const [k, v] of Object.entries(saved)) v === undefined ? delete process.env[k] : (process.env[k] = v);
    }
  });

  it('routes POST /slack/interactions of an HTTP API to the Slack function, and outputs its URL', () => {
    const fn = logicalIdOf(hub, 'AWS::Lambda::Function', /^Slack[0-9A-F]{8}$/);
    const integration = logicalIdOf(hub, 'AWS::ApiGatewayV2::Integration', /^SlackApi/);
    hub.hasResourceProperties('AWS::ApiGatewayV2::Integration', { IntegrationType: 'AWS_PROXY', IntegrationUri: { 'Fn::GetAtt': [fn, 'Arn'] }, PayloadFormatVersion: '2.0' });
    hub.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /slack/interactions', Target: { 'Fn::Join': ['', ['integrations/', { Ref: integration }]] } });
    expect(resources(hub, 'AWS::ApiGatewayV2::Route')).toHaveLength(1);
    expect(JSON.stringify(hub.toJSON().Outputs.SlackInteractionUrl.Value)).toContain('/slack/interactions');
  });

  it('lets the Slack function do only what it does: read an approval, queue a decision, read its signing secret', () => {
    const role = logicalIdOf(hub, 'AWS::IAM::Role', /^SlackServiceRole/);
    const statements = resources(hub, 'AWS::IAM::Policy')
      .filter(([, p]) => p.Properties.Roles.some((r: { Ref?: string }) => r.Ref === role))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
    const byAction = Object.fromEntries(statements.flatMap((st) => [st.Action].flat().map((a) => [a, JSON.stringify(st.Resource)])));
    // X-Ray: SST traces every function.
    expect(Object.keys(byAction).sort()).toEqual(['dynamodb:GetItem', 'sqs:SendMessage', 'ssm:GetParameters', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    expect(byAction['dynamodb:GetItem']).toBe(JSON.stringify({ 'Fn::GetAtt': [logicalIdOf(hub, 'AWS::DynamoDB::Table', /^History/), 'Arn'] }));
    expect(byAction['sqs:SendMessage']).toBe(JSON.stringify({ 'Fn::GetAtt': [logicalIdOf(hub, 'AWS::SQS::Queue', /^Work[0-9A-F]{8}$/), 'Arn'] }));
    expect(byAction['ssm:GetParameters']).toContain('/Secret/SLACK_SIGNING_SECRET/value');
    expect(byAction['ssm:GetParameters']).not.toContain('SLACK_BOT_TOKEN');
    const worker = logicalIdOf(hub, 'AWS::IAM::Role', /^WorkerRole/);
    expect(roleActions(hub, worker)).toContain('ssm:GetParameters');
  });

  it('puts no secret in the template: the functions fetch them from SSM at cold start', () => {
    const text = JSON.stringify(hub.toJSON());
    for (const value of Object.values(CANARY)) expect(text).not.toContain(value);
    hub.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ SST_Secret_value_SLACK_SIGNING_SECRET: '__FETCH_FROM_SSM__' }) } });
    hub.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ SST_Secret_value_SLACK_BOT_TOKEN: '__FETCH_FROM_SSM__' }) } });
  });
});

describe('member stack', () => {
  let member: Template;
  beforeAll(async () => {
    member = (await synthStage('dev-member'))[0]!.template;
  });

  it('gives the hub worker role, with the external id, a role with the same catalog actions', () => {
    const role = logicalIdOf(member, 'AWS::IAM::Role', /^RemediationRole/);
    member.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'fixbridge-remediation',
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Action: 'sts:AssumeRole',
            Condition: {
              StringEquals: { 'sts:ExternalId': 'fixbridge-dev' },
              ArnEquals: { 'aws:PrincipalArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::123456789012:role/${workerRoleName('dev', 'us-east-1')}`]] } },
            },
          }),
        ],
      },
    });
    expect(roleActions(member, role)).toEqual([...catalogPermissions(), ...sweepPermissions()].sort());
  });

  it("forwards the routed CloudTrail events to the hub's default bus", () => {
    expect(rulePatterns(member)).toHaveLength(routedKinds.length);
    for (const kind of routedKinds) {
      member.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: Match.objectLike({ source: [kind.cloudTrail.eventBridgeSource] }),
        Targets: [Match.objectLike({ Arn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:us-east-1:123456789012:event-bus/default']] } })],
      });
    }
  });
});

describe('the EventBridge pattern matcher of the tests (test/support/event-pattern.ts), on hand examples', () => {
  const event = { source: 'aws.sqs', detail: { eventName: 'CreateQueue', n: 5, tags: ['a', 'b'], items: [{ k: 'x' }, { k: 'y' }], arn: 'arn:aws:sqs:us-east-1:1:q' } };
  it.each<[string, object, boolean]>([
    ['an exact value', { source: ['aws.sqs'] }, true],
    ['an array is OR', { source: ['aws.sns', 'aws.sqs'] }, true],
    ['no listed value', { source: ['aws.sns'] }, false],
    ['values are case-sensitive', { source: ['AWS.SQS'] }, false],
    ['nested objects', { detail: { eventName: ['CreateQueue'] } }, true],
    ['every key must match', { source: ['aws.sqs'], detail: { eventName: ['DeleteQueue'] } }, false],
    ['numbers', { detail: { n: [5] } }, true],
    ['an event array matches when one element does', { detail: { tags: ['b'] } }, true],
    ['an array of objects, element-wise', { detail: { items: { k: ['y'] } } }, true],
    ['exists false on a missing key', { detail: { errorCode: [{ exists: false }] } }, true],
    ['exists false on a present key', { detail: { eventName: [{ exists: false }] } }, false],
    ['exists true', { detail: { eventName: [{ exists: true }] } }, true],
    ['a missing key does not match a value', { detail: { errorCode: ['x'] } }, false],
    ['prefix', { detail: { arn: [{ prefix: 'arn:aws:sqs:' }] } }, true],
    ['suffix', { detail: { arn: [{ suffix: ':q' }] } }, true],
    ['suffix not matching', { detail: { arn: [{ suffix: ':r' }] } }, false],
    ['anything-but', { detail: { n: [{ 'anything-but': [3] }] } }, true],
    ['anything-but the value', { detail: { n: [{ 'anything-but': [5] }] } }, false],
    ['anything-but on a missing key', { detail: { m: [{ 'anything-but': [5] }] } }, false],
    ['$or: one branch', { detail: { $or: [{ eventName: ['DeleteQueue'] }, { n: [5] }] } }, true],
    ['$or: no branch', { detail: { $or: [{ eventName: ['DeleteQueue'] }, { n: [6] }] } }, false],
  ])('%s → %s', (_n, pattern, expected) => {
    expect(matchesPattern(pattern, event)).toBe(expected);
  });

  it('refuses filters it does not implement', () => {
    expect(() => matchesPattern({ detail: { n: [{ numeric: ['>', 1] }] } }, event)).toThrow(/unsupported filter/);
  });

  it('resolves the pseudo parameters of a synthesized pattern', () => {
    const p = { resources: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':securityhub:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':action/custom/X']] }] };
    expect(resolvePattern(p, { partition: 'aws', region: 'us-east-1', account: '123456789012' })).toEqual({ resources: ['arn:aws:securityhub:us-east-1:123456789012:action/custom/X'] });
  });
});
