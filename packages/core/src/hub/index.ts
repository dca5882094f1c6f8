/**
 * `@fixbridge/core/hub`: the deployed hub's runtime around the engine — history and delivery
 * claims, work messages, member-account access, the Security Hub write-back, bus events and
 * notifications, rollback and the scheduled sweep. The engine itself is `@fixbridge/core`.
 */
export * from './table';
export * from './history';
export * from './approvals';
export * from './work-message';
export * from './work-queue';
export * from './decisions';
export * from './member';
export * from './outputs';
export * from './security-hub';
export * from './bus';
export * from './notifications';
export * from './deliver';
export * from './rollback';
export * from './sweep';
