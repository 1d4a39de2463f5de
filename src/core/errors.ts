// User and input mistakes: one readable line, a stable code, exit 2. Bugs are not UserErrors and keep their stack.
import { safeText } from './safe-text.js';

export type UserErrorCode =
  | 'file-not-found'
  | 'file-unreadable'
  | 'file-too-large'
  | 'invalid-option'
  | 'invalid-rule-definition'
  | 'unknown-check'
  | 'invalid-check-params'
  | 'duplicate-rule-id'
  | 'invalid-config'
  | 'invalid-attestations'
  | 'invalid-load-results'
  | 'invalid-baseline'
  | 'unknown-rule'
  | 'invalid-merge-input'
  | 'missing-input'
  | 'output-conflict'
  | 'output-unwritable'
  | 'input-deadline'
  | 'unsafe-pattern'
  | 'input-too-complex';

export interface ProblemDetail {
  file?: string;
  /** Dotted path inside the file (`params.variable`, `waivers[2].until`). */
  path?: string;
  message: string;
}

export class UserError extends Error {
  readonly code: UserErrorCode;
  readonly details: ProblemDetail[];

  constructor(code: UserErrorCode, message: string, details: ProblemDetail[] = []) {
    super(message);
    this.name = 'UserError';
    this.code = code;
    this.details = details;
  }

  /**
   * `prodready: error[code]: message`, then one line per detail. Messages quote file names and values
   * from the user's input: a newline or escape sequence in them is shown escaped, so each stays one line.
   */
  format(): string {
    const head = `prodready: error[${this.code}]: ${safeText(this.message)}`;
    const lines = this.details.map(
      (d) => `  ${safeText([d.file, d.path].filter(Boolean).join(': '))}${d.file || d.path ? ': ' : ''}${safeText(d.message)}`,
    );
    return [head, ...lines].join('\n');
  }
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}
