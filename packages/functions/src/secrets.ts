/**
 * The stage secrets of Slack approvals. In the deployed hub they are SST stage secrets
 * (`npx sst secrets set SLACK_BOT_TOKEN …`), bound to the functions that use them: SST stores each
 * in SSM Parameter Store (SecureString), grants the function `ssm:GetParameters` on it and sets
 * `SST_Secret_value_<NAME>=__FETCH_FROM_SSM__` and `SST_SSM_PREFIX`; the value is read here at cold
 * start, never put in the template, the code or a log. This is the lookup `sst/node/config` does,
 * with the functions' own SSM client: SST's runtime resolves an older @aws-sdk/client-ssm and would
 * bundle a second copy of the AWS SDK core into every function that reads a secret.
 *
 * A value in the environment itself wins (tests, a deployment without SST); a secret neither
 * bound nor set is undefined.
 */
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { clientConfig } from '@fixbridge/core';

export type StageSecret = 'SLACK_BOT_TOKEN' | 'SLACK_SIGNING_SECRET';

export async function stageSecret(name: StageSecret, env: NodeJS.ProcessEnv = process.env, ssm = new SSMClient(clientConfig(env.AWS_REGION))): Promise<string | undefined> {
  if (env[name]) return env[name];
  if (env[`SST_Secret_value_${name}`] !== '__FETCH_FROM_SSM__') return undefined;
  // The stage's value, else the app-wide fallback (`sst secrets set --fallback`).
  const paths = [`${env.SST_SSM_PREFIX ?? ''}Secret/${name}/value`, `/sst/${env.SST_APP ?? ''}/.fallback/Secret/${name}/value`];
  const out = await ssm.send(new GetParametersCommand({ Names: paths, WithDecryption: true }));
  for (const path of paths) {
    const value = out.Parameters?.find((p) => p.Name === path)?.Value;
    if (value) return value;
  }
  return undefined;
}
