/**
 * Errors the user can act on. Each has a stable code; the CLI prints `message` on one line
 * and exits 2. Messages name the bad option, value or file and list the valid choices.
 */
export type ErrorCode =
  | 'USAGE'
  | 'UNKNOWN_FAMILY'
  | 'UNKNOWN_RUNTIME'
  | 'UNKNOWN_REPORTER'
  | 'INVALID_CASE'
  | 'INVALID_MODULE'
  | 'INVALID_WAT'
  | 'SPEC_PARSE_ERROR'
  | 'RUNTIME_NOT_FOUND'
  | 'IO';

export class TrapcheckError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TrapcheckError';
  }
}

export function usageError(message: string): TrapcheckError {
  return new TrapcheckError('USAGE', message);
}

/** `a`, `b` and `c` — for "valid choices" lists. */
export function listChoices(choices: readonly string[]): string {
  return choices.map((c) => `\`${c}\``).join(', ');
}
