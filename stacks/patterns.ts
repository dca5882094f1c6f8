/**
 * EventBridge patterns, built from the catalog and its resource kinds: the rules match exactly what
 * the router routes, and grow with the catalog.
 */
import {
  CATALOG,
  CLOUDTRAIL_DETAIL_TYPE,
  FINDINGS_CUSTOM_ACTION,
  FINDINGS_IMPORTED,
  catalogKinds,
  SECURITY_HUB_SOURCE,
  type AnyRemediation,
} from '@fixbridge/core';

export interface Pattern {
  source: string[];
  'detail-type': string[];
  detail?: Record<string, unknown>;
  resources?: string[];
}

/** One pattern per resource kind the catalog remediates: its trigger events, successful calls only. */
export function cloudTrailPatterns(catalog: readonly AnyRemediation[] = CATALOG): { type: string; pattern: Pattern }[] {
  return catalogKinds(catalog).map((k) => ({
    type: k.type,
    pattern: {
      source: [k.cloudTrail.eventBridgeSource],
      'detail-type': [CLOUDTRAIL_DETAIL_TYPE],
      detail: { eventSource: [k.cloudTrail.eventSource], eventName: [...k.cloudTrail.triggerEvents], errorCode: [{ exists: false }] },
    },
  }));
}

/** Every Security Hub control id the catalog routes on, sorted. */
export function catalogControls(catalog: readonly AnyRemediation[] = CATALOG): string[] {
  return [...new Set(catalog.flatMap((r) => r.controls.securityHub))].sort();
}

/** New, active, failed findings of the catalog's controls (the engine's own write-back leaves NEW, so it never matches). */
export function findingsPattern(catalog: readonly AnyRemediation[] = CATALOG): Pattern {
  return {
    source: [SECURITY_HUB_SOURCE],
    'detail-type': [FINDINGS_IMPORTED],
    detail: {
      findings: {
        Compliance: { Status: ['FAILED'], SecurityControlId: catalogControls(catalog) },
        Workflow: { Status: ['NEW'] },
        RecordState: ['ACTIVE'],
      },
    },
  };
}

export function customActionPattern(actionArns: string[]): Pattern {
  return { source: [SECURITY_HUB_SOURCE], 'detail-type': [FINDINGS_CUSTOM_ACTION], resources: actionArns };
}
