import { describeKeyInfo, type KeyInfo } from '../adapters/kms';
import type { MqBrokerState } from '../resources/mq-broker';
import { defineReportOnly, replacementProcedure } from './mq-report-only';

export interface MqEncryptWithCmkInput {
  broker: MqBrokerState;
  /** The broker's KMS key, described (when it names one). */
  key?: KeyInfo;
}

export const mqEncryptWithCmk = defineReportOnly<MqEncryptWithCmkInput>({
  id: 'mq-encrypt-with-cmk',
  title: 'Report Amazon MQ brokers not encrypted with a customer-managed KMS key (replacement needed)',
  controls: { securityHub: [], qualys: [], seeds: ['000 "MQ.4"', 'CCM EKM-01', 'NIST SC-28'] },
  permissions: ['kms:DescribeKey'],

  async read(ctx) {
    const broker = await ctx.resource();
    const keyId = broker.encryption.useAwsOwnedKey ? undefined : broker.encryption.kmsKeyId;
    return keyId ? { broker, key: await describeKeyInfo(ctx.clients, keyId, false) } : { broker };
  },

  evaluate({ broker, key }) {
    const keyId = broker.encryption.kmsKeyId;
    const uses =
      broker.encryption.useAwsOwnedKey || !keyId ? 'an AWS-owned key' : key?.keyManager === 'AWS' ? `the AWS-managed key ${keyId}` : null;
    if (!uses) return { kind: 'compliant', reason: `encrypted with customer-managed KMS key ${keyId}${key?.found === false ? ' (not visible to fixbridge)' : ''}` };
    return {
      kind: 'not-remediable',
      reason: `the broker is encrypted with ${uses}. ${replacementProcedure(broker, 'EncryptionOptions {UseAwsOwnedKey: false, KmsKeyId: <your customer-managed key>}')}`,
    };
  },
});
