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

export const SECURITY_HUB_SOURCE = 'aws.securityhub';
export const FINDINGS_IMPORTED = 'Security Hub Findings - Imported';
export const FINDINGS_CUSTOM_ACTION = 'Security Hub Findings - Custom Action';

/**
 * The Security Hub control id of a finding: `Compliance.SecurityControlId` (consolidated control
 * findings), else the trailing `SQS.1`-style part of `GeneratorId`
 * (e.g. `aws-foundational-security-best-practices/v/1.0.0/SQS.1`, `security-control/SQS.1`).
 */
export function controlIdOf(f: Finding): string | undefined {
  if (f.Compliance?.SecurityControlId) return f.Compliance.SecurityControlId;
  return /([A-Za-z0-9]+\.\d+)$/.exec(f.GeneratorId)?.[1];
}
