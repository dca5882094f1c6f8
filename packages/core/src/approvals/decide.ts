/**
 * Deciding an approval, the same steps whichever channel decides (the CLI, Slack through the hub's
 * worker or `fixbridge slack serve`):
 * 1. it exists, is pending and not expired, and the decider may decide (Slack: the approvers);
 * 2. it leaves `pending` through the store's single-use write: a second click, a replay, a second
 *    process get "already decided" and nothing else;
 * 3. approved: the engine reads the resource again and re-plans with the settings the plan was made
 *    with; a plan whose hash differs from the approved one is not applied — the approval is
 *    `superseded` and the new plan is filed as a fresh approval;
 * 4. otherwise the engine applies and verifies, and the outcome is recorded on the approval.
 */
import { findRemediation } from '../catalog';
import type { EngineConfig } from '../config';
import { describeError, InputError } from '../errors';
import { parseArn } from '../resources';
import { makeResult, type Result } from '../results';
import type { WorkItem } from '../routing';
import { checkApprovalId, closedReason, isExpired, type Approval, type Decider, type Decision, type Outcome } from './record';
import { departed, type ApprovalStore, type Departure } from './store';

export type Verdict = { verdict: 'approve' } | { verdict: 'reject'; reason: string };

export interface DecideDeps {
  store: ApprovalStore;
  /** The caller's engine configuration: a fresh approval filed instead of a stale one takes its Slack settings and TTL. */
  config: EngineConfig;
  /** Run the approved work item with `config` (the approval's own settings): the CLI runs the engine, the hub delivers it. */
  run(item: WorkItem, config: EngineConfig): Promise<Result>;
  now?: () => Date;
  /** The decision's own id (the hub: its queue message): a redelivery of the same decision resumes it. */
  token?: string | undefined;
}

export type Decided =
  | { kind: 'decided'; approval: Approval; result: Result }
  | { kind: 'refused'; approval: Approval; code: 'closed' | 'expired' | 'not-allowed'; reason: string };

export function describeDecider(by: Decider): string {
  return by.channel === 'slack' ? `${by.name ?? by.id} in Slack` : `${by.id} from the CLI`;
}

/** The work item of an approved plan: its resource, its original trigger, marked approved. */
export function approvedItem(a: Approval): WorkItem {
  const remediation = findRemediation(a.remediation);
  if (!remediation) throw new Error(`approval ${a.id} names remediation "${a.remediation}", which this fixbridge does not have`);
  const ref = { ...parseArn(a.resourceArn), ...(a.hint ? { hint: a.hint } : {}) };
  return { remediation, resourceArn: ref.arn, ref, trigger: { ...a.trigger, approvalId: a.id }, forcedMode: 'approval', approved: { id: a.id, planHash: a.planHash } };
}

/** The caller's configuration with the settings the approval's plan was made with. */
export function approvedConfig(a: Approval, base: EngineConfig): EngineConfig {
  const { organizationId: _org, ...rest } = base;
  return {
    ...rest,
    exemptTagKey: a.settings.exemptTagKey,
    ...(a.settings.organizationId ? { organizationId: a.settings.organizationId } : {}),
    remediations: { ...base.remediations, [a.remediation]: { mode: 'approval', options: a.settings.options } },
  };
}

/** How an approved run ended, from its result: anything but applied or failed wrote nothing because the resource changed. */
export function outcomeOf(result: Result, at: Date): { status: 'applied' | 'failed' | 'superseded'; outcome: Outcome } {
  const base = { at: at.toISOString(), result };
  switch (result.status) {
    case 'applied':
      return { status: 'applied', outcome: { ...base, reason: result.reason } };
    case 'failed':
      return { status: 'failed', outcome: { ...base, reason: result.reason } };
    case 'awaiting-approval':
      return { status: 'superseded', outcome: { ...base, reason: result.reason, ...(result.approvalId ? { supersededBy: result.approvalId } : {}) } };
    default:
      return { status: 'superseded', outcome: { ...base, reason: `the resource changed since the plan was made, so nothing was written: it is ${result.status} now (${result.reason})` } };
  }
}

function rejection(a: Approval, d: Decision): Result {
  const reason = `rejected by ${describeDecider(d.by)}${d.reason ? `: ${d.reason}` : ''}; nothing was written`;
  return makeResult({ remediation: a.remediation, controls: a.controls, resourceArn: a.resourceArn, mode: 'approval', changes: a.plan.changes, reason }, 'skipped');
}

/** Decide approval `id`. An unknown or malformed id is an `InputError`; a closed one is refused with the reason. */
export async function decide(id: string, verdict: Verdict, by: Decider, deps: DecideDeps): Promise<Decided> {
  checkApprovalId(id);
  const now = deps.now ?? (() => new Date());
  let a = await deps.store.get(id);
  if (!a) throw new InputError(`no approval ${id} in ${deps.store.where} (see "fixbridge approvals list")`);
  const refuse = (code: 'closed' | 'expired' | 'not-allowed', reason: string, approval = a!): Decided => ({ kind: 'refused', approval, code, reason });

  const resuming = a.status === 'approved' && deps.token !== undefined && a.decision?.token === deps.token;
  if (!resuming) {
    const closed = closedReason(a, now());
    if (closed) return refuse(isExpired(a, now()) ? 'expired' : 'closed', closed);
    if (by.channel === 'slack' && !a.approvers.includes(by.id)) {
      return refuse('not-allowed', `${by.name ?? by.id} may not decide approval ${id} (only the configured approvers may); nothing changed`);
    }
    const at = now().toISOString();
    const decision: Decision = {
      by,
      at,
      verdict: verdict.verdict,
      ...(verdict.verdict === 'reject' ? { reason: verdict.reason } : {}),
      ...(deps.token ? { token: deps.token } : {}),
    };
    const departure: Departure =
      verdict.verdict === 'reject'
        ? { status: 'rejected', decision, outcome: { at, reason: rejection(a, decision).reason } }
        : { status: 'approved', decision };
    if (!(await deps.store.leavePending(id, departure))) {
      const now2 = (await deps.store.get(id)) ?? a;
      return refuse('closed', closedReason(now2, now()) ?? `approval ${id} was decided by someone else meanwhile`, now2);
    }
    a = departed(a, departure);
    if (verdict.verdict === 'reject') return { kind: 'decided', approval: a, result: rejection(a, decision) };
  }

  let result: Result;
  try {
    result = await deps.run(approvedItem(a), approvedConfig(a, deps.config));
  } catch (err) {
    // The hub retries the decision's message, which resumes here; elsewhere the approval records the failure.
    if (deps.token !== undefined) throw err;
    result = makeResult(
      { remediation: a.remediation, controls: a.controls, resourceArn: a.resourceArn, mode: 'approval', changes: a.plan.changes, reason: `the approved plan could not be run: ${describeError(err)}` },
      'failed',
    );
  }
  if (a.decision) result = { ...result, reason: `${result.reason} (approval ${a.id}, approved by ${describeDecider(a.decision.by)})` };
  const { status, outcome } = outcomeOf(result, now());
  return { kind: 'decided', approval: await deps.store.finish(id, status, outcome), result };
}
