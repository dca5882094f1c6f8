import { sqsQueue } from '../resources/sqs-queue';
import { defineRequiredTags } from '../tags';

export const sqsRequiredTags = defineRequiredTags({ id: 'sqs-required-tags', kind: sqsQueue, securityHub: 'SQS.2', permissions: ['sqs:TagQueue'] });
