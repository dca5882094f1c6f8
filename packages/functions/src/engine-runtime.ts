/**
 * The worker's and the runbook function's cold start: the engine with history, idempotency, the bus
 * and the notification topic, and approvals (in the history table; posted to Slack when the config
 * has a `slack` section and the bot token is there). The Security Hub write-back is the worker's own
 * (`worker.ts`): runbook results answer no finding, so the runbook function does not bundle the
 * Security Hub client.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SNSClient } from '@aws-sdk/client-sns';
import { clientConfig, type EngineConfig } from '@fixbridge/core';
import { approvalGate, type ApprovalNotifier } from '@fixbridge/core/approvals';
import { busPublisher, HistoryStore, HubApprovalStore, memberClientsFor, snsNotifier, type HubDeps } from '@fixbridge/core/hub';
import { slackNotifier } from '@fixbridge/core/slack';
import { EngineEnvSchema, ENV, readEnv } from './env';
import { loadConfig } from './runtime';
import { stageSecret } from './secrets';

export interface EngineRuntime {
  config: EngineConfig;
  deps: HubDeps;
  approvals: HubApprovalStore;
  /** Posts approvals and updates their messages (set when Slack is configured and the bot token is there). */
  slack?: ApprovalNotifier | undefined;
}

export async function engineRuntime(env: NodeJS.ProcessEnv = process.env): Promise<EngineRuntime> {
  const e = readEnv(EngineEnvSchema, env);
  const region = env.AWS_REGION;
  const [config, history] = await Promise.all([
    loadConfig(e[ENV.configParameter]),
    HistoryStore.open({ table: e[ENV.historyTable], region, retentionDays: e[ENV.historyRetentionDays], lockSeconds: e[ENV.lockSeconds] }),
  ]);
  const clientsFor = memberClientsFor({ hubAccountId: e[ENV.hubAccountId], roleName: e[ENV.memberRoleName], externalId: e[ENV.externalId] });
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
      outputs: [
        busPublisher(new EventBridgeClient(clientConfig(region)), e[ENV.eventBus]),
        snsNotifier(new SNSClient(clientConfig(region)), e[ENV.topicArn]),
      ],
    },
  };
}
