/**
 * route: a parsed event → work items. Pure. Every event yields at least one item, so nothing is
 * silently dropped: an event the engine must not act on becomes items carrying a skip reason.
 */
import { z } from 'zod';
import { roleArnOf, type ResourceRef } from './arn';
import { CATALOG, findRemediation, remediationsForControl, remediationsForType } from './catalog';
import type { EngineConfig } from './config';
import { USER_AGENT_MARKER } from './aws/clients';
import { InputError } from './errors';
import type { ParsedEvent } from './events/parse';
import { controlIdOf, type Finding } from './events/securityhub';
import { kindForEventSource, kindOf, parseArn, RESOURCE_KINDS, type ResourceType } from './resources';
import type { Mode } from './results';
import type { AnyRemediation } from './remediations/types';

/**
 * What set a work item off, as the work queue, the history and the bus events record it: the kind
 * of trigger and the ids that lead back to it.
 */
export const TriggerSchema = z
  .object({
    kind: z.enum(['cloudtrail', 'finding', 'custom-action', 'runbook', 'sweep', 'rollback']),
    /** EventBridge event id (absent for runbook requests). */
    eventId: z.string().optional(),
    eventName: z.string().optional(),
    findingId: z.string().optional(),
    productArn: z.string().optional(),
    controlId: z.string().optional(),
    /** For a rollback: the change it undoes. */
    rollbackOf: z.string().optional(),
    /** For a plan a person approved: the approval it carries out. */
    approvalId: z.string().optional(),
  })
  .strict();
export type Trigger = z.infer<typeof TriggerSchema>;

export interface WorkItem {
  remediation: AnyRemediation | null;
  resourceArn: string | null;
  ref?: ResourceRef;
  trigger: Trigger;
  /** Set when the item must not run; the result is `skipped` with this reason. */
  skip?: string;
  /** A mode the trigger itself imposes (the "Plan with fixbridge" custom action is always dry-run). */
  forcedMode?: Mode;
  /** A mode requested by the trigger (a runbook request's `mode`), with the same rank as `--mode`. */
  requestedMode?: Mode;
  /**
   * A person approved this plan (`planHash` of it): the engine re-reads and re-plans, and applies
   * only while the plan is still the approved one; otherwise it writes nothing and files the new plan.
   */
  approved?: { id: string; planHash: string };
}

/** The Security Hub custom actions fixbridge creates (ids are at most 20 alphanumerics). */
export const CUSTOM_ACTIONS = {
  plan: { id: 'FixbridgePlan', name: 'Plan with fixbridge', description: 'Show what fixbridge would change (dry-run)' },
  remediate: { id: 'FixbridgeRemediate', name: 'Remediate with fixbridge', description: 'Run the fixbridge remediation in its configured mode' },
} as const;

export function route(event: ParsedEvent, config: EngineConfig, catalog: readonly AnyRemediation[] = CATALOG): WorkItem[] {
  switch (event.kind) {
    case 'runbook':
      return routeRunbook(event.request.remediation, event.request.resourceArn, catalog, event.request.mode);
    case 'cloudtrail':
      return routeCloudTrail(event, config, catalog);
    case 'findings':
      return event.findings.flatMap((f) => routeFinding(f, event, catalog));
  }
}

/** `fixbridge run <remediation-id|control-id> --resource <arn>`. Bad input throws `InputError`. */
export function routeRunbook(target: string, resourceArn: string, catalog: readonly AnyRemediation[] = CATALOG, mode?: Mode): WorkItem[] {
  const byId = findRemediation(target, catalog);
  const remediations = byId ? [byId] : remediationsForControl(target, catalog);
  if (remediations.length === 0) {
    throw new InputError(`unknown remediation or control "${target}" (run "fixbridge list" for the catalog)`);
  }
  const ref = parseArn(resourceArn);
  const matching = remediations.filter((r) => r.kind.type === ref.type);
  if (matching.length === 0) {
    const wanted = [...new Set(remediations.map((r) => r.kind.label))].join(' or ');
    throw new InputError(`"${target}" remediates ${wanted} resources, but ${resourceArn} is an ${kindOf(ref.type).label}`);
  }
  return matching.map((r) => ({
    remediation: r,
    resourceArn: ref.arn,
    ref,
    trigger: { kind: 'runbook' as const },
    ...(mode ? { requestedMode: mode } : {}),
  }));
}

