/**
 * `@fixbridge/core/approvals`: approval mode end to end — the approval record, the store interface
 * and the CLI's directory store, the engine's gate that files plans, and deciding. The hub's
 * DynamoDB store is `@fixbridge/core/hub` (`hub/approvals.ts`), Slack is `@fixbridge/core/slack`.
 */
export * from './record';
export * from './store';
export * from './local-store';
export * from './gate';
export * from './decide';
