export * from './history';
export * from './member';
export * from './pipeline';
export * from './report';
export * from './rollback';
export * from './sweep';
export * from './work-message';
export { clientConfig, eventBridgeSdk, securityHubSdk } from './sdk';
