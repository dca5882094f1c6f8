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
    super(oneLine(message, MAX_INPUT_ERROR), options);
  }
}

/** The longest an `InputError` message gets: whatever input it quotes, it stays a readable line. */
export const MAX_INPUT_ERROR = 600;
/** The longest piece of input (in characters) a message or reason quotes (`clip`). */
export const MAX_QUOTED = 80;

/** Text on one line, at most `max` characters (the cut marked with `…`). */
export function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s*[\r\n]+\s*/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
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
 * A piece of input (an event field, an identifier, a parser's message that echoes it) as a message
 * quotes it: any type (non-strings as JSON), control characters and line breaks escaped, cut to
 * at most `max` characters of output (escapes count; an astral character counts two), the full
 * length in code points noted. Ordinary values come out unchanged.
 */
export function clip(value: unknown, max = MAX_QUOTED): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  const escape = (c: string) => (/[\u0000-\u001f\u007f\u2028\u2029]/.test(c) ? (c === '\n' ? '\\n' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : c);
  const chars = Array.from(text);
  let out = '';
  let shown = 0;
  for (const c of chars) {
    const e = escape(c);
    if (out.length + e.length > max) break;
    out += e;
    shown++;
  }
  return shown === chars.length ? out : `${out}… (${chars.length} characters)`;
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
