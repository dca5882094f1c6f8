/**
 * `@fixbridge/core`: the engine — events (zod schemas), routing, resource kinds, remediations and
 * their catalog, configuration, results. The deployed hub's runtime is `@fixbridge/core/hub`.
 */
export * from './arn';
export * from './catalog';
export * from './config';
export * from './engine';
export * from './errors';
export * from './policy';
export * from './cidr';
export * from './results';
export * from './routing';
export * from './resources';
export * from './kms-safety';
export * from './public-access';
export * from './tags';
export * from './events/parse';
export * from './events/envelope';
export * from './events/cloudtrail';
export * from './events/securityhub';
export * from './events/runbook';
export * from './aws/clients';
export * from './aws/pages';
export * from './remediations/types';
export * from './adapters/kms';
export * from './adapters/cloudwatch';
export * from './adapters/logs';
