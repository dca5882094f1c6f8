/** What bad input does: `fn` must throw an `InputError`; its message, for the test to check. */
import { expect } from 'vitest';
import { InputError } from '@fixbridge/core';

export function inputErrorOf(fn: () => unknown): string {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(InputError);
  return (err as InputError).message;
}
