/** The history table's shape and defaults, shared by the stack that creates it, the functions' settings and the tests. */
export const HISTORY_TABLE = {
  partitionKey: 'pk',
  resourceIndex: { name: 'byResource', partitionKey: 'resourceArn', sortKey: 'time' },
  ttlAttribute: 'expiresAt',
  /** Approvals (`approval#<id>` items) by creation time; sparse: only approvals carry `approvalList`. */
  approvalIndex: { name: 'approvals', partitionKey: 'approvalList', sortKey: 'createdAt' },
} as const;

export const DEFAULT_HISTORY_RETENTION_DAYS = 400;
/** A delivery claim older than this is taken over (the worker that held it timed out). */
export const DEFAULT_LOCK_SECONDS = 900;
