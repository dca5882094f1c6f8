/**
 * What fixbridge knows about one kind of resource, in one place: how its ARNs look, which events
 * name it, how to read it (and with which IAM actions), how to write it, how to list it, how to
 * put a recorded change back, and its CloudFormation type. One module per kind
 * (`sqs-queue.ts`, `sns-topic.ts`, `mq-broker.ts`); `index.ts` lists them.
 */
import type { ResourceRef } from '../arn';
import type { Clients } from '../aws/clients';
import type { CloudTrailDetail } from '../events/cloudtrail';

export type Tags = Record<string, string>;

/** Every kind's state names the resource's ARN as the service reports it. */
export interface BaseState {
  arn: string;
}

/** A resource as an event or a listing names it: its ARN, and the kind's locator when given (`ResourceRef.hint`). */
export interface Named {
  arn: string;
  hint?: string | undefined;
}

/** A recorded setting's value, as a change's `before`/`after` holds it. */
export type Values = Record<string, unknown>;

/** How to put recorded changes back: the settings it can write, as the kind's own ops. */
export interface Restorer<State, Op> {
  /** Settings that can be written back (anything else is refused). */
  writable: ReadonlySet<string>;
  /** The current value of every setting a change may name, read off the state. */
  current(state: State): Values;
  /** The ops that write `values` (keys from `writable`, or `Policy`) back; `read` is `current(state)` at plan time. */
  write(state: State, values: Values, read: Values): Op[];
  /** The ops that set and remove tags. */
  tag(state: State, set: Tags, remove: string[]): Op[];
}

export interface ResourceKind<Type extends string = string, State extends BaseState = BaseState, Op = unknown> {
  type: Type;
  /** `SQS queue`, for sentences. */
  label: string;
  /** The ARN's service part: `sqs`, `sns`, `mq`. */
  service: string;
  /** The CloudFormation type of its resources (the hub stack exempts its own). */
  cfnType: string;
  /** What its ARN looks like, for error messages. */
  arnForm: string;
  /**
   * The name (queue, topic) or id (broker) in the resource part of an ARN, or an error message
   * saying why the resource part names no such resource.
   */
  nameOf(resource: string): { name: string } | { error: string };
  /** One key per resource, whatever ARN form named it (serializes and deduplicates work). */
  key(ref: ResourceRef): string;

  cloudTrail: {
    /** EventBridge `source` of its CloudTrail events. */
    eventBridgeSource: string;
    /** CloudTrail `eventSource`. */
    eventSource: string;
    /** Event names that create the resource or can change its compliance. */
    triggerEvents: readonly string[];
    /**
     * The resource an event acted on (its ARN, and the kind's locator when the event carries it), or
     * undefined when it names none. Throws `InputError` when the identifier it carries is malformed.
     */
    resourceOf(detail: CloudTrailDetail, account: string): Named | undefined;
  };
  /** ASFF `Resources[].Type` values. */
  findingResourceTypes: readonly string[];

  /** The IAM actions `read` and `readTags` call. */
  reads: readonly string[];
  /** The state every remediation of the kind evaluates, in as few calls as the service allows. */
  read(clients: Clients, ref: ResourceRef): Promise<State>;
  readTags(clients: Clients, state: State): Promise<Tags>;
  /** Perform a plan's writes, in order. A policy that changed since it was read is not overwritten. */
  applyOps(clients: Clients, ops: Op[]): Promise<void>;

  /** Every resource of the kind in the clients' account and region (the sweep). */
  list: {
    /** The one IAM action listing takes. */
    permission: string;
    /** Listed resources (their ARN and locator), or the listed identifier fixbridge cannot turn into one. */
    all(clients: Clients): AsyncIterable<Named | { listed: string; error: string }>;
  };
  restorer: Restorer<State, Op>;
}

// The catalog of kinds stores them with their type parameters erased.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyKind = ResourceKind<string, any, any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type StateOf<K> = K extends ResourceKind<string, infer S, any> ? S : never;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type OpOf<K> = K extends ResourceKind<string, any, infer O> ? O : never;

/** Identity helper that keeps a kind's type parameters inferred and checked. */
export function defineKind<Type extends string, State extends BaseState, Op>(k: ResourceKind<Type, State, Op>): ResourceKind<Type, State, Op> {
  return k;
}

/** A non-empty string, else undefined (CloudTrail fields may be null, empty or another type). */
export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/** Attribute text for SQS/SNS: null removes, documents are JSON. */
export function attributeText(v: unknown): string {
  return v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
}
