/**
 * EventBridge patterns, built from the catalog and its resource kinds: the rules match exactly what
 * the router routes, and grow with the catalog.
 */
import {
  CATALOG,
  CLOUDTRAIL_DETAIL_TYPE,
  FINDINGS_CUSTOM_ACTION,
  FINDINGS_IMPORTED,
  FINDINGS_IMPORTED_V2,
  INSIGHT_RESULTS,
  catalogKinds,
  generatorIdsFor,
  SECURITY_HUB_SOURCE,
  SECURITY_HUB_V2_PRODUCT_SUFFIX,
  standardsArnSuffixes,
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

/**
 * New, active, failed findings of the catalog's controls (the engine's own write-back leaves NEW, so
 * it never matches), in every form `controlIdOf` routes: consolidated control findings by
 * `Compliance.SecurityControlId`; per-standard findings of the standards that use security control
 * ids by `GeneratorId`, or by `ProductFields.ControlId` with such a `ProductFields.StandardsArn`.
 */
export function findingsPattern(catalog: readonly AnyRemediation[] = CATALOG): Pattern {
  const controls = catalogControls(catalog);
  return {
    source: [SECURITY_HUB_SOURCE],
    'detail-type': [FINDINGS_IMPORTED],
    detail: {
      findings: {
        Compliance: { Status: ['FAILED'] },
        Workflow: { Status: ['NEW'] },
        RecordState: ['ACTIVE'],
        // The order of controlIdOf: a SecurityControlId decides; only without one do the others.
        $or: [
          { Compliance: { SecurityControlId: controls } },
          { Compliance: { SecurityControlId: [{ exists: false }] }, GeneratorId: controls.flatMap(generatorIdsFor) },
          { Compliance: { SecurityControlId: [{ exists: false }] }, ProductFields: { ControlId: controls, StandardsArn: standardsArnSuffixes().map((suffix) => ({ suffix })) } },
        ],
      },
    },
  };
}

/**
 * The new Security Hub's OCSF control findings of the catalog's controls (`Findings Imported V2`):
 * Security Hub's own product, compliance Fail, status New (the write-back sets In Progress or
 * Resolved, so it never matches again), not closed.
 */
export function findingsV2Pattern(catalog: readonly AnyRemediation[] = CATALOG): Pattern {
  return {
    source: [SECURITY_HUB_SOURCE],
    'detail-type': [FINDINGS_IMPORTED_V2],
    detail: {
      findings: {
        metadata: { product: { uid: [{ suffix: SECURITY_HUB_V2_PRODUCT_SUFFIX }] } },
        compliance: { control: catalogControls(catalog), status: ['Fail'] },
        status: ['New'],
        activity_id: [{ 'anything-but': [3] }],
      },
    },
  };
}

/** fixbridge's custom actions, on findings or on an insight's results (reported as not supported, never dropped). */
export function customActionPattern(actionArns: string[]): Pattern {
  return { source: [SECURITY_HUB_SOURCE], 'detail-type': [FINDINGS_CUSTOM_ACTION, INSIGHT_RESULTS], resources: actionArns };
}
