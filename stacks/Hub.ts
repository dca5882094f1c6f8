/**
 * The hub: where the engine runs. EventBridge rules (CloudTrail per service, Security Hub findings,
 * the custom actions, a daily schedule) → router → SQS FIFO work queue (one message group per
 * resource) → worker → history table, Security Hub, the bus and the notification topic. The daily
 * sweep fans out through the same queue: the router queues one listing per account, region and
 * kind, and workers list them and queue their resources.
 */
import { Aws, Duration, RemovalPolicy, Tags } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { AttributeType, BillingMode, Table } from 'aws-cdk-lib/aws-dynamodb';
import { CfnEventBusPolicy, EventBus, Rule, Schedule, type IRuleTarget } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { ManagedPolicy, Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { ParameterTier, StringParameter } from 'aws-cdk-lib/aws-ssm';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { Api, Config, Function as SstFunction, type StackContext } from 'sst/constructs';
import { CUSTOM_ACTIONS, DEFAULT_EXEMPT_TAG_KEY, RESOURCE_KINDS } from '@fixbridge/core';
import { HISTORY_TABLE } from '@fixbridge/core/hub';
import { ENV } from '../packages/functions/src/env';
import { INTERACTIONS_PATH as SLACK_INTERACTIONS_PATH } from '@fixbridge/core/slack';
import { FUNCTIONS, NODEJS, RUNTIME } from './functions';
import { remediationStatements, sweepStatement } from './iam';
import { cloudTrailPatterns, customActionPattern, findingsPattern, findingsV2Pattern } from './patterns';
import { workerRoleName, type HubSettings } from './settings';

export function hubStack(settings: HubSettings) {
  return function Hub({ stack, app }: StackContext) {
    // The engine must not remediate its own pipeline (the sweep lists every queue and topic, these
    // included): everything here of a type fixbridge remediates carries the engine's exempt tag.
    Tags.of(stack).add(settings.engine.exemptTagKey ?? DEFAULT_EXEMPT_TAG_KEY, 'true', { includeResourceTypes: RESOURCE_KINDS.map((k) => k.cfnType) });
    const engineConfig = JSON.stringify(settings.engine);
    const parameter = new StringParameter(stack, 'EngineConfig', {
      parameterName: `/fixbridge/${app.stage}/engine-config`,
      description: 'fixbridge engine configuration (the JSON of the CLI --config)',
      stringValue: engineConfig,
      tier: engineConfig.length > 4096 ? ParameterTier.ADVANCED : ParameterTier.STANDARD,
    });

    const history = new Table(stack, 'History', {
      partitionKey: { name: HISTORY_TABLE.partitionKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: HISTORY_TABLE.ttlAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const { name: indexName, partitionKey, sortKey } of [HISTORY_TABLE.resourceIndex, HISTORY_TABLE.approvalIndex]) {
      history.addGlobalSecondaryIndex({ indexName, partitionKey: { name: partitionKey, type: AttributeType.STRING }, sortKey: { name: sortKey, type: AttributeType.STRING } });
    }

    // Notifications: a customer-managed key, because CloudWatch alarms cannot use alias/aws/sns.
    const key = new Key(stack, 'NotificationKey', { enableKeyRotation: true, description: 'fixbridge notification topic' });
    key.addToResourcePolicy(new PolicyStatement({ principals: [new ServicePrincipal('cloudwatch.amazonaws.com')], actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: ['*'] }));
    const topic = new Topic(stack, 'Notifications', { displayName: 'fixbridge', masterKey: key, enforceSSL: true });
    // enforceSSL replaces the default topic policy, so name the DLQ alarm's publisher explicitly.
    topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsOfThisAccount',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
    for (const email of settings.notificationEmails) topic.addSubscription(new EmailSubscription(email));

    const deadLetters = new Queue(stack, 'WorkDeadLetters', { fifo: true, encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: Duration.days(14) });
    const work = new Queue(stack, 'Work', {
      fifo: true,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(6 * FUNCTIONS.worker.timeout),
      deadLetterQueue: { queue: deadLetters, maxReceiveCount: settings.maxReceiveCount },
    });
    new Alarm(stack, 'DeadLettersAlarm', {
      alarmDescription: 'fixbridge work items failed repeatedly and were dead-lettered',
      metric: deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(new SnsAction(topic));

    // The worker role (worker and runbook functions): catalog permissions in their own policy.
    const workerRole = new Role(stack, 'WorkerRole', {
      roleName: workerRoleName(app.stage, app.region),
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      managedPolicies: [ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole')],
    });
    new Policy(stack, 'RemediationPolicy', { roles: [workerRole], statements: [...remediationStatements(), sweepStatement()] });
    const allow = (actions: string[], resources: string[]) => new PolicyStatement({ actions, resources });
    for (const s of [
      allow(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Query'], [history.tableArn, `${history.tableArn}/index/*`]),
      allow(['sns:Publish'], [topic.topicArn]),
      allow(['kms:GenerateDataKey', 'kms:Decrypt'], [key.keyArn]),
      allow(['events:PutEvents'], [`arn:${Aws.PARTITION}:events:${Aws.REGION}:${Aws.ACCOUNT_ID}:event-bus/default`]),
      allow(['securityhub:BatchUpdateFindings'], [`arn:${Aws.PARTITION}:securityhub:*:${Aws.ACCOUNT_ID}:hub/default`]),
      // BatchUpdateFindingsV2 (OCSF findings of the new Security Hub) is an action of its own; it names
      // findings by metadata.uid, and no resource-level scope for it is documented, hence "*".
      allow(['securityhub:BatchUpdateFindingsV2'], ['*']),
      allow(['sts:AssumeRole'], [`arn:${Aws.PARTITION}:iam::*:role/${settings.memberRoleName}`]),
    ]) {
      workerRole.addToPrincipalPolicy(s);
    }
    parameter.grantRead(workerRole);

    const common = { runtime: RUNTIME, architecture: 'arm_64', nodejs: NODEJS } as const;
    // The SDK's standard retry settings: adaptive, so throttling slows the engine instead of failing it.
    const retries = { AWS_RETRY_MODE: 'adaptive' };
    const router = new SstFunction(stack, 'Router', {
      ...common,
      ...FUNCTIONS.router,
      environment: {
        ...retries,
        [ENV.configParameter]: parameter.parameterName,
        [ENV.workQueueUrl]: work.queueUrl,
        // The sweep: the hub's account and every member, in each sweep region.
        [ENV.sweepAccounts]: [Aws.ACCOUNT_ID, ...settings.memberAccountIds].join(','),
        [ENV.sweepRegions]: (settings.sweepRegions ?? [stack.region]).join(','),
      },
    });
    const engineEnv = {
      ...retries,
      [ENV.configParameter]: parameter.parameterName,
      [ENV.workQueueUrl]: work.queueUrl,
      [ENV.historyTable]: history.tableName,
      [ENV.historyRetentionDays]: String(settings.historyRetentionDays),
      [ENV.lockSeconds]: String(Math.max(FUNCTIONS.worker.timeout, FUNCTIONS.runbook.timeout)),
      [ENV.topicArn]: topic.topicArn,
      [ENV.eventBus]: 'default',
      [ENV.hubAccountId]: Aws.ACCOUNT_ID,
      [ENV.memberRoleName]: settings.memberRoleName,
      [ENV.externalId]: settings.externalId,
    };
    const worker = new SstFunction(stack, 'Worker', { ...common, ...FUNCTIONS.worker, role: workerRole, environment: engineEnv });
    const runbook = new SstFunction(stack, 'Runbook', { ...common, ...FUNCTIONS.runbook, role: workerRole, environment: engineEnv });

    parameter.grantRead(router);
    work.grantSendMessages(router);
    // The worker queues each listed resource of a sweep (the router lists nothing).
    work.grantSendMessages(workerRole);
    worker.addEventSource(new SqsEventSource(work, { batchSize: 10, reportBatchItemFailures: true }));

    // Event routing, built from the catalog.
    const bus = EventBus.fromEventBusName(stack, 'DefaultBus', 'default');
    const toRouter: IRuleTarget[] = [new LambdaFunction(router, { retryAttempts: 2 })];
    for (const { type, pattern } of cloudTrailPatterns()) {
      new Rule(stack, `CloudTrail-${type}`, { eventBus: bus, description: `fixbridge: ${type} API calls`, eventPattern: pattern, targets: toRouter });
    }
    new Rule(stack, 'Findings', { eventBus: bus, description: 'fixbridge: new failed findings of the catalog controls', eventPattern: findingsPattern(), targets: toRouter });
    new Rule(stack, 'FindingsV2', { eventBus: bus, description: 'fixbridge: new failed OCSF findings (Security Hub) of the catalog controls', eventPattern: findingsV2Pattern(), targets: toRouter });
    // CloudFormation has no Security Hub action target resource: create them through the API.
    const actionArns = Object.entries(CUSTOM_ACTIONS).map(([k, a]) => {
      const arn = `arn:${Aws.PARTITION}:securityhub:${Aws.REGION}:${Aws.ACCOUNT_ID}:action/custom/${a.id}`;
      const call = (action: string, parameters: object) => ({ service: 'SecurityHub', action, parameters, physicalResourceId: PhysicalResourceId.of(arn) });
      new AwsCustomResource(stack, `Action-${k}`, {
        onCreate: call('CreateActionTarget', { Id: a.id, Name: a.name, Description: a.description }),
        onUpdate: call('UpdateActionTarget', { ActionTargetArn: arn, Name: a.name, Description: a.description }),
        onDelete: call('DeleteActionTarget', { ActionTargetArn: arn }),
        policy: AwsCustomResourcePolicy.fromSdkCalls({ resources: AwsCustomResourcePolicy.ANY_RESOURCE }),
        installLatestAwsSdk: false,
      });
      return arn;
    });
    new Rule(stack, 'CustomActions', { eventBus: bus, description: 'fixbridge: Security Hub custom actions', eventPattern: customActionPattern(actionArns), targets: toRouter });
    new Rule(stack, 'DailySweep', { description: 'fixbridge: re-check every resource of the sweep accounts and regions', schedule: Schedule.expression(settings.schedule), targets: toRouter });

    if (settings.memberAccountIds.length) {
      new CfnEventBusPolicy(stack, 'MemberForwarding', {
        eventBusName: 'default',
        statementId: `fixbridge-${app.stage}-members`,
        statement: {
          Effect: 'Allow',
          Principal: { AWS: settings.memberAccountIds.map((id) => `arn:${Aws.PARTITION}:iam::${id}:root`) },
          Action: 'events:PutEvents',
          Resource: `arn:${Aws.PARTITION}:events:${Aws.REGION}:${Aws.ACCOUNT_ID}:event-bus/default`,
        },
      });
    }

    // Slack approvals (when the stage's engine config has "slack"): the interaction route, and the
    // two stage secrets (`npx sst secrets set …`), bound to the functions that read them, never in the template.
    let slack: SstFunction | undefined;
    if (settings.engine.slack) {
      const signingSecret = new Config.Secret(stack, 'SLACK_SIGNING_SECRET');
      const botToken = new Config.Secret(stack, 'SLACK_BOT_TOKEN');
      slack = new SstFunction(stack, 'Slack', {
        ...common,
        ...FUNCTIONS.slack,
        environment: { ...retries, [ENV.historyTable]: history.tableName, [ENV.workQueueUrl]: work.queueUrl },
        bind: [signingSecret],
      });
      // What it calls: one GetItem (the approval), one SendMessage (the decision).
      slack.addToRolePolicy(allow(['dynamodb:GetItem'], [history.tableArn]));
      slack.addToRolePolicy(allow(['sqs:SendMessage'], [work.queueArn]));
      worker.bind([botToken]);
      runbook.bind([botToken]);
      const api = new Api(stack, 'SlackApi', { cors: false, routes: { [`POST ${SLACK_INTERACTIONS_PATH}`]: slack } });
      stack.addOutputs({ SlackInteractionUrl: `${api.url}${SLACK_INTERACTIONS_PATH}` });
    }

    stack.addOutputs({
      WorkerRoleArn: workerRole.roleArn,
      RunbookFunction: runbook.functionName,
      HistoryTable: history.tableName,
      NotificationTopic: topic.topicArn,
      WorkQueue: work.queueUrl,
      DeadLetterQueue: deadLetters.queueUrl,
      EngineConfigParameter: parameter.parameterName,
    });
    return { work, deadLetters, history, topic, workerRole, router, worker, runbook, slack };
  };
}
