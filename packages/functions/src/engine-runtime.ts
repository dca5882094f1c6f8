/**
 * The worker's and the runbook function's cold start: the engine with history, idempotency, the bus
 * and the notification topic, approvals (in the history table; posted to Slack when the config has
 * a `slack` section and the bot token is there), and what the worker needs for a sweep's listings
 * (the work queue, the member-role clients, the reporter of failed listings). The Security Hub
 * write-back is the worker's own (`worker.ts`): runbook results answer no finding, so the runbook
 * function does not bundle the Security Hub client.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { STSClient } from '@aws-sdk/client-sts';
import { clientConfig, type EngineConfig } from '@fixbridge/core';
import { approvalGate, type ApprovalNotifier } from '@fixbridge/core/approvals';
import { busPublisher, HistoryStore, HubApprovalStore, listingFailureReporter, memberClientsFor, snsNotifier, type HubDeps, type ListingDeps } from '@fixbridge/core/hub';
import { slackNotifier } from '@fixbridge/core/slack';
import { EngineEnvSchema, ENV, readEnv } from './env';
import { loadConfig } from './runtime';
import { stageSecret } from './secrets';

export interface EngineRuntime {
  config: EngineConfig;
  deps: HubDeps;
  /** A sweep listing's clients (the same member-role access as the engine's), work queue and reporter. */
  listing: ListingDeps;
  approvals: HubApprovalStore;
  /** Posts approvals and updates their messages (set when Slack is configured and the bot token is there). */
  slack?: ApprovalNotifier | undefined;
}

export interface EngineRuntimeOptions {
  /** The STS client that assumes member roles (default: one for the function's region). */
  sts?: STSClient;
}

export async function engineRuntime(env: NodeJS.ProcessEnv = process.env, opts: EngineRuntimeOptions = {}): Promise<EngineRuntime> {
  const e = readEnv(EngineEnvSchema, env);
  const region = env.AWS_REGION;
  const [config, history] = await Promise.all([
    loadConfig(e[ENV.configParameter]),
    HistoryStore.open({ table: e[ENV.historyTable], region, retentionDays: e[ENV.historyRetentionDays], lockSeconds: e[ENV.lockSeconds] }),
  ]);
  const clientsFor = memberClientsFor({ hubAccountId: e[ENV.hubAccountId], roleName: e[ENV.memberRoleName], externalId: e[ENV.externalId], ...(opts.sts ? { sts: opts.sts } : {}) });
  const events = new EventBridgeClient(clientConfig(region));
  const sns = new SNSClient(clientConfig(region));
  const approvals = new HubApprovalStore({ table: e[ENV.historyTable], region, retentionDays: e[ENV.historyRetentionDays] });
  const token = config.slack ? await stageSecret('SLACK_BOT_TOKEN', env) : undefined;
  const slack = config.slack && token ? slackNotifier({ token, channel: config.slack.channel, apiUrl: env.SLACK_API_URL }) : undefined;
  const notPosted = config.slack && !token ? 'the SLACK_BOT_TOKEN stage secret is not set' : undefined;
  return {
    config,
    approvals,
    slack,
    deps: {
      engine: { config, clientsFor, approvals: approvalGate({ store: () => approvals, notifier: slack, notPosted }) },
      history,
      outputs: [busPublisher(events, e[ENV.eventBus]), snsNotifier(sns, e[ENV.topicArn])],
    },
    listing: {
      clientsFor,
      sqs: new SQSClient(clientConfig(region)),
      queueUrl: e[ENV.workQueueUrl],
      report: listingFailureReporter(events, e[ENV.eventBus], sns, e[ENV.topicArn]),
    },
  };
}
