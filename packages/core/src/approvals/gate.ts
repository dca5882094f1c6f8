/**
 * The engine's approval gate (`EngineDeps.approvals`): an `awaiting-approval` plan becomes an
 * approval record in the store — or finds the pending approval of the same plan — and, when Slack
 * is configured, a message with Approve and Reject buttons. The CLI (`run`, `handle`) and the hub's
 * worker use this same gate.
 */
import { describeError } from '../errors';
import { planHash, type ApprovalGate } from '../engine';
import { optionsOf, type EngineConfig } from '../config';
import { makeResult, type Result } from '../results';
import type { WorkItem } from '../routing';
import { newApprovalId, type Approval } from './record';
import type { ApprovalStore } from './store';

/** Posts approvals to people and shows how they ended (Slack: `slack/notifier.ts`). */
export interface ApprovalNotifier {
  /** Post a new approval; resolves to where the message is. */
  post(a: Approval): Promise<{ channel: string; ts: string }>;
  /** Replace the posted message with how the approval ended (no buttons). */
  update(a: Approval): Promise<void>;
}

export interface ApprovalGateOptions {
  /** The store; a function so it is opened only when a plan is filed. */
  store: () => ApprovalStore | Promise<ApprovalStore>;
  notifier?: ApprovalNotifier | undefined;
  /** Why approvals are not posted although Slack is configured (no bot token): said in the result. */
  notPosted?: string | undefined;
  now?: () => Date;
}

/** The approval of a plan: everything a person and the approved run need. */
export function approvalFor(item: WorkItem, plan: { reason: string; changes: Result['changes']; ops: unknown[] }, result: Result, config: EngineConfig, now: Date): Approval {
  const r = item.remediation!;
  const ref = item.ref!;
  const ttl = config.approvalTtlSeconds;
  return {
    id: newApprovalId(),
    remediation: r.id,
    title: r.title,
    controls: result.controls,
    risk: r.risk,
    resourceArn: result.resourceArn ?? ref.arn,
    ...(ref.hint ? { hint: ref.hint } : {}),
    account: ref.accountId,
    region: ref.region,
    plan: { reason: plan.reason, changes: plan.changes, ops: plan.ops },
    planHash: planHash(plan),
    settings: { options: optionsOf(config, r), exemptTagKey: config.exemptTagKey, ...(config.organizationId ? { organizationId: config.organizationId } : {}) },
    trigger: item.trigger,
    approvers: config.slack?.approvers ?? [],
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + ttl * 1000).toISOString(),
    status: 'pending',
  };
}

export function approvalGate(opts: ApprovalGateOptions): ApprovalGate {
  const now = opts.now ?? (() => new Date());
  return {
    async file(item, plan, result, config) {
      const store = await opts.store();
      const at = now();
      const filed = await store.file(approvalFor(item, plan, result, config, at), at);
      const a = filed.approval;
      const notes: string[] = [];
      if (filed.replaced && opts.notifier && filed.replaced.slack) {
        await opts.notifier.update(filed.replaced).catch((err: unknown) => notes.push(`could not mark ${filed.replaced!.id} superseded in Slack (${describeError(err)})`));
      }
      // Posted once: a pending approval that has no message yet (an earlier post failed) is posted now.
      if (!a.slack && opts.notifier) {
        try {
          const message = await opts.notifier.post(a);
          await store.setMessage(a.id, message);
          notes.push('posted to Slack');
        } catch (err) {
          notes.push(`could not post it to Slack (${describeError(err)}); "fixbridge approvals show ${a.id}" shows it`);
        }
      } else if (!a.slack && opts.notPosted) {
        notes.push(`not posted to Slack: ${opts.notPosted}`);
      }
      const what = filed.created ? `filed as approval ${a.id}` : `already waiting as approval ${a.id} (filed ${a.createdAt})`;
      const replaced = filed.replaced ? `, replacing ${filed.replaced.id} (an older plan)` : '';
      const how = `decide with "fixbridge approve ${a.id}" or "fixbridge reject ${a.id} --reason …" before ${a.expiresAt}`;
      const reason = `${result.reason}: ${what}${replaced}${notes.length ? `; ${notes.join('; ')}` : ''}; ${how}`;
      return makeResult({ ...result, reason }, 'awaiting-approval', { approvalId: a.id });
    },
  };
}
