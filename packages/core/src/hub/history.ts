/**
 * The history table: one row per notable result (before/after of every change, trigger, time), and
 * one row per delivery for idempotency. Single-table design: `pk` is `change#<id>` or
 * `delivery#<key>`; the `byResource` index (resourceArn, time) lists a resource's changes; rows
 * expire through the `expiresAt` TTL attribute.
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
  /** Its history row, write-back, event and notification were all sent. */
  reported: boolean;
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
    return { result: ResultSchema.parse(item.result), changeId: (item.changeId as string | null) ?? undefined, reported: item.state === 'reported' };
  }

  /** The engine ran: remember its result, so a redelivery reports it instead of applying again. */
  async complete(key: string, result: Result, changeId: string | undefined): Promise<void> {
    await this.setDelivery(key, 'SET #s = :s, #r = :r, changeId = :c', { ':s': 'done', ':r': result, ':c': changeId ?? null });
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
