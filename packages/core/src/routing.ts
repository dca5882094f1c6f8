/**
 * route: a parsed event → work items. Pure. Every event yields at least one item, so nothing is
 * silently dropped: an event the engine must not act on becomes items carrying a skip reason.
 */
import { z } from 'zod';
import { roleArnOf, type ResourceRef } from './arn';
import { CATALOG, findRemediation, remediationsForControl, remediationsForType } from './catalog';
import type { EngineConfig } from './config';
import { USER_AGENT_MARKER } from './aws/clients';
import { clip, InputError } from './errors';
import type { CustomAction, ParsedEvent } from './events/parse';
import { CONTROL_ID_STANDARDS, controlIdOf, type Finding } from './events/securityhub';
import { kindForEventSource, kindOf, parseArn, RESOURCE_KINDS, type Named, type ResourceType } from './resources';
import type { AnyKind } from './resources/kind';
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
    /**
     * `ocsf`: the finding came from the new Security Hub (`Findings Imported V2`); `findingId` is its
     * `metadata.uid`, `productArn` its `metadata.product.uid`, and it is written back with
     * BatchUpdateFindingsV2. Absent: an ASFF finding (BatchUpdateFindings).
     */
    findingFormat: z.literal('ocsf').optional(),
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
    case 'insight':
      return [routeInsight(event)];
  }
}

/** True for the custom actions fixbridge creates: by the action's ARN (`…:action/custom/<id>`), else, with no ARN, by its exact name. */
export function isFixbridgeAction(custom: CustomAction): boolean {
  return isPlanAction(custom) || isRemediateAction(custom);
}

function isAction(custom: CustomAction, action: (typeof CUSTOM_ACTIONS)[keyof typeof CUSTOM_ACTIONS]): boolean {
  if (custom.arn) return /^arn:[^:]+:securityhub:[^:]*:\d{12}:action\/custom\/(.+)$/.exec(custom.arn)?.[1] === action.id;
  return custom.name === action.name;
}

export function isPlanAction(custom: CustomAction): boolean {
  return isAction(custom, CUSTOM_ACTIONS.plan);
}

export function isRemediateAction(custom: CustomAction): boolean {
  return isAction(custom, CUSTOM_ACTIONS.remediate);
}

/** Why a custom action is not fixbridge's to act on, or undefined. */
function foreignActionReason(custom: CustomAction): string | undefined {
  if (isFixbridgeAction(custom)) return undefined;
  const ours = Object.values(CUSTOM_ACTIONS).map((a) => `"${a.name}" (${a.id})`).join(' and ');
  return `the custom action "${clip(custom.name)}"${custom.arn ? ` (${clip(custom.arn)})` : ''} is not one of fixbridge's (${ours}); nothing was done`;
}

/**
 * "Security Hub Insight Results": a custom action chosen on an insight's grouped results. Not
 * supported: the event names the insight and its result groups (resource ids with counts), not
 * findings, so it is one skipped item saying so; it is never dropped.
 */
function routeInsight(event: Extract<ParsedEvent, { kind: 'insight' }>): WorkItem {
  const trigger: Trigger = { kind: 'custom-action', eventId: event.envelope.id };
  const insight = event.insightName ? ` "${clip(event.insightName)}"` : event.insightArn ? ` ${clip(event.insightArn)}` : '';
  const skip =
    foreignActionReason(event.customAction) ??
    `Security Hub insight results are not supported: the event names the insight${insight} and its result groups, not findings. Open the insight's findings, select them, and choose "${clip(event.customAction.name)}" on the findings`;
  return { remediation: null, resourceArn: null, trigger, skip };
}

