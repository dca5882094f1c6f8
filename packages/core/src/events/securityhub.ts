import { z } from 'zod';

/**
 * AWS Security Finding Format (ASFF), the fields fixbridge reads; everything else is kept.
 * https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-findings-format-syntax.html
 * Samples: test/fixtures/securityhub-imported-sqs1.json, securityhub-custom-action.json
 */
export const FindingResourceSchema = z
  .object({
    Type: z.string(),
    Id: z.string().min(1),
    Partition: z.string().optional(),
    Region: z.string().optional(),
    Tags: z.record(z.string(), z.string()).optional(),
  })
  .passthrough();

export const FindingSchema = z
  .object({
    SchemaVersion: z.string().optional(),
    Id: z.string().min(1),
    ProductArn: z.string().min(1),
    GeneratorId: z.string().min(1),
    AwsAccountId: z.string().min(1),
    Region: z.string().optional(),
    Title: z.string().optional(),
    Resources: z.array(FindingResourceSchema).min(1),
    Compliance: z
      .object({
        Status: z.string().optional(),
        SecurityControlId: z.string().optional(),
      })
      .passthrough()
      .optional(),
    Workflow: z.object({ Status: z.string() }).passthrough().optional(),
    WorkflowState: z.string().optional(),
    RecordState: z.string().optional(),
    UpdatedAt: z.string().optional(),
  })
  .passthrough();
export type Finding = z.infer<typeof FindingSchema>;

export const FindingsImportedDetailSchema = z.object({ findings: z.array(FindingSchema).min(1) }).passthrough();

export const CustomActionDetailSchema = z
  .object({
    actionName: z.string(),
    actionDescription: z.string().optional(),
    findings: z.array(FindingSchema).min(1),
  })
  .passthrough();

/**
 * `Security Hub Insight Results`: a custom action chosen on the results of an insight. It names the
 * insight and its grouped results (resource ids with counts), not findings.
 * https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-cwe-event-formats.html
 * Sample: test/fixtures/securityhub-insight-results.json
 */
export const InsightResultsDetailSchema = z
  .object({
    actionName: z.string(),
    actionDescription: z.string().optional(),
    insightArn: z.string().optional(),
    insightName: z.string().optional(),
    resultType: z.string().optional(),
    insightResults: z.array(z.record(z.string(), z.unknown())).optional(),
  })
  .passthrough();

/**
 * The new Security Hub's findings, in the Open Cybersecurity Schema Framework (OCSF): the fields
 * fixbridge reads of a Compliance Finding (class 2003); everything else is kept.
 * Event: https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-v2-cwe-event-formats.html
 * Fields: https://docs.aws.amazon.com/securityhub/latest/userguide/ocsf-findings.html
 * Write-back: https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_BatchUpdateFindingsV2.html
 * Sample: test/fixtures/securityhub-v2-imported-sqs1.json
 */
export const OcsfResourceSchema = z
  .object({
    /** `AWS::SQS::Queue`, `AWS::SNS::Topic`, `AWS::AmazonMQ::Broker`: CloudFormation types. */
    type: z.string(),
    /** The resource's own identifier: an ARN, or an SQS queue URL (then `uid_alt` is the ARN). */
    uid: z.string().min(1),
    uid_alt: z.string().optional(),
    region: z.string().optional(),
    cloud_partition: z.string().optional(),
  })
  .passthrough();

export const OcsfFindingSchema = z
  .object({
    class_uid: z.number().optional(),
    /** 1 Create, 2 Update, 3 Close (a closed finding is no longer active). */
    activity_id: z.number().optional(),
    activity_name: z.string().optional(),
    metadata: z
      .object({
        /** Globally unique id of the finding: what BatchUpdateFindingsV2 takes as `MetadataUids`. */
        uid: z.string().min(1),
        product: z.object({ uid: z.string().min(1), name: z.string().optional() }).passthrough(),
        version: z.string().optional(),
      })
      .passthrough(),
    finding_info: z.object({ uid: z.string().min(1), title: z.string().optional() }).passthrough(),
    cloud: z.object({ account: z.object({ uid: z.string() }).passthrough().optional(), region: z.string().optional() }).passthrough().optional(),
    compliance: z
      .object({
        control: z.string().optional(),
        /** `Pass`, `Warning`, `Fail` (status_id 1, 2, 3). */
        status: z.string().optional(),
        status_id: z.number().optional(),
        standards: z.array(z.string()).optional(),
      })
      .passthrough()
      .optional(),
    resources: z.array(OcsfResourceSchema).min(1),
    /** `New`, `In Progress`, `Suppressed`, `Resolved`, `Archived` (status_id 1 to 5). */
    status: z.string().optional(),
    status_id: z.number().optional(),
  })
  .passthrough();
export type OcsfFinding = z.infer<typeof OcsfFindingSchema>;

export const FindingsImportedV2DetailSchema = z.object({ findings: z.array(OcsfFindingSchema).min(1) }).passthrough();

export const SECURITY_HUB_SOURCE = 'aws.securityhub';
export const FINDINGS_IMPORTED = 'Security Hub Findings - Imported';
export const FINDINGS_CUSTOM_ACTION = 'Security Hub Findings - Custom Action';
export const INSIGHT_RESULTS = 'Security Hub Insight Results';
export const FINDINGS_IMPORTED_V2 = 'Findings Imported V2';

/** The OCSF product of Security Hub's own control findings ends so (`arn:aws:securityhub:<region>::productv2/aws/securityhub`). */
export const SECURITY_HUB_V2_PRODUCT_SUFFIX = '::productv2/aws/securityhub';

