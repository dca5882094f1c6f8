/**
 * The worker's and the runbook function's cold start: the engine with history, idempotency, the bus
 * and the notification topic. The Security Hub write-back is the worker's own (`worker.ts`): runbook
 * results answer no finding, so the runbook function does not bundle the Security Hub client.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SNSClient } from '@aws-sdk/client-sns';
import { clientConfig, type EngineConfig } from '@fixbridge/core';
import { busPublisher, HistoryStore, memberClientsFor, snsNotifier, type HubDeps } from '@fixbridge/core/hub';
import { EngineEnvSchema, ENV, readEnv } from './env';
import { loadConfig } from './runtime';

export interface EngineRuntime {
  config: EngineConfig;
  deps: HubDeps;
}

export async function engineRuntime(env: NodeJS.ProcessEnv = process.env): Promise<EngineRuntime> {
  const e = readEnv(EngineEnvSchema, env);
  const region = env.AWS_REGION;
  const [config, history] = await Promise.all([
    loadConfig(e[ENV.configParameter]),
    HistoryStore.open({ table: e[ENV.historyTable], region, retentionDays: e[ENV.historyRetentionDays], lockSeconds: e[ENV.lockSeconds] }),
  ]);
  const clientsFor = memberClientsFor({ hubAccountId: e[ENV.hubAccountId], roleName: e[ENV.memberRoleName], externalId: e[ENV.externalId] });
  return {
    config,
    deps: {
      engine: { config, clientsFor },
      history,
      outputs: [
        busPublisher(new EventBridgeClient(clientConfig(region)), e[ENV.eventBus]),
        snsNotifier(new SNSClient(clientConfig(region)), e[ENV.topicArn]),
      ],
    },
  };
}
