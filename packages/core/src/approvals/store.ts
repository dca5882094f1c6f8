/**
 * Where approvals live, behind one interface with the same semantics in every store (the CLI's
 * directory, `local-store.ts`; the hub's DynamoDB table, `hub/approvals.ts`):
 * - one pending approval per (resource, remediation) — its *slot*: filing the same plan again
 *   returns the pending one; a different plan supersedes it (it can no longer be applied as seen);
 * - an approval leaves `pending` once: the first decision (or supersession) wins, every later one
 *   is refused — an atomic exclusive create in the directory, a conditional write in DynamoDB;
 * - only the holder of that decision records the outcome.
 */
import { parseArn, resourceKey } from '../resources';
import { isExpired, pendingKey, type Approval, type ApprovalStatus, type Decision, type Outcome } from './record';

export interface Filed {
  /** The approval that now waits: the candidate, or the pending one with the same plan. */
  approval: Approval;
  created: boolean;
  /** A pending approval of an older plan of the same resource and remediation, now `superseded`. */
  replaced?: Approval | undefined;
}

/** Leaving `pending`: a decision, or a newer plan. */
export type Departure =
  | { status: Extract<ApprovalStatus, 'approved' | 'rejected'>; decision: Decision; outcome?: Outcome }
  | { status: 'superseded'; outcome: Outcome };

export interface ApprovalStore {
  /** Where it is, for messages: `directory /…` or `table …`. */
  readonly where: string;
  /** File `candidate` in its slot, unless a pending approval of the same plan holds it (see the module comment). */
  file(candidate: Approval, now: Date): Promise<Filed>;
  get(id: string): Promise<Approval | undefined>;
  /** Every approval, newest first. */
  list(): Promise<Approval[]>;
  /** The single-use step: true for the one caller that moved the approval out of `pending`. */
  leavePending(id: string, departure: Departure): Promise<boolean>;
  /** The holder of an `approved` decision records how it ended. */
  finish(id: string, status: Extract<ApprovalStatus, 'applied' | 'failed' | 'superseded'>, outcome: Outcome): Promise<Approval>;
  /** The Slack message the approval was posted as (recorded once). */
  setMessage(id: string, slack: { channel: string; ts: string }): Promise<void>;
}

/** The slot of an approval: its resource (whatever ARN form named it) and remediation. */
export function slotOf(a: Pick<Approval, 'resourceArn' | 'remediation'>): string {
  return pendingKey(resourceKey(parseArn(a.resourceArn)), a.remediation);
}

/** What filing `candidate` does with the approval `existing` that holds its slot. */
export function slotVerdict(existing: Approval | undefined, candidate: Approval, now: Date): 'reuse' | 'supersede' | 'stale' {
  if (!existing || existing.status !== 'pending' || isExpired(existing, now)) return 'stale';
  return existing.planHash === candidate.planHash ? 'reuse' : 'supersede';
}

/** The departure of an approval whose slot a newer plan takes. */
export function supersededBy(candidate: Approval, now: Date): Departure {
  return {
    status: 'superseded',
    outcome: { at: now.toISOString(), reason: `a newer plan for the resource was filed as ${candidate.id}; nothing was written`, supersededBy: candidate.id },
  };
}

/** An approval with a departure applied (what the store holds once it left `pending`). */
export function departed(a: Approval, d: Departure): Approval {
  return { ...a, status: d.status, ...('decision' in d ? { decision: d.decision } : {}), ...(d.outcome ? { outcome: d.outcome } : {}) };
}
