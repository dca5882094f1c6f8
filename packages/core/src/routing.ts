/**
 * route: a trigger → work items. Pure. Every trigger yields at least one item, so nothing is
 * silently dropped: a trigger the engine must not act on becomes items carrying a skip reason.
 */
import { parseArn, RESOURCE_TYPE_LABEL, roleArnOf, type ResourceRef } from './arn';
import { CATALOG, findRemediation, remediationsForControl, remediationsForType } from './catalog';
import type { EngineConfig } from './config';
import { USER_AGENT_MARKER } from './aws/clients';
import { InputError } from './errors';
import type { Trigger } from './events/parse';
import { controlIdOf, type Finding } from './events/securityhub';
import { kindForEventSource, RESOURCE_KINDS } from './resources';
import type { Mode } from './results';
import type { AnyRemediation } from './remediations/types';

export interface TriggerInfo {
  kind: 'cloudtrail' | 'finding' | 'custom-action' | 'runbook' | 'sweep';
  /** EventBridge event id (absent for runbook requests). */
  eventId?: string | undefined;
  eventName?: string | undefined;
  findingId?: string | undefined;
  productArn?: string | undefined;
  controlId?: string | undefined;
}

export interface WorkItem {
  remediation: AnyRemediation | null;
  resourceArn: string | null;
  ref?: ResourceRef;
  trigger: TriggerInfo;
  /** Set when the item must not run; the result is `skipped` with this reason. */
  skip?: string;
  /** A mode the trigger itself imposes (the "Plan with fixbridge" custom action is always dry-run). */
  forcedMode?: Mode;
  /** A mode requested by the trigger (a runbook request's `mode`), with the same rank as `--mode`. */
  requestedMode?: Mode;
}

/** The Security Hub custom actions fixbridge creates (ids are at most 20 alphanumerics). */
export const CUSTOM_ACTIONS = {
  plan: { id: 'FixbridgePlan', name: 'Plan with fixbridge', description: 'Show what fixbridge would change (dry-run)' },
  remediate: { id: 'FixbridgeRemediate', name: 'Remediate with fixbridge', description: 'Run the fixbridge remediation in its configured mode' },
} as const;

export function route(trigger: Trigger, config: EngineConfig, catalog: readonly AnyRemediation[] = CATALOG): WorkItem[] {
  switch (trigger.kind) {
    case 'runbook':
      return routeRunbook(trigger.request.remediation, trigger.request.resourceArn, catalog, trigger.request.mode);
    case 'cloudtrail':
      return routeCloudTrail(trigger, config, catalog);
    case 'findings':
      return trigger.findings.flatMap((f) => routeFinding(f, trigger, catalog));
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
  const matching = remediations.filter((r) => r.resourceType === ref.type);
  if (matching.length === 0) {
    const wanted = [...new Set(remediations.map((r) => RESOURCE_TYPE_LABEL[r.resourceType]))].join(' or ');
    throw new InputError(`"${target}" remediates ${wanted} resources, but ${resourceArn} is an ${RESOURCE_TYPE_LABEL[ref.type]}`);
  }
  return matching.map((r) => ({
    remediation: r,
    resourceArn: ref.arn,
    ref,
    trigger: { kind: 'runbook' as const },
    ...(mode ? { requestedMode: mode } : {}),
  }));
}

function routeCloudTrail(trigger: Extract<Trigger, { kind: 'cloudtrail' }>, config: EngineConfig, catalog: readonly AnyRemediation[]): WorkItem[] {
  const d = trigger.detail;
  const info: TriggerInfo = { kind: 'cloudtrail', eventId: trigger.envelope.id, eventName: d.eventName };
  const kind = kindForEventSource(d.eventSource);
  const none = (reason: string, arn: string | null = null): WorkItem[] => [{ remediation: null, resourceArn: arn, trigger: info, skip: reason }];
  if (!kind) {
    return none(`CloudTrail eventSource "${d.eventSource}" is not one fixbridge handles (${RESOURCE_KINDS.map((k) => k.cloudTrailEventSource).join(', ')})`);
  }
  if (!kind.triggerEvents.includes(d.eventName)) {
    return none(`${d.eventName} does not change the compliance of an ${RESOURCE_TYPE_LABEL[kind.type]} (triggers: ${kind.triggerEvents.join(', ')})`);
  }
  const remediations = remediationsForType(kind.type, catalog);
  if (d.errorCode) {
    return (remediations.length ? remediations : [null]).map((r) => ({
      remediation: r,
      resourceArn: null,
      trigger: info,
      skip: `the ${d.eventName} call failed (${d.errorCode}); nothing changed`,
    }));
  }
  const arn = kind.arnFromCloudTrail(d);
  if (!arn) return none(`${d.eventName} event names no ${RESOURCE_TYPE_LABEL[kind.type]} (no identifier in requestParameters or responseElements)`);
  let ref: ResourceRef;
  try {
    ref = parseArn(arn);
  } catch (err) {
    return none(`${d.eventName} names a resource fixbridge cannot use: ${(err as Error).message}`, arn);
  }
  if (remediations.length === 0) return none(`no remediation handles ${RESOURCE_TYPE_LABEL[kind.type]} resources`, arn);

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

function routeFinding(f: Finding, trigger: Extract<Trigger, { kind: 'findings' }>, catalog: readonly AnyRemediation[]): WorkItem[] {
  const controlId = controlIdOf(f);
  const custom = trigger.customAction;
  const info: TriggerInfo = {
    kind: custom ? 'custom-action' : 'finding',
    eventId: trigger.envelope.id,
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
    const kind = RESOURCE_KINDS.find((k) => k.type === r.resourceType);
    const resources = f.Resources.filter((res) => kind?.findingResourceTypes.includes(res.Type));
    if (resources.length === 0) {
      items.push({ remediation: r, resourceArn: firstArn, trigger: info, skip: `finding ${f.Id} names no ${RESOURCE_TYPE_LABEL[r.resourceType]} resource` });
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
