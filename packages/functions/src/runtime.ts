/**
 * What a function builds once per cold start: its environment, the engine configuration from SSM
 * Parameter Store (the same JSON as the CLI's --config, validated the same way), and its clients.
 * The router's (here) and the engine's (`engine-runtime.ts`) are apart, so the router bundles none
 * of the clients only the engine uses.
 */
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { SQSClient } from '@aws-sdk/client-sqs';
import { clientConfig, describeError, InputError, parseConfig, type EngineConfig } from '@fixbridge/core';
import type { SweepTargets } from '@fixbridge/core/hub';
import { ENV, readEnv, RouterEnvSchema } from './env';

export async function loadConfig(parameter: string, ssm = new SSMClient(clientConfig(process.env.AWS_REGION))): Promise<EngineConfig> {
  let value: string | undefined;
  try {
    value = (await ssm.send(new GetParameterCommand({ Name: parameter }))).Parameter?.Value;
  } catch (err) {
    throw new InputError(`engine configuration: cannot read SSM parameter ${parameter}: ${describeError(err)}`, { cause: err });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(value ?? '');
  } catch (err) {
    throw new InputError(`engine configuration: SSM parameter ${parameter} is not valid JSON (${(err as Error).message})`, { cause: err });
  }
  return parseConfig(raw, `engine configuration (SSM parameter ${parameter})`);
}

export interface RouterRuntime {
  config: EngineConfig;
  queueUrl: string;
  sqs: SQSClient;
  /** What the daily sweep lists (the workers list it; the router only queues the listings). */
  sweep: SweepTargets;
}

export async function routerRuntime(env: NodeJS.ProcessEnv = process.env): Promise<RouterRuntime> {
  const e = readEnv(RouterEnvSchema, env);
  return {
    config: await loadConfig(e[ENV.configParameter]),
    queueUrl: e[ENV.workQueueUrl],
    sqs: new SQSClient(clientConfig(env.AWS_REGION)),
    sweep: { accountIds: e[ENV.sweepAccounts], regions: e[ENV.sweepRegions] },
  };
}

