/**
 * What a function builds once per cold start: its environment, the engine configuration from SSM
 * Parameter Store (the same JSON as the CLI's --config, validated the same way), and its clients.
 */
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import {
  busPublisher,
  clientConfig,
  createClients,
  describeError,
  eventBridgeSdk,
  HistoryStore,
  InputError,
  memberClientsFor,
  parseConfig,
  securityHubSdk,
  securityHubWriteBack,
  snsNotifier,
  type Clients,
  type DeployDeps,
  type EngineConfig,
} from '@fixbridge/core';
import type { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { EngineEnvSchema, ENV, readEnv, RouterEnvSchema } from './env';

export async function loadConfig(parameter: string, ssm = new SSMClient(clientConfig(process.env.AWS_REGION))): Promise<EngineConfig> {
  let value: string | undefined;
  try {
    value = (await ssm.send(new GetParameterCommand({ Name: parameter }))).Parameter?.Value;
  } catch (err) {
    throw new InputError(`engine configuration: cannot read SSM parameter ${parameter}: ${describeError(err)}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(value ?? '');
  } catch (err) {
    throw new InputError(`engine configuration: SSM parameter ${parameter} is not valid JSON (${(err as Error).message})`);
  }
  return parseConfig(raw, `engine configuration (SSM parameter ${parameter})`);
}

export interface RouterRuntime {
  config: EngineConfig;
  queueUrl: string;
  sqs: SQSClient;
  /** Clients of the function's own account and region (for the sweep). */
  clients: Clients;
}

export async function routerRuntime(env: NodeJS.ProcessEnv = process.env): Promise<RouterRuntime> {
  const e = readEnv(RouterEnvSchema, env);
  return {
    config: await loadConfig(e[ENV.configParameter]),
    queueUrl: e[ENV.workQueueUrl],
    sqs: new SQSClient(clientConfig(env.AWS_REGION)),
    clients: createClients({ region: env.AWS_REGION ?? 'us-east-1' }),
  };
}

export interface EngineRuntime {
  config: EngineConfig;
  deps: DeployDeps;
}

/** The worker's and the runbook function's engine, with history, idempotency and every output. */
export async function engineRuntime(env: NodeJS.ProcessEnv = process.env): Promise<EngineRuntime> {
  const e = readEnv(EngineEnvSchema, env);
  const region = env.AWS_REGION;
  const [config, history, { SecurityHubClient }, { EventBridgeClient }] = await Promise.all([
    loadConfig(e[ENV.configParameter]),
    HistoryStore.open({ table: e[ENV.historyTable], region, retentionDays: e[ENV.historyRetentionDays], lockSeconds: e[ENV.lockSeconds] }),
    securityHubSdk(),
    eventBridgeSdk(),
  ]);
  const hubs = new Map<string, SecurityHubClient>();
  const hubIn = (r: string) => hubs.get(r) ?? hubs.set(r, new SecurityHubClient(clientConfig(r))).get(r)!;
  const clientsFor = memberClientsFor({ hubAccountId: e[ENV.hubAccountId], roleName: e[ENV.memberRoleName], externalId: e[ENV.externalId] });
  return {
    config,
    deps: {
      engine: { config, clientsFor },
      history,
      outputs: [
        securityHubWriteBack(hubIn),
        busPublisher(new EventBridgeClient(clientConfig(region)), e[ENV.eventBus]),
        snsNotifier(new SNSClient(clientConfig(region)), e[ENV.topicArn]),
      ],
    },
  };
}
