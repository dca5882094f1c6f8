/**
 * Amazon MQ brokers: every MQ call the engine makes goes through here.
 * ARN: arn:aws:mq:<region>:<account>:broker:<broker-name>:<broker-id>, or broker:<broker-id> (the
 * emulator's form, and `mqBrokerArn`'s when an event names only the broker id).
 */
import {
  CreateTagsCommand,
  DeleteTagsCommand,
  DescribeBrokerCommand,
  paginateListBrokers,
  RebootBrokerCommand,
  UpdateBrokerCommand,
  type Logs,
} from '@aws-sdk/client-mq';
import { partitionOf } from '../arn';
import { ResourceNotFoundError } from '../errors';
import { defineKind, str, type Tags } from './kind';

export interface BrokerLogs {
  general: boolean;
  audit: boolean;
  /** Log settings written but not yet in effect: they apply at the next reboot. */
  pending?: { general?: boolean | undefined; audit?: boolean | undefined } | undefined;
}

export interface MqBrokerState {
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
  /** DescribeBroker returns the tags with everything else. */
  tags: Tags;
}

/** The writes MQ remediations plan. UpdateBroker replaces the whole `Logs` object, so `logs` carries every log kind. */
export type MqOp =
  | { kind: 'update'; brokerId: string; logs?: Logs; autoMinorVersionUpgrade?: boolean }
  | { kind: 'reboot'; brokerId: string }
  | { kind: 'tag'; arn: string; tags: Tags }
  | { kind: 'untag'; arn: string; keys: string[] };

/** `b-<uuid>` on AWS; six hex digits on the moto emulator. */
const BROKER_ID_RE = /^b-[0-9a-f-]+$|^[0-9a-f]{6}$/;

/** A broker ARN from its id alone (`broker:<id>`); the reader resolves it, and results show the real ARN. */
export function mqBrokerArn(region: string, accountId: string, brokerId: string): string {
  return `arn:${partitionOf(region)}:mq:${region}:${accountId}:broker:${brokerId}`;
}

export const isActiveMq = (b: MqBrokerState): boolean => b.engineType === 'ACTIVEMQ';

/** Why UpdateBroker cannot run now (Amazon MQ changes only RUNNING brokers), or null. */
export function updateBlockReason(b: MqBrokerState): string | null {
  return b.brokerState === 'RUNNING' ? null : `the broker is ${b.brokerState}; Amazon MQ updates only RUNNING brokers, so run again once it is RUNNING`;
}

export const mqBroker = defineKind<'mq-broker', MqBrokerState, MqOp>({
  type: 'mq-broker',
  label: 'Amazon MQ broker',
  service: 'mq',
  cfnType: 'AWS::AmazonMQ::Broker',
  arnForm: 'arn:aws:mq:<region>:<account>:broker:<name>:<broker-id>',
  nameOf(resource) {
    const parts = resource.split(':');
    const brokerId = parts[parts.length - 1];
    if (parts[0] !== 'broker' || (parts.length !== 2 && parts.length !== 3) || !brokerId || !BROKER_ID_RE.test(brokerId)) {
      return { error: 'expected arn:aws:mq:<region>:<account>:broker:<name>:<broker-id>' };
    }
    return { name: brokerId };
  },
  // A broker is `broker:<name>:<id>` in findings and CreateBroker, `broker:<id>` when an event names only the id.
  key: (ref) => `arn:${ref.partition}:mq:${ref.region}:${ref.accountId}:broker:${ref.name}`,

  cloudTrail: {
    eventBridgeSource: 'aws.amazonmq',
    eventSource: 'amazonmq.amazonaws.com',
    triggerEvents: ['CreateBroker', 'UpdateBroker', 'CreateTags', 'DeleteTags'],
    // CreateBroker answers with brokerArn; tagging calls name resourceArn (a broker's or a
    // configuration's); UpdateBroker names only the brokerId. A bare id is placed in the account the
    // event is about: CloudTrail's recipientAccountId, else the EventBridge envelope's account (older
    // records and calls by AWS services carry no recipientAccountId). Not userIdentity.accountId: that
    // is the caller's account, another one for a cross-account call.
    resourceOf(d, envelopeAccount) {
      const arn = str(d.responseElements?.brokerArn) ?? str(d.requestParameters?.resourceArn);
      if (arn) return /:broker:/.test(arn) ? { arn } : undefined;
      const id = str(d.requestParameters?.brokerId) ?? str(d.responseElements?.brokerId);
      const account = [str(d.recipientAccountId), str(envelopeAccount)].find((a) => a !== undefined && /^\d{12}$/.test(a));
      return id && account ? { arn: mqBrokerArn(d.awsRegion, account, id) } : undefined;
    },
  },
  // ASFF spells it AwsAmazonMQBroker; the Security Hub API's details key is AwsAmazonMqBroker.
  findingResourceTypes: ['AwsAmazonMQBroker', 'AwsAmazonMqBroker'],

  reads: ['mq:DescribeBroker'],
  /** DescribeBroker: the whole state, tags included, in one call. `ref.name` is the broker id. */
  async read(clients, ref) {
    let b;
    try {
      b = await clients.mq.send(new DescribeBrokerCommand({ BrokerId: ref.name }));
    } catch (err) {
      if ((err as Error).name === 'NotFoundException') throw new ResourceNotFoundError(`broker ${ref.arn} does not exist`, { cause: err });
      throw err;
    }
    return {
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
  },
  readTags: async (_clients, broker) => broker.tags,

  async applyOps(clients, ops) {
    for (const op of ops) {
      switch (op.kind) {
        case 'update':
          await clients.mq.send(new UpdateBrokerCommand({ BrokerId: op.brokerId, Logs: op.logs, AutoMinorVersionUpgrade: op.autoMinorVersionUpgrade }));
          break;
        case 'reboot':
          await clients.mq.send(new RebootBrokerCommand({ BrokerId: op.brokerId }));
          break;
        case 'tag':
          await clients.mq.send(new CreateTagsCommand({ ResourceArn: op.arn, Tags: op.tags }));
          break;
        case 'untag':
          await clients.mq.send(new DeleteTagsCommand({ ResourceArn: op.arn, TagKeys: op.keys }));
          break;
      }
    }
  },

  list: {
    permission: 'mq:ListBrokers',
    async *all(clients) {
      for await (const page of paginateListBrokers({ client: clients.mq, pageSize: 100 }, {})) {
        for (const b of page.BrokerSummaries ?? []) if (b.BrokerArn) yield { arn: b.BrokerArn };
      }
    },
  },

  restorer: {
    writable: new Set(['AutoMinorVersionUpgrade', 'Logs']),
    // Log settings apply at the next reboot: what was last written is what counts here.
    current: (b) => ({
      AutoMinorVersionUpgrade: b.autoMinorVersionUpgrade,
      Logs: { General: b.logs.pending?.general ?? b.logs.general, Audit: b.logs.pending?.audit ?? b.logs.audit },
    }),
    write: (b, v) => [
      {
        kind: 'update',
        brokerId: b.id,
        ...('Logs' in v ? { logs: v.Logs as Logs } : {}),
        ...('AutoMinorVersionUpgrade' in v ? { autoMinorVersionUpgrade: v.AutoMinorVersionUpgrade as boolean } : {}),
      },
    ],
    tag: (b, set, remove) => [
      ...(remove.length ? [{ kind: 'untag' as const, arn: b.arn, keys: remove }] : []),
      ...(Object.keys(set).length ? [{ kind: 'tag' as const, arn: b.arn, tags: set }] : []),
    ],
  },
});
