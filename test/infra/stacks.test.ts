import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { CATALOG, catalogPermissions, CLOUDTRAIL_DETAIL_TYPE, CUSTOM_ACTIONS, DEFAULT_EXEMPT_TAG_KEY, RESOURCE_KINDS, remediationsForType } from '@fixbridge/core';
import { HISTORY_TABLE, sweepPermissions } from '@fixbridge/core/hub';
import { synthStage } from '../../stacks/synth';
import { parseStageSettings, workerRoleName, type HubSettings } from '../../stacks/settings';
import { settingsFor } from '../../sst.config';

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
        detail: { findings: { Compliance: { Status: ['FAILED'], SecurityControlId: controls }, Workflow: { Status: ['NEW'] }, RecordState: ['ACTIVE'] } },
      },
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
    expect(roleActions(hub, role, /^RemediationPolicy/)).toEqual(catalogPermissions());
    const all = roleActions(hub, role);
    expect(all.filter((a) => a === '*' || a.endsWith(':*'))).toEqual([]);
    expect(all).toEqual(expect.arrayContaining(['securityhub:BatchUpdateFindings', 'events:PutEvents', 'sns:Publish', 'sts:AssumeRole', 'dynamodb:PutItem']));
    const router = logicalIdOf(hub, 'AWS::IAM::Role', /^RouterServiceRole/);
    expect(roleActions(hub, router)).toEqual(expect.arrayContaining(['sqs:SendMessage', ...sweepPermissions()]));
    expect(roleActions(hub, router).filter((a) => catalogPermissions().includes(a) && !sweepPermissions().includes(a) && !a.startsWith('sqs:Get'))).toEqual([]);
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
    expect(roleActions(member, role)).toEqual(catalogPermissions());
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
