/**
 * Decisions taken in Slack, in the deployed hub. The interaction function puts each one on the work
 * queue as a `{"type": "decision", …}` message in the resource's message group, so it runs in the
 * same per-resource order as every other work item; the worker decides it (`decide`: single-use,
 * re-plan, apply only the approved plan), delivers the approved run like any work item (history
 * row, Security Hub note, bus event, notification) and replaces the Slack message with the outcome.
 * A message without `type` is a work item (`work-message.ts`).
 */
import { z } from 'zod';
import { decide, type Decided, type Verdict } from '../approvals/decide';
import type { ApprovalNotifier } from '../approvals/gate';
import { APPROVAL_ID_RE, DeciderSchema } from '../approvals/record';
import type { ApprovalStore } from '../approvals/store';
import type { DecisionRequest } from '../slack/interaction';
import type { SlackResponse } from '../slack/respond';
import { reportToSlack } from '../slack/report';
import { deliver, type HubDeps } from './deliver';
import { typedMessageOf } from './work-message';

export const DecisionMessageSchema = z
  .object({
    type: z.literal('decision'),
    approvalId: z.string().regex(APPROVAL_ID_RE),
    verdict: z.enum(['approve', 'reject']),
    reason: z.string().optional(),
    by: DeciderSchema,
    /** Where the outcome goes: the interaction's `response_url`. */
    responseUrl: z.url().optional(),
  })
  .strict();
export type DecisionMessage = z.infer<typeof DecisionMessageSchema>;

export function toDecisionMessage(r: DecisionRequest): DecisionMessage {
  return {
    type: 'decision',
    approvalId: r.approvalId,
    verdict: r.verdict.verdict,
    ...(r.verdict.verdict === 'reject' ? { reason: r.verdict.reason } : {}),
    by: r.by,
    ...(r.responseUrl ? { responseUrl: r.responseUrl } : {}),
  };
}

/** The decision a queue message carries; undefined for a message of another type (a work item has none). */
export function decisionMessageOf(body: string): DecisionMessage | undefined {
  return typedMessageOf(body, 'decision', DecisionMessageSchema, 'decision message');
}

export interface HubDecisionDeps {
  hub: HubDeps;
  store: ApprovalStore;
  /** Updates the approval's own message when the decision came without a `response_url`. */
  notifier?: ApprovalNotifier | undefined;
  respond?: (url: string, message: SlackResponse) => Promise<void>;
}

/**
 * Decide and report. `token` is the queue message's id: a redelivery of the same message (the
 * worker stopped half way) resumes the decision; the approved run's delivery claim keeps it from
 * applying twice.
 */
export async function decideInHub(m: DecisionMessage, token: string, deps: HubDecisionDeps): Promise<Decided> {
  const verdict: Verdict = m.verdict === 'approve' ? { verdict: 'approve' } : { verdict: 'reject', reason: m.reason ?? 'rejected in Slack' };
  const decided = await decide(m.approvalId, verdict, m.by, {
    store: deps.store,
    config: deps.hub.engine.config,
    token,
    run: async (item, config) => (await deliver(item, { ...deps.hub, engine: { ...deps.hub.engine, config } })).result,
  });
  await reportToSlack(decided, m.responseUrl, { notifier: deps.notifier, ...(deps.respond ? { respond: deps.respond } : {}) });
  return decided;
}
