/**
 * The SDK clients only the deployed engine and `fixbridge history|rollback` use. They are loaded
 * on first use, so the other CLI commands do not pay for them at start-up.
 */
import { USER_AGENT_MARKER, VERSION } from '../aws/clients';

function once<T>(load: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= load());
}

export const dynamoSdk = once(async () => ({ ...(await import('@aws-sdk/client-dynamodb')), ...(await import('@aws-sdk/lib-dynamodb')) }));
export const securityHubSdk = once(() => import('@aws-sdk/client-securityhub'));
export const eventBridgeSdk = once(() => import('@aws-sdk/client-eventbridge'));

/** The settings every client fixbridge creates shares (the user agent marks the engine's own calls). */
export function clientConfig(region?: string) {
  return { ...(region ? { region } : {}), customUserAgent: [[USER_AGENT_MARKER, VERSION]] as [string, string][], maxAttempts: 4 };
}
