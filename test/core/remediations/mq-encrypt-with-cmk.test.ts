/** mq-encrypt-with-cmk, report-only: what it reports for each kind of key, and that it never writes. */
import type { KeyInfo } from '@fixbridge/core';
import { mqEncryptWithCmk } from '../../../packages/core/src/remediations/mq-encrypt-with-cmk';
import { reportOnlyTests } from '../../support/report-only';
import { offline } from '../../support/projects';
import { keyInfo } from '../../support/sns-mq';
import { activemq, brokerState as broker, SETTINGS as settings } from '../../support/states';

offline('report-only MQ remediations', () => {
  const cmk = (over: Partial<KeyInfo>) => keyInfo({ requested: 'arn:aws:kms:us-east-1:123456789012:key/k-1', ...over });
  const withKey = broker(activemq, { encryption: { useAwsOwnedKey: false, kmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/k-1' } });

  reportOnlyTests(mqEncryptWithCmk, [
    ['mq-encrypt-with-cmk: AWS-owned key', () => mqEncryptWithCmk.evaluate({ broker: activemq }, {}, settings), 'not-remediable', /AWS-owned key\. .*KmsKeyId: <your customer-managed key>/],
    ['mq-encrypt-with-cmk: AWS-managed key', () => mqEncryptWithCmk.evaluate({ broker: withKey, key: cmk({ keyManager: 'AWS' }) }, {}, settings), 'not-remediable', /AWS-managed key/],
    ['mq-encrypt-with-cmk: customer key', () => mqEncryptWithCmk.evaluate({ broker: withKey, key: cmk({}) }, {}, settings), 'compliant', /customer-managed KMS key arn:aws:kms/],
    ['mq-encrypt-with-cmk: key not visible', () => mqEncryptWithCmk.evaluate({ broker: withKey, key: cmk({ found: false }) }, {}, settings), 'compliant', /not visible to fixbridge/],
  ]);
});
