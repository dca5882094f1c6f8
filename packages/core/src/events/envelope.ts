import { z } from 'zod';
import { clip } from '../errors';

/**
 * The EventBridge envelope every AWS event arrives in.
 * https://docs.aws.amazon.com/eventbridge/latest/ref/overiew-event-structure.html
 */
export const EventBridgeEnvelopeSchema = z
  .object({
    version: z.string(),
    id: z.string().min(1),
    'detail-type': z.string().min(1),
    source: z.string().min(1),
    account: z.string().regex(/^\d{12}$/, 'expected a 12-digit account id'),
    time: z.string(),
    region: z.string().min(1),
    resources: z.array(z.string()),
    detail: z.unknown(),
  })
  .passthrough();
export type EventBridgeEnvelope = z.infer<typeof EventBridgeEnvelopeSchema>;

/** First zod issue as `path: message`, for one-line errors. */
export function firstIssue(error: z.ZodError, prefix = ''): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  // Keys and values come from the input (zod names unknown keys): each kept short and on one line.
  const path = [prefix, ...issue.path.map((k) => clip(String(k), 40))].filter(Boolean).join('.');
  return `${path || '(root)'}: ${clip(issue.message, 160)}`;
}
