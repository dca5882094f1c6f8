/**
 * Errors the engine raises on purpose. `InputError` means the caller gave us something we
 * cannot act on (malformed JSON, an unknown event shape, a bad ARN, an invalid config):
 * the CLI prints its one-line message and exits 2, and nothing has been changed.
 */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Raised by adapters when the resource a work item names does not exist. */
export class ResourceNotFoundError extends Error {
  override readonly name = 'ResourceNotFoundError';
}

/** One line describing any thrown value, for results and logs (never a stack trace). */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { name?: string }).name;
    const msg = err.message || String(err);
    return code && code !== 'Error' && !msg.startsWith(code) ? `${code}: ${msg}` : msg;
  }
  return String(err);
}
