/**
 * Errors the engine raises on purpose. Each keeps the error that caused it (`cause`).
 *
 * `InputError` means the caller gave us something we cannot act on (malformed JSON, an unknown
 * event shape, a bad ARN, an invalid config): the CLI prints its one-line message and exits 2, and
 * nothing has been changed.
 */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Raised by a resource kind's read when the resource a work item names does not exist. */
export class ResourceNotFoundError extends Error {
  override readonly name = 'ResourceNotFoundError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * Raised by a kind's `applyOps` when the policy it is about to replace is no longer the one the
 * plan was made from (someone, or another remediation, edited it in between). Nothing was written.
 */
export class ConcurrentEditError extends Error {
  override readonly name = 'ConcurrentEditError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * Text from the input (or from a parser that echoes it) made fit for a one-line message: control
 * characters and line breaks escaped, cut to `max` characters (code points) with the full length
 * noted. Ordinary values come out unchanged.
 */
export function clip(text: unknown, max = 80): string {
  const escape = (s: string) => s.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => (c === '\n' ? '\\n' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  const chars = Array.from(String(text));
  return chars.length <= max ? escape(chars.join('')) : `${escape(chars.slice(0, max).join(''))}… (${chars.length} characters)`;
}

/** One line describing any thrown value, for results and logs (never a stack trace). */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { name?: string }).name;
    const msg = err.message || String(err);
    // Our own errors speak for themselves; an AWS error's name is its code, worth keeping.
    if (err instanceof ConcurrentEditError || err instanceof ResourceNotFoundError) return msg;
    return code && code !== 'Error' && !msg.startsWith(code) ? `${code}: ${msg}` : msg;
  }
  return String(err);
}
