/**
 * parse: raw input → a typed, parsed event (an EventBridge event or a runbook request). Anything fixbridge does not know is rejected with an
 * `InputError` naming the field, never a stack trace.
 */
import { clip, InputError } from '../errors';
import { RESOURCE_KINDS } from '../resources';
import { CLOUDTRAIL_DETAIL_TYPE, CloudTrailDetailSchema, type CloudTrailDetail } from './cloudtrail';
import { EventBridgeEnvelopeSchema, firstIssue, type EventBridgeEnvelope } from './envelope';
import { RunbookRequestSchema, type RunbookRequest } from './runbook';
import {
  asffViewOfOcsf,
  CustomActionDetailSchema,
  FINDINGS_CUSTOM_ACTION,
  FINDINGS_IMPORTED,
  FINDINGS_IMPORTED_V2,
  FindingsImportedDetailSchema,
  FindingsImportedV2DetailSchema,
  INSIGHT_RESULTS,
  InsightResultsDetailSchema,
  SECURITY_HUB_SOURCE,
  type Finding,
} from './securityhub';

/** A Security Hub custom action: its name, and its ARN (the event's first resource). */
export interface CustomAction {
  name: string;
  arn?: string | undefined;
}

export type ParsedEvent =
  | { kind: 'cloudtrail'; envelope: EventBridgeEnvelope; detail: CloudTrailDetail }
  /**
   * `format: 'ocsf'`: the new Security Hub's `Findings Imported V2`, its findings in their ASFF view
   * (`asffViewOfOcsf`); they are written back with BatchUpdateFindingsV2.
   */
  | { kind: 'findings'; envelope: EventBridgeEnvelope; findings: Finding[]; customAction?: CustomAction; format?: 'ocsf' }
  | { kind: 'insight'; envelope: EventBridgeEnvelope; customAction: CustomAction; insightArn?: string | undefined; insightName?: string | undefined }
  | { kind: 'runbook'; request: RunbookRequest };

/** Parse JSON text (a file's content or stdin) into a parsed event. A UTF-8 byte-order mark before the JSON is allowed. */
export function parseEventText(text: string, source = 'event'): ParsedEvent {
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (cause) {
    throw new InputError(`${source} is not valid JSON (${clip((cause as Error).message, 120)})`, { cause });
  }
  return parseEvent(raw, source);
}

export function parseEvent(raw: unknown, source = 'event'): ParsedEvent {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new InputError(`${source} must be a JSON object (an EventBridge event or a runbook request)`);
  }
  const obj = raw as Record<string, unknown>;
  if (!('detail-type' in obj) && ('remediation' in obj || 'resourceArn' in obj)) {
    const req = RunbookRequestSchema.safeParse(raw);
    if (!req.success) throw new InputError(`${source}: runbook request ${firstIssue(req.error)}`);
    return { kind: 'runbook', request: req.data };
  }
  const env = EventBridgeEnvelopeSchema.safeParse(raw);
  if (!env.success) {
    throw new InputError(`${source} is not an EventBridge event or runbook request: ${firstIssue(env.error)}`);
  }
  const e = env.data;
  const detailType = e['detail-type'];

  if (detailType === CLOUDTRAIL_DETAIL_TYPE) {
    if (!RESOURCE_KINDS.some((k) => k.cloudTrail.eventBridgeSource === e.source)) {
      throw new InputError(
        `${source}: CloudTrail events from source "${clip(e.source)}" are not handled (fixbridge handles ${RESOURCE_KINDS.map((k) => k.cloudTrail.eventBridgeSource).join(', ')})`,
      );
    }
    const d = CloudTrailDetailSchema.safeParse(e.detail);
    if (!d.success) throw new InputError(`${source}: CloudTrail event ${firstIssue(d.error, 'detail')}`);
    return { kind: 'cloudtrail', envelope: e, detail: d.data };
  }

  if (detailType === FINDINGS_IMPORTED || detailType === FINDINGS_CUSTOM_ACTION || detailType === INSIGHT_RESULTS || detailType === FINDINGS_IMPORTED_V2) {
    if (e.source !== SECURITY_HUB_SOURCE) throw new InputError(`${source}: "${detailType}" events must come from source "${SECURITY_HUB_SOURCE}", not "${clip(e.source)}"`);
    if (detailType === FINDINGS_IMPORTED) {
      const d = FindingsImportedDetailSchema.safeParse(e.detail);
      if (!d.success) throw new InputError(`${source}: Security Hub finding ${firstIssue(d.error, 'detail')}`);
      return { kind: 'findings', envelope: e, findings: d.data.findings };
    }
    if (detailType === FINDINGS_IMPORTED_V2) {
      const d = FindingsImportedV2DetailSchema.safeParse(e.detail);
      if (!d.success) throw new InputError(`${source}: Security Hub OCSF finding ${firstIssue(d.error, 'detail')}`);
      return { kind: 'findings', envelope: e, findings: d.data.findings.map(asffViewOfOcsf), format: 'ocsf' };
    }
    if (detailType === INSIGHT_RESULTS) {
      const d = InsightResultsDetailSchema.safeParse(e.detail);
      if (!d.success) throw new InputError(`${source}: Security Hub insight results ${firstIssue(d.error, 'detail')}`);
      return { kind: 'insight', envelope: e, customAction: { name: d.data.actionName, arn: e.resources[0] }, insightArn: d.data.insightArn, insightName: d.data.insightName };
    }
    const d = CustomActionDetailSchema.safeParse(e.detail);
    if (!d.success) throw new InputError(`${source}: Security Hub custom action ${firstIssue(d.error, 'detail')}`);
    return { kind: 'findings', envelope: e, findings: d.data.findings, customAction: { name: d.data.actionName, arn: e.resources[0] } };
  }

  throw new InputError(
    `${source} has an unknown shape: detail-type "${clip(detailType)}" from "${clip(e.source)}" (fixbridge handles "${CLOUDTRAIL_DETAIL_TYPE}", "${FINDINGS_IMPORTED}", "${FINDINGS_CUSTOM_ACTION}", "${FINDINGS_IMPORTED_V2}", "${INSIGHT_RESULTS}" and runbook requests)`,
  );
}
