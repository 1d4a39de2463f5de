import { UserError } from '../../src/core/errors.js';

/** The UserError `fn` throws; any other error is rethrown, and returning normally fails the test. */
export function userError(fn: () => unknown): UserError {
  try {
    fn();
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('expected a UserError');
}
