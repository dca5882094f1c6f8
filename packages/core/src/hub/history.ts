/**
 * The history table: one row per notable result (before/after of every change, trigger, time), one
 * row per delivery for idempotency, and one row per resource and remediation holding the fingerprint
 * of its latest result (so a sweep that finds the same again reports nothing). Single-table design:
 * `pk` is `change#<id>`, `delivery#<key>` or `latest#<resource key>#<remediation>`; the `byResource`
 * index (resourceArn, time) lists a resource's changes (only change rows carry those attributes);
 * rows expire through the `expiresAt` TTL attribute.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { clientConfig } from '../aws/clients';
import { InputError } from '../errors';
import { ResultSchema, type Result } from '../results';
import { TriggerSchema, type Trigger } from '../routing';
import { DEFAULT_HISTORY_RETENTION_DAYS, DEFAULT_LOCK_SECONDS, HISTORY_TABLE } from './table';
import { CHANGE_ID_RE } from './work-message';

/** Deliveries are remembered as long as SQS can redeliver a message (14 days) and a day more. */
const DELIVERY_RETENTION_SECONDS = 15 * 86_400;

/** A history row: a result of one resource, with its change id, what triggered it and when. */
export const HistoryEntrySchema = ResultSchema.and(
  z.object({
    changeId: z.string().regex(CHANGE_ID_RE),
    resourceArn: z.string(),
    time: z.string(),
    trigger: TriggerSchema,
    rolledBackBy: z.string().optional(),
  }),
);
export type HistoryEntry = z.infer<typeof HistoryEntrySchema>;

export function historyEntry(result: Result, changeId: string, trigger: Trigger, time: Date): HistoryEntry {
  if (!result.resourceArn) throw new Error('a history entry needs a resource ARN');
  return { ...result, resourceArn: result.resourceArn, changeId, trigger, time: time.toISOString() };
}

/** What an earlier delivery of the same work recorded. */
export interface RecordedDelivery {
  result: Result;
  changeId?: string | undefined;
  /** Its history row, write-back, event and notification were all sent (or, unchanged, none was due). */
  reported: boolean;
  /** A sweep result the same as the resource's latest: nothing was reported, by design. */
  unchanged: boolean;
}

/** A resource's latest result of one remediation, as `recordLatest` keeps it. */
export interface LatestResult {
  /** The resource's key (`resourceKey`: one per resource, whatever ARN form named it). */
  resource: string;
  remediation: string;
  /** Identifies the result: status, mode, reason and changes (`resultFingerprint`). */
  fingerprint: string;
  status: string;
  /** The delivery that produced it (its idempotency key), when it has one. */
  by?: string | undefined;
  time: Date;
}

/** Another delivery of the same work is running right now; retry later. */
export class DeliveryInProgressError extends Error {
  override readonly name = 'DeliveryInProgressError';
}

export interface HistoryStoreOptions {
  table: string;
  region?: string | undefined;
  retentionDays?: number | undefined;
  /** A claim older than this is taken over (the worker that held it timed out). */
  lockSeconds?: number | undefined;
}

function latestKey(resource: string, remediation: string): string {
  return `latest#${resource}#${remediation}`;
}

export class HistoryStore {
  readonly table: string;
  private readonly doc: DynamoDBDocumentClient;

