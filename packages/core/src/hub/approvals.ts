/**
 * The hub's approval store, in the history table (single-table, like history rows and delivery
 * claims): an approval is the item `approval#<id>` holding the record (`record`) and, for the
 * sparse `approvals` index, `approvalList` and `createdAt`; the slot of a (resource, remediation)
 * is the item `pending#<key>` naming the pending approval. Filing writes both in one transaction,
 * each only if absent; leaving `pending` is a conditional update on the record's status, so exactly
 * one decision wins. Items expire (TTL) the history retention after the approval's expiry.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, paginateQuery, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { APPROVAL_ID_RE, parseApproval, type Approval, type Outcome } from '../approvals/record';
import { slotOf, slotVerdict, supersededBy, type ApprovalStore, type Departure, type Filed } from '../approvals/store';
import { clientConfig } from '../aws/clients';
import { DEFAULT_HISTORY_RETENTION_DAYS, HISTORY_TABLE } from './table';

const LIST = 'approval';
const failedCondition = (err: unknown) => ['ConditionalCheckFailedException', 'TransactionCanceledException'].includes((err as Error).name);

export interface HubApprovalStoreOptions {
  table: string;
  region?: string | undefined;
  retentionDays?: number | undefined;
}

export class HubApprovalStore implements ApprovalStore {
  readonly where: string;
  private readonly doc: DynamoDBDocumentClient;

  constructor(private readonly opts: HubApprovalStoreOptions) {
    this.where = `table ${opts.table}`;
    this.doc = DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig(opts.region)), { marshallOptions: { removeUndefinedValues: true } });
  }

  private ttl(a: Approval): number {
    return Math.floor(Date.parse(a.expiresAt) / 1000) + (this.opts.retentionDays ?? DEFAULT_HISTORY_RETENTION_DAYS) * 86_400;
  }

  async file(candidate: Approval, now: Date): Promise<Filed> {
    const slot = `pending#${slotOf(candidate)}`;
    const { partitionKey, sortKey } = HISTORY_TABLE.approvalIndex;
    let replaced: Approval | undefined;
    for (let attempt = 0; attempt < 10; attempt++) {
      const absent = 'attribute_not_exists(pk)';
      try {
        await this.doc.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: this.opts.table, Item: { pk: `approval#${candidate.id}`, [partitionKey]: LIST, [sortKey]: candidate.createdAt, record: candidate, expiresAt: this.ttl(candidate) }, ConditionExpression: absent } },
              { Put: { TableName: this.opts.table, Item: { pk: slot, approvalId: candidate.id, expiresAt: this.ttl(candidate) }, ConditionExpression: absent } },
            ],
          }),
        );
        return { approval: candidate, created: true, replaced };
      } catch (err) {
        if (!failedCondition(err)) throw err;
      }
      const holder = (await this.doc.send(new GetCommand({ TableName: this.opts.table, Key: { pk: slot }, ConsistentRead: true }))).Item?.approvalId as string | undefined;
      if (!holder) continue;
      const existing = await this.get(holder);
      const verdict = slotVerdict(existing, candidate, now);
      if (verdict === 'reuse') return { approval: existing!, created: false, replaced };
      if (verdict === 'supersede' && (await this.leavePending(existing!.id, supersededBy(candidate, now)))) replaced = await this.get(existing!.id);
      await this.release(slot, holder);
    }
    throw new Error(`could not file approval ${candidate.id} in ${this.where}: its slot kept changing`);
  }

  /** Free a slot, only while it still names `id`. */
  private async release(slot: string, id: string): Promise<void> {
    try {
      await this.doc.send(new DeleteCommand({ TableName: this.opts.table, Key: { pk: slot }, ConditionExpression: 'approvalId = :id', ExpressionAttributeValues: { ':id': id } }));
    } catch (err) {
      if (!failedCondition(err)) throw err;
    }
  }

  async get(id: string): Promise<Approval | undefined> {
    if (!APPROVAL_ID_RE.test(id)) return undefined;
    const item = (await this.doc.send(new GetCommand({ TableName: this.opts.table, Key: { pk: `approval#${id}` }, ConsistentRead: true }))).Item;
    return item ? parseApproval(item.record, `${this.where} (approval#${id})`) : undefined;
  }

  async list(): Promise<Approval[]> {
    const { name, partitionKey } = HISTORY_TABLE.approvalIndex;
    const out: Approval[] = [];
    const pages = paginateQuery(
      { client: this.doc },
      { TableName: this.opts.table, IndexName: name, KeyConditionExpression: '#l = :l', ExpressionAttributeNames: { '#l': partitionKey }, ExpressionAttributeValues: { ':l': LIST }, ScanIndexForward: false },
    );
    for await (const page of pages) for (const item of page.Items ?? []) out.push(parseApproval(item.record, `${this.where} (${String(item.pk)})`));
    return out;
  }

  async leavePending(id: string, departure: Departure): Promise<boolean> {
    const a = await this.get(id);
    if (!a || a.status !== 'pending') return false;
    // Only the fields the departure sets: the Slack message may be recorded meanwhile.
    const set: Record<string, unknown> = { ':s': departure.status };
    if ('decision' in departure) set[':d'] = departure.decision;
    if (departure.outcome) set[':o'] = departure.outcome;
    const update = ['#r.#s = :s', ...(':d' in set ? ['#r.decision = :d'] : []), ...(':o' in set ? ['#r.outcome = :o'] : [])];
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.opts.table,
          Key: { pk: `approval#${id}` },
          UpdateExpression: `SET ${update.join(', ')}`,
          ConditionExpression: '#r.#s = :pending',
          ExpressionAttributeNames: { '#r': 'record', '#s': 'status' },
          ExpressionAttributeValues: { ...set, ':pending': 'pending' },
        }),
      );
    } catch (err) {
      if (failedCondition(err)) return false;
      throw err;
    }
    await this.release(`pending#${slotOf(a)}`, id);
    return true;
  }

  async finish(id: string, status: 'applied' | 'failed' | 'superseded', outcome: Outcome): Promise<Approval> {
    const out = await this.doc.send(
      new UpdateCommand({
        TableName: this.opts.table,
        Key: { pk: `approval#${id}` },
        UpdateExpression: 'SET #r.#s = :s, #r.outcome = :o',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#r': 'record', '#s': 'status' },
        ExpressionAttributeValues: { ':s': status, ':o': outcome },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return parseApproval(out.Attributes?.record, `${this.where} (approval#${id})`);
  }

  async setMessage(id: string, slack: { channel: string; ts: string }): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.opts.table,
          Key: { pk: `approval#${id}` },
          UpdateExpression: 'SET #r.slack = :m',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#r.slack)',
          ExpressionAttributeNames: { '#r': 'record' },
          ExpressionAttributeValues: { ':m': slack },
        }),
      );
    } catch (err) {
      if (!failedCondition(err)) throw err;
    }
  }
}