/**
 * The Security Hub standards whose per-standard control findings name their control by its security
 * control id (`SQS.1`), in `GeneratorId` (`<standard>/v/<version>/SQS.1`) and `ProductFields.ControlId`.
 * The CIS benchmarks (`1.22`, `rule/2.9`) and PCI DSS (`PCI.SQS.1`) number their controls their own
 * way: a suffix of theirs that looks like a control id is a different control, so they are not here.
 * https://docs.aws.amazon.com/securityhub/latest/userguide/sample-control-findings.html
 */
export const CONTROL_ID_STANDARDS: readonly { id: string; version: string }[] = [
  { id: 'aws-foundational-security-best-practices', version: '1.0.0' },
  { id: 'nist-800-53', version: '5.0.0' },
  { id: 'nist-800-171', version: '2.0.0' },
  { id: 'aws-resource-tagging-standard', version: '1.0.0' },
];

const CONTROL_ID_RE = /^[A-Za-z][A-Za-z0-9]*\.\d+$/;

/** Every GeneratorId a control finding of `control` can carry: consolidated, or per standard. */
export function generatorIdsFor(control: string): string[] {
  return [`security-control/${control}`, ...CONTROL_ID_STANDARDS.map((s) => `${s.id}/v/${s.version}/${control}`)];
}

/** The `:standards/<id>/v/<version>` tail of each standard's ARN (`arn:aws:securityhub:<region>::standards/…`). */
export function standardsArnSuffixes(): string[] {
  return CONTROL_ID_STANDARDS.map((s) => `:standards/${s.id}/v/${s.version}`);
}

function controlFromGeneratorId(generatorId: string): string | undefined {
  const slash = generatorId.lastIndexOf('/');
  const control = generatorId.slice(slash + 1);
  return CONTROL_ID_RE.test(control) && generatorIdsFor(control).includes(generatorId) ? control : undefined;
}

function controlFromProductFields(fields: unknown): string | undefined {
  if (!fields || typeof fields !== 'object') return undefined;
  const { ControlId: control, StandardsArn: standard } = fields as Record<string, unknown>;
  if (typeof control !== 'string' || typeof standard !== 'string' || !CONTROL_ID_RE.test(control)) return undefined;
  return standardsArnSuffixes().some((tail) => standard.endsWith(tail)) ? control : undefined;
}

/**
 * The Security Hub control id of a finding: `Compliance.SecurityControlId` (every control finding
 * with consolidated control findings), else the control of a per-standard finding of a standard
 * that uses security control ids (`CONTROL_ID_STANDARDS`): from its `GeneratorId`
 * (`aws-foundational-security-best-practices/v/1.0.0/SQS.1`, `security-control/SQS.1`), or its
 * `ProductFields.ControlId` when `ProductFields.StandardsArn` names such a standard. Nothing else:
 * a CIS or PCI control never maps onto a control id with the same ending.
 */
export function controlIdOf(f: Finding): string | undefined {
  if (f.Compliance?.SecurityControlId) return f.Compliance.SecurityControlId;
  return controlFromGeneratorId(f.GeneratorId) ?? controlFromProductFields(f.ProductFields);
}

const OCSF_COMPLIANCE: Record<number, string> = { 1: 'PASSED', 2: 'WARNING', 3: 'FAILED' };
const OCSF_STATUS: Record<number, string> = { 0: 'UNKNOWN', 1: 'NEW', 2: 'IN_PROGRESS', 3: 'SUPPRESSED', 4: 'RESOLVED', 5: 'ARCHIVED', 99: 'OTHER' };
const upperSnake = (s: string) => s.trim().toUpperCase().replace(/[\s-]+/g, '_');

/**
 * An OCSF finding as the ASFF view routing reads: `Id` is `metadata.uid` (what the V2 write-back
 * names), `ProductArn` is `metadata.product.uid`, the control is `compliance.control` (only for
 * Security Hub's own control findings), resources by their CloudFormation type and ARN (`uid_alt`
 * when `uid` is not one, as for SQS queues, whose `uid` is the queue URL), a closed finding
 * (`activity_id` 3) is ARCHIVED.
 */
export function asffViewOfOcsf(o: OcsfFinding): Finding {
  const ownControl = o.metadata.product.uid.endsWith(SECURITY_HUB_V2_PRODUCT_SUFFIX) ? o.compliance?.control : undefined;
  const compliance = o.compliance?.status_id !== undefined ? OCSF_COMPLIANCE[o.compliance.status_id] : o.compliance?.status ? upperSnake(o.compliance.status).replace(/^PASS$/, 'PASSED').replace(/^FAIL$/, 'FAILED') : undefined;
  const workflow = o.status_id !== undefined ? OCSF_STATUS[o.status_id] ?? `status_id ${o.status_id}` : o.status ? upperSnake(o.status) : undefined;
  return {
    Id: o.metadata.uid,
    ProductArn: o.metadata.product.uid,
    GeneratorId: o.finding_info.uid,
    AwsAccountId: o.cloud?.account?.uid ?? '',
    ...(o.cloud?.region ? { Region: o.cloud.region } : {}),
    ...(o.finding_info.title ? { Title: o.finding_info.title } : {}),
    Resources: o.resources.map((r) => ({
      Type: r.type,
      Id: r.uid.startsWith('arn:') || !r.uid_alt ? r.uid : r.uid_alt,
      ...(r.region ? { Region: r.region } : {}),
      ...(r.cloud_partition ? { Partition: r.cloud_partition } : {}),
    })),
    Compliance: { ...(compliance ? { Status: compliance } : {}), ...(ownControl ? { SecurityControlId: ownControl } : {}) },
    ...(workflow ? { Workflow: { Status: workflow } } : {}),
    RecordState: o.activity_id === 3 ? 'ARCHIVED' : 'ACTIVE',
  };
}
