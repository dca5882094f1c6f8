/**
 * The Amazon MQ adapter: every MQ call the engine makes goes through here.
 */
import { CreateTagsCommand, DescribeBrokerCommand, RebootBrokerCommand, UpdateBrokerCommand, type Logs } from '@aws-sdk/client-mq';
import type { ResourceRef } from '../arn';
import type { Clients } from '../aws/clients';
import { ResourceNotFoundError } from '../errors';

export interface BrokerLogs {
  general: boolean;
  audit: boolean;
  /** Log settings written but not yet in effect: they apply at the next reboot. */
  pending?: { general?: boolean | undefined; audit?: boolean | undefined } | undefined;
}

export interface MqBrokerState {
  kind: 'mq-broker';
  arn: string;
  id: string;
  name: string;
  accountId: string;
  region: string;
  /** `ACTIVEMQ` or `RABBITMQ`, upper-cased (CloudTrail and ASFF spell it `ActiveMQ`). */
  engineType: string;
  deploymentMode: string;
  publiclyAccessible: boolean;
  encryption: { useAwsOwnedKey: boolean; kmsKeyId?: string | undefined };
  logs: BrokerLogs;
  autoMinorVersionUpgrade: boolean;
  brokerState: string;
  tags: Record<string, string>;
}

/** DescribeBroker: the whole base state (tags included) in one call. `ref.name` is the broker id. */
export async function readBroker(clients: Clients, ref: ResourceRef): Promise<MqBrokerState> {
  let b;
  try {
    b = await clients.mq.send(new DescribeBrokerCommand({ BrokerId: ref.name }));
  } catch (err) {
    if ((err as Error).name === 'NotFoundException') throw new ResourceNotFoundError(`broker ${ref.arn} does not exist`);
    throw err;
  }
  return {
    kind: 'mq-broker',
    arn: b.BrokerArn ?? ref.arn,
    id: b.BrokerId ?? ref.name,
    name: b.BrokerName ?? ref.name,
    accountId: ref.accountId,
    region: ref.region,
    engineType: (b.EngineType ?? '').toUpperCase(),
    deploymentMode: b.DeploymentMode ?? '',
    publiclyAccessible: b.PubliclyAccessible === true,
    encryption: { useAwsOwnedKey: b.EncryptionOptions?.UseAwsOwnedKey !== false, kmsKeyId: b.EncryptionOptions?.KmsKeyId },
    logs: {
      general: b.Logs?.General === true,
      audit: b.Logs?.Audit === true,
      pending: b.Logs?.Pending && { general: b.Logs.Pending.General, audit: b.Logs.Pending.Audit },
    },
    autoMinorVersionUpgrade: b.AutoMinorVersionUpgrade === true,
    brokerState: b.BrokerState ?? 'UNKNOWN',
    tags: b.Tags ?? {},
  };
}

export const isActiveMq = (b: MqBrokerState): boolean => b.engineType === 'ACTIVEMQ';

/** Why UpdateBroker cannot run now (Amazon MQ changes only RUNNING brokers), or null. */
export function updateBlockReason(b: MqBrokerState): string | null {
  return b.brokerState === 'RUNNING' ? null : `the broker is ${b.brokerState}; Amazon MQ updates only RUNNING brokers, so run again once it is RUNNING`;
}

/** The writes MQ remediations plan. UpdateBroker replaces the whole `Logs` object, so `logs` carries every log kind. */
export type MqOp =
  | { kind: 'update'; brokerId: string; logs?: Logs; autoMinorVersionUpgrade?: boolean }
  | { kind: 'reboot'; brokerId: string }
  | { kind: 'tag'; arn: string; tags: Record<string, string> };

export async function applyMqOps(clients: Clients, ops: MqOp[]): Promise<void> {
  for (const op of ops) {
    if (op.kind === 'update') {
      await clients.mq.send(new UpdateBrokerCommand({ BrokerId: op.brokerId, Logs: op.logs, AutoMinorVersionUpgrade: op.autoMinorVersionUpgrade }));
    } else if (op.kind === 'reboot') {
      await clients.mq.send(new RebootBrokerCommand({ BrokerId: op.brokerId }));
    } else {
      await clients.mq.send(new CreateTagsCommand({ ResourceArn: op.arn, Tags: op.tags }));
    }
  }
}
