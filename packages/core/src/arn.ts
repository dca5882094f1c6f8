/**
 * ARNs in general. What a particular kind's ARN looks like lives in its module
 * (`resources/<kind>.ts`); `parseArn` in `resources/index.ts` puts the two together.
 */
import { clip } from './errors';
import type { ResourceType } from './resources';

/** A parsed, validated reference to one resource. */
export interface ResourceRef {
  type: ResourceType;
  arn: string;
  partition: string;
  region: string;
  accountId: string;
  /** Queue name, topic name, or broker id. */
  name: string;
  /**
   * The kind's own locator, when a listing or the event already gave it (an SQS queue URL), so the
   * read need not look it up.
   */
  hint?: string | undefined;
}

/** The parts of an ARN of a regional resource of one account. */
export interface ArnParts {
  partition: string;
  service: string;
  region: string;
  accountId: string;
  resource: string;
}

const ARN_RE = /^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b):([a-z0-9-]+):([a-z0-9-]*):(\d{12}):(.+)$/;
export const REGION_RE = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** Split an ARN, or say what is wrong with it. */
export function splitArn(arn: string): ArnParts | { error: string } {
  const m = ARN_RE.exec(arn.trim());
  if (!m) return { error: 'expected arn:<partition>:<service>:<region>:<12-digit account>:<resource>' };
  const [, partition, service, region, accountId, resource] = m as unknown as [string, string, string, string, string, string];
  if (!REGION_RE.test(region)) return { error: `"${clip(region, 40)}" is not an AWS region` };
  return { partition, service, region, accountId, resource };
}

export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** Role ARN behind an assumed-role session ARN, or the ARN itself. */
export function roleArnOf(principalArn: string): string {
  const m = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(principalArn);
  return m ? `arn:${m[1]}:iam::${m[2]}:role/${m[3]}` : principalArn;
}
