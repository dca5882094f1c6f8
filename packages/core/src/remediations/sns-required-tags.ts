import { snsTopic } from '../resources/sns-topic';
import { defineRequiredTags } from '../tags';

export const snsRequiredTags = defineRequiredTags({ id: 'sns-required-tags', kind: snsTopic, securityHub: 'SNS.3', permissions: ['sns:TagResource'] });