  private constructor(private readonly opts: HistoryStoreOptions) {
    this.table = opts.table;
    this.doc = DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig(opts.region)), { marshallOptions: { removeUndefinedValues: true } });
  }

  static async open(opts: HistoryStoreOptions): Promise<HistoryStore> {
    return new HistoryStore(opts);
  }

  private expiresAt(now: number, seconds: number): number {
    return Math.floor(now / 1000) + seconds;
  }

  async put(entry: HistoryEntry): Promise<void> {
    const ttl = (this.opts.retentionDays ?? DEFAULT_HISTORY_RETENTION_DAYS) * 86_400;
    const Item = { pk: `change#${entry.changeId}`, ...entry, expiresAt: this.expiresAt(Date.parse(entry.time), ttl) };
    await this.doc.send(new PutCommand({ TableName: this.table, Item }));
  }

  /** One change by id. A malformed id is an `InputError`; an unknown one is undefined. */
  async get(changeId: string): Promise<HistoryEntry | undefined> {
    if (!CHANGE_ID_RE.test(changeId)) throw new InputError(`malformed change id "${changeId}": expected "ch-" and 20 hex digits (see "fixbridge history <resource-arn>")`);
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: `change#${changeId}` }, ConsistentRead: true }));
    return out.Item ? this.parse(out.Item) : undefined;
  }

  /** A resource's changes, newest first. */
  async forResource(resourceArn: string, limit = 50): Promise<HistoryEntry[]> {
    const { name, partitionKey } = HISTORY_TABLE.resourceIndex;
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: name,
        KeyConditionExpression: '#r = :r',
        ExpressionAttributeNames: { '#r': partitionKey },
        ExpressionAttributeValues: { ':r': resourceArn },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((i) => this.parse(i));
  }

  async markRolledBack(changeId: string, by: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: `change#${changeId}` },
        UpdateExpression: 'SET rolledBackBy = :by',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':by': by },
      }),
    );
  }

  private parse(item: Record<string, unknown>): HistoryEntry {
    const parsed = HistoryEntrySchema.safeParse(item);
    if (!parsed.success) throw new Error(`history row ${String(item.pk)} in ${this.table} is malformed: ${parsed.error.issues[0]?.message}`, { cause: parsed.error });
    return parsed.data;
  }

  /**
   * Claim a delivery (conditional put). Undefined: it is ours to run. A recorded delivery: an
   * earlier one finished, so do not apply again. Throws `DeliveryInProgressError` while another runs.
   */
  async claim(key: string, now = Date.now()): Promise<RecordedDelivery | undefined> {
    const pk = `delivery#${key}`;
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk, state: 'running', claimedAt: now, expiresAt: this.expiresAt(now, DELIVERY_RETENTION_SECONDS) },
          ConditionExpression: 'attribute_not_exists(pk) OR (#s = :running AND claimedAt < :stale)',
          ExpressionAttributeNames: { '#s': 'state' },
          ExpressionAttributeValues: { ':running': 'running', ':stale': now - (this.opts.lockSeconds ?? DEFAULT_LOCK_SECONDS) * 1000 },
        }),
      );
      return undefined;
    } catch (err) {
      if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
    }
    const item = (await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk }, ConsistentRead: true }))).Item;
    if (!item || item.state === 'running') throw new DeliveryInProgressError(`delivery ${key} is being processed by another worker`);
    return { result: ResultSchema.parse(item.result), changeId: (item.changeId as string | null) ?? undefined, reported: item.state === 'reported', unchanged: item.unchanged === true };
  }

  /**
   * The engine ran: remember its result, so a redelivery reports it instead of applying again. An
   * unchanged result is reported at once (there is nothing to send), and a redelivery sends nothing.
   */
  async complete(key: string, result: Result, changeId: string | undefined, unchanged = false): Promise<void> {
    await this.setDelivery(key, 'SET #s = :s, #r = :r, changeId = :c, unchanged = :u', { ':s': unchanged ? 'reported' : 'done', ':r': result, ':c': changeId ?? null, ':u': unchanged });
  }

  /**
   * Keep a result as the resource's latest of its remediation, unless it is the same as the latest
   * (same fingerprint) recorded by another delivery: one conditional write, no read. True when it
   * was recorded (it is new, or it changed); false when it is the same as before. A retry of the
   * delivery that recorded it (same `by`) gets true again, so a worker that stopped between this
   * write and `complete` loses no report.
   */
  async recordLatest(latest: LatestResult): Promise<boolean> {
    const ttl = (this.opts.retentionDays ?? DEFAULT_HISTORY_RETENTION_DAYS) * 86_400;
    const { resource, remediation, fingerprint, status, by, time } = latest;
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: latestKey(resource, remediation), fingerprint, status, by: by ?? null, at: time.toISOString(), expiresAt: this.expiresAt(time.getTime(), ttl) },
          ConditionExpression: `attribute_not_exists(pk) OR #f <> :f${by ? ' OR #by = :by' : ''}`,
          ExpressionAttributeNames: { '#f': 'fingerprint', ...(by ? { '#by': 'by' } : {}) },
          ExpressionAttributeValues: { ':f': fingerprint, ...(by ? { ':by': by } : {}) },
        }),
      );
      return true;
    } catch (err) {
      if ((err as Error).name === 'ConditionalCheckFailedException') return false;
      throw err;
    }
  }

  async markReported(key: string): Promise<void> {
    await this.setDelivery(key, 'SET #s = :s', { ':s': 'reported' });
  }

  /** Give a claim back (the engine itself threw), so the retry can run at once. */
  async release(key: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.table, Key: { pk: `delivery#${key}` } }));
  }

  private async setDelivery(key: string, update: string, values: Record<string, unknown>): Promise<void> {
    const names: Record<string, string> = { '#s': 'state', ...(update.includes('#r') ? { '#r': 'result' } : {}) };
    await this.doc.send(
      new UpdateCommand({ TableName: this.table, Key: { pk: `delivery#${key}` }, UpdateExpression: update, ExpressionAttributeNames: names, ExpressionAttributeValues: values }),
    );
  }
}