/** `fixbridge run <remediation-id|control-id> --resource <arn>`. Bad input throws `InputError`. */
export function routeRunbook(target: string, resourceArn: string, catalog: readonly AnyRemediation[] = CATALOG, mode?: Mode): WorkItem[] {
  const byId = findRemediation(target, catalog);
  const remediations = byId ? [byId] : remediationsForControl(target, catalog);
  if (remediations.length === 0) {
    throw new InputError(`unknown remediation or control "${clip(target)}" (run "fixbridge list" for the catalog)`);
  }
  const ref = parseArn(resourceArn);
  const matching = remediations.filter((r) => r.kind.type === ref.type);
  if (matching.length === 0) {
    const wanted = [...new Set(remediations.map((r) => r.kind.label))].join(' or ');
    throw new InputError(`"${clip(target)}" remediates ${wanted} resources, but ${clip(resourceArn)} is an ${kindOf(ref.type).label}`);
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
    return none(`CloudTrail eventSource "${clip(d.eventSource)}" is not one fixbridge handles (${RESOURCE_KINDS.map((k) => k.cloudTrail.eventSource).join(', ')})`);
  }
  if (!kind.cloudTrail.triggerEvents.includes(d.eventName)) {
    return none(`${clip(d.eventName)} does not change the compliance of an ${kind.label} (triggers: ${kind.cloudTrail.triggerEvents.join(', ')})`);
  }
  const remediations = remediationsForType(kind.type as ResourceType, catalog);
  if (d.errorCode) {
    return (remediations.length ? remediations : [null]).map((r) => ({
      remediation: r,
      resourceArn: null,
      trigger: info,
      skip: `the ${d.eventName} call failed (${clip(d.errorCode)}); nothing changed`,
    }));
  }
  let named: ReturnType<typeof kind.cloudTrail.resourceOf>;
  try {
    named = kind.cloudTrail.resourceOf(d, event.envelope.account);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return none(`${d.eventName} names a resource fixbridge cannot use: ${err.message}`);
  }
  if (!named) return none(`${d.eventName} event names no ${kind.label} (no identifier in requestParameters or responseElements, and no account in the event to place a bare id)`);
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
    ...(event.format === 'ocsf' ? { findingFormat: 'ocsf' as const } : {}),
  };
  const firstArn = f.Resources[0]?.Id ?? null;
  const foreign = custom ? foreignActionReason(custom) : undefined;
  if (foreign) return [{ remediation: null, resourceArn: firstArn, trigger: info, skip: foreign }];
  const remediations = controlId
    ? catalog.filter((r) => r.controls.securityHub.some((c) => c.toLowerCase() === controlId.toLowerCase()))
    : [];
  if (remediations.length === 0) {
    return [{ remediation: null, resourceArn: firstArn, trigger: info, skip: controlId ? `no remediation handles Security Hub control ${clip(controlId)}` : `finding ${clip(f.Id)} names no Security Hub control of an AWS standard (no Compliance.SecurityControlId, and GeneratorId "${clip(f.GeneratorId)}" is not a control of ${CONTROL_ID_STANDARDS.map((s) => s.id).join(', ')})` }];
  }

  const skip = findingSkipReason(f, Boolean(custom));
  const forcedMode = custom && isPlanAction(custom) ? ('dry-run' as const) : undefined;
  const items: WorkItem[] = [];
  for (const r of remediations) {
    // ASFF types (AwsSqsQueue), or the CloudFormation types OCSF findings use (AWS::SQS::Queue).
    const resources = f.Resources.filter((res) => r.kind.findingResourceTypes.includes(res.Type) || res.Type === r.kind.cfnType);
    if (resources.length === 0) {
      items.push({ remediation: r, resourceArn: firstArn, trigger: info, skip: `finding ${clip(f.Id)} names no ${r.kind.label} resource` });
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

/** Findings the engine acts on: FAILED, ACTIVE, workflow NEW (or NOTIFIED for a person's custom action). */
export function findingSkipReason(f: Finding, customAction: boolean): string | undefined {
  const compliance = f.Compliance?.Status;
  if (compliance !== 'FAILED') return `finding compliance status is ${compliance === undefined ? 'absent' : clip(compliance)}, not FAILED`;
  const record = f.RecordState ?? 'ACTIVE';
  if (record !== 'ACTIVE') return `finding record state is ${clip(record)}, not ACTIVE`;
  const workflow = f.Workflow?.Status ?? f.WorkflowState ?? 'NEW';
  const allowed = customAction ? ['NEW', 'NOTIFIED'] : ['NEW'];
  if (!allowed.includes(workflow)) return `finding workflow status is ${clip(workflow)}, not ${allowed.join(' or ')}`;
  return undefined;
}

/** What a kind's lister yields: a resource, or something it listed that fixbridge cannot name. */
export type Listed = Named | { listed: string; error: string };

/**
 * One listed resource (a sweep's, the CLI's or the hub's) as work items: one per remediation of its
 * kind among `remediations`, or one skipped item when fixbridge cannot name it (the reason says why).
 */
export function routeListed(kind: AnyKind, listed: Listed, remediations: readonly AnyRemediation[], trigger: Trigger): WorkItem[] {
  const skip = (resourceArn: string, why: string): WorkItem[] => [{ remediation: null, resourceArn, trigger, skip: `the sweep listed an ${kind.label} fixbridge cannot name: ${why}` }];
  if ('error' in listed) return skip(listed.listed, listed.error);
  let ref: ResourceRef;
  try {
    ref = { ...parseArn(listed.arn), ...(listed.hint ? { hint: listed.hint } : {}) };
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return skip(listed.arn, err.message);
  }
  return remediations.filter((r) => r.kind === kind).map((r) => ({ remediation: r, resourceArn: ref.arn, ref, trigger }));
}
