import { z } from 'zod';
import { ModeSchema } from '../results';

/**
 * A manual runbook request: run one remediation (or every remediation mapped to a control id)
 * against one resource. Sent by `fixbridge run`, and by direct invocation of the runbook function.
 * Sample: test/fixtures/runbook-request.json
 */
export const RunbookRequestSchema = z
  .object({
    remediation: z.string().min(1, 'remediation must name a remediation id or control id'),
    resourceArn: z.string().min(1, 'resourceArn must be an ARN'),
    mode: ModeSchema.optional(),
  })
  .strict();
export type RunbookRequest = z.infer<typeof RunbookRequestSchema>;