function routeCloudTrail(event: Extract<ParsedEvent, { kind: 'cloudtrail' }>, config: EngineConfig, catalog: readonly AnyRemediation[]): WorkItem[] {
  const d = event.detail;
  const info: Trigger = { kind: 'cloudtrail', eventId: event.envelope.id, eventName: d.eventName };
  const kind = kindForEventSource(d.eventSource);
  const none = (reason: string, arn: string | null = null): WorkItem[] => [{ remediation: null, resourceArn: arn, trigger: info, skip: reason }];
  if (!kind) {
    return none(`CloudTrail eventSource "${d.eventSource}" is not one fixbridge handles (${RESOURCE_KINDS.map((k) => k.cloudTrail.eventSource).join(', ')})`);
  }
  if (!kind.cloudTrail.triggerEvents.includes(d.eventName)) {
    return none(`${d.eventName} does not change the compliance of an ${kind.label} (triggers: ${kind.cloudTrail.triggerEvents.join(', ')})`);
  }
  const remediations = remediationsForType(kind.type as ResourceType, catalog);
  if (d.errorCode) {
    return (remediations.length ? remediations : [null]).map((r) => ({
      remediation: r,
      resourceArn: null,
      trigger: info,
      skip: `the ${d.eventName} call failed (${d.errorCode}); nothing changed`,
    }));
  }
  const named = kind.cloudTrail.resourceOf(d, event.envelope.account);
  if (!named) return none(`${d.eventName} event names no ${kind.label} (no identifier in requestParameters or responseElements)`);
  let ref: ResourceRef;
  try {
    ref = { ...parseArn(named.arn), ...(named.hint ? { hint: named.hint } : {}) };
  } catch (err) {
    return none(`${d.eventName} names a resource fixbridge cannot use: ${(err as Error).message}`, named.arn);
  }
  const arn = named.arn;
  if (remediations.length === 0) return none(`no remediation handles ${kind.label} resources`, arn);

  const self = ownCallReason(d.userAgent, d.userIdentity?.arn, d.userIdentity?.sessionContext?.sessionIssuer?.arn, config.engineRoleArn);
  return remediations.map((r) => ({ remediation: r, resourceArn: ref.arn, ref, trigger: info, ...(self ? { skip: self } : {}) }));
}

/** Why a CloudTrail event is the engine's own call, or undefined. */
export function ownCallReason(userAgent?: string, callerArn?: string, issuerArn?: string, engineRoleArn?: string): string | undefined {
  if (userAgent && userAgent.toLowerCase().includes(USER_AGENT_MARKER)) return `the call was made by fixbridge itself (user agent contains "${USER_AGENT_MARKER}")`;
  if (engineRoleArn) {
    const role = engineRoleArn.toLowerCase();
    if ((callerArn && roleArnOf(callerArn).toLowerCase() === role) || (issuerArn && issuerArn.toLowerCase() === role)) {
      return `the call was made by the engine role ${engineRoleArn}`;
    }
  }
  return undefined;
}

function routeFinding(f: Finding, event: Extract<ParsedEvent, { kind: 'findings' }>, catalog: readonly AnyRemediation[]): WorkItem[] {
  const controlId = controlIdOf(f);
  const custom = event.customAction;
  const info: Trigger = {
    kind: custom ? 'custom-action' : 'finding',
    eventId: event.envelope.id,
    findingId: f.Id,
    productArn: f.ProductArn,
    controlId,
  };
  const firstArn = f.Resources[0]?.Id ?? null;
  const remediations = controlId
    ? catalog.filter((r) => r.controls.securityHub.some((c) => c.toLowerCase() === controlId.toLowerCase()))
    : [];
  if (remediations.length === 0) {
    return [{ remediation: null, resourceArn: firstArn, trigger: info, skip: controlId ? `no remediation handles Security Hub control ${controlId}` : `finding ${f.Id} names no Security Hub control (no Compliance.SecurityControlId, and GeneratorId "${f.GeneratorId}" ends in none)` }];
  }

  const skip = findingSkipReason(f, Boolean(custom));
  const forcedMode = custom && isPlanAction(custom) ? ('dry-run' as const) : undefined;
  const items: WorkItem[] = [];
  for (const r of remediations) {
    const resources = f.Resources.filter((res) => r.kind.findingResourceTypes.includes(res.Type));
    if (resources.length === 0) {
      items.push({ remediation: r, resourceArn: firstArn, trigger: info, skip: `finding ${f.Id} names no ${r.kind.label} resource` });
      continue;
    }
    for (const res of resources) {
      let ref: ResourceRef;
      try {
        ref = parseArn(res.Id);
      } catch (err) {
        items.push({ remediation: r, resourceArn: res.Id, trigger: info, skip: `finding resource id is not a usable ARN: ${(err as Error).message}` });
        continue;
      }
      items.push({ remediation: r, resourceArn: ref.arn, ref, trigger: info, ...(skip ? { skip } : {}), ...(forcedMode ? { forcedMode } : {}) });
    }
  }
  return items;
}

function isPlanAction(custom: { name: string; arn?: string | undefined }): boolean {
  return custom.name === CUSTOM_ACTIONS.plan.name || Boolean(custom.arn?.endsWith(`/custom/${CUSTOM_ACTIONS.plan.id}`));
}

/** Findings the engine acts on: FAILED, ACTIVE, workflow NEW (or NOTIFIED for a person's custom action). */
export function findingSkipReason(f: Finding, customAction: boolean): string | undefined {
  const compliance = f.Compliance?.Status;
  if (compliance !== 'FAILED') return `finding compliance status is ${compliance ?? 'absent'}, not FAILED`;
  const record = f.RecordState ?? 'ACTIVE';
  if (record !== 'ACTIVE') return `finding record state is ${record}, not ACTIVE`;
  const workflow = f.Workflow?.Status ?? f.WorkflowState ?? 'NEW';
  const allowed = customAction ? ['NEW', 'NOTIFIED'] : ['NEW'];
  if (!allowed.includes(workflow)) return `finding workflow status is ${workflow}, not ${allowed.join(' or ')}`;
  return undefined;
}
