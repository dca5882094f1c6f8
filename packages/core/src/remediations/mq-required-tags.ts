import { mqBroker } from '../resources/mq-broker';
import { defineRequiredTags } from '../tags';

export const mqRequiredTags = defineRequiredTags({ id: 'mq-required-tags', kind: mqBroker, securityHub: 'MQ.4', permissions: ['mq:CreateTags'] });
