import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { KMSClient } from '@aws-sdk/client-kms';
import { MqClient } from '@aws-sdk/client-mq';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';
import { STSClient } from '@aws-sdk/client-sts';
import pkg from '../../package.json';

/**
 * The marker every SDK client the engine creates adds to its user agent. CloudTrail records it in
 * `userAgent`, and the router skips events carrying it, so the engine never reacts to its own writes.
 */
export const USER_AGENT_MARKER = 'fixbridge';
/** The engine's version (its package's), in the user agent of every call it makes. */
export const VERSION: string = pkg.version;

export interface Clients {
  region: string;
  sqs: SQSClient;
  sns: SNSClient;
  kms: KMSClient;
  mq: MqClient;
  sts: STSClient;
  cloudwatch: CloudWatchClient;
  logs: CloudWatchLogsClient;
}

export interface ClientOptions {
  region: string;
  /** Credentials for another account (the worker's assumed member role); default: the SDK chain. */
  credentials?: SQSClientConfig['credentials'];
  /** An endpoint for every client, instead of the standard settings' (a test's fault-injecting proxy). */
  endpoint?: string;
  /** Attempts per call, instead of `AWS_MAX_ATTEMPTS` (else the SDK's default). */
  maxAttempts?: number;
}

/**
 * The settings every SDK client fixbridge creates shares: the user agent that marks the engine's
 * own calls, and retries from the standard settings — `AWS_MAX_ATTEMPTS` (else the SDK's default)
 * and `AWS_RETRY_MODE`, `adaptive` unless set, so bursts of throttling slow the engine down
 * instead of failing it. Endpoint and credentials come from the standard SDK settings too.
 */
export function clientConfig(region?: string, env: NodeJS.ProcessEnv = process.env) {
  const attempts = Number(env.AWS_MAX_ATTEMPTS);
  return {
    ...(region ? { region } : {}),
    customUserAgent: [[USER_AGENT_MARKER, VERSION]] as [string, string][],
    retryMode: env.AWS_RETRY_MODE || 'adaptive',
    ...(Number.isInteger(attempts) && attempts > 0 ? { maxAttempts: attempts } : {}),
  };
}

/**
 * SDK clients for one region. Endpoint and credentials come from the standard SDK settings
 * (`AWS_ENDPOINT_URL`, `AWS_REGION`, the credentials chain), so the same code runs against an
 * account or the local emulator.
 */
export function createClients(opts: ClientOptions): Clients {
  const common = {
    ...clientConfig(opts.region),
    region: opts.region,
    ...(opts.credentials ? { credentials: opts.credentials } : {}),
    ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
    ...(opts.maxAttempts ? { maxAttempts: opts.maxAttempts } : {}),
  };
  return {
    region: opts.region,
    // Always the resolved endpoint (regional, AWS_ENDPOINT_URL or a VPC endpoint), never the host of
    // a queue URL an event or a listing carried.
    sqs: new SQSClient({ ...common, useQueueUrlAsEndpoint: false }),
    sns: new SNSClient(common),
    kms: new KMSClient(common),
    mq: new MqClient(common),
    sts: new STSClient(common),
    cloudwatch: new CloudWatchClient(common),
    logs: new CloudWatchLogsClient(common),
  };
}

/** A cache of clients per region, so a run touching several regions builds each set once. */
export class ClientPool {
  private readonly byRegion = new Map<string, Clients>();
  constructor(private readonly factory: (region: string) => Clients = (region) => createClients({ region })) {}
  get(region: string): Clients {
    let c = this.byRegion.get(region);
    if (!c) {
      c = this.factory(region);
      this.byRegion.set(region, c);
    }
    return c;
  }
}
