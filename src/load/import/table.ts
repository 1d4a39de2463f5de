// A CSV read as a table with named columns: checks that every row is as wide as the
// header, and reads numbers with the line and column of the cell when one is not a number.

import type { CsvField, CsvRow } from './csv.js';
import type { ImportOutcome, ImportProblem, ImportProblemCode } from './common.js';
import type { LoadResult } from '../../core/load.js';

/** Thrown inside an importer and turned into an `{ ok: false, problem }` at its boundary. */
export class ImportFailure extends Error {
  constructor(readonly problem: ImportProblem) {
    super(problem.message);
  }
}

/** The boundary of a synchronous importer: its ImportFailure becomes `{ ok: false, problem }`, a bug stays thrown. */
export function outcomeOf(read: () => LoadResult): ImportOutcome {
  try {
    return { ok: true, result: read() };
  } catch (e) {
    if (e instanceof ImportFailure) return { ok: false, problem: e.problem };
    throw e;
  }
}

export function failAt(file: string, code: ImportProblemCode, message: string, line: number, column?: number): never {
  throw new ImportFailure(column === undefined ? { file, line, message, code } : { file, line, column, message, code });
}

export class Table {
  readonly columns: Map<string, number>;
  readonly rows: CsvRow[];

  constructor(
    readonly file: string,
    readonly header: CsvRow,
    rows: CsvRow[],
    /** What the file is, for messages: `Locust stats CSV`. */
    readonly kind: string,
  ) {
    this.columns = new Map(header.fields.map((f, i) => [f.value.trim(), i]));
    for (const row of rows) {
      const got = row.fields.length;
      const want = header.fields.length;
      if (got < want) {
        const last = row.fields[got - 1];
        failAt(
          file,
          'truncated-row',
          `row has ${got} of the ${want} fields the header names: the file looks cut short`,
          row.line,
          last ? last.column : 1,
        );
      }
      if (got > want) {
        failAt(file, 'invalid-csv', `row has ${got} fields, the header names ${want}`, row.line, row.fields[want]!.column);
      }
    }
    this.rows = rows;
  }

  has(column: string): boolean {
    return this.columns.has(column);
  }

  require(...names: string[]): void {
    const missing = names.filter((n) => !this.columns.has(n));
    if (missing.length > 0) {
      failAt(
        this.file,
        'missing-column',
        `the ${this.kind} header lacks ${missing.map((m) => `"${m}"`).join(', ')}`,
        this.header.line,
      );
    }
  }

  cell(row: CsvRow, column: string): CsvField | undefined {
    const i = this.columns.get(column);
    return i === undefined ? undefined : row.fields[i];
  }

  text(row: CsvRow, column: string): string {
    return this.cell(row, column)?.value ?? '';
  }

  /** A number, or null where the tool writes `N/A` (Locust, for an entry without requests) or the column is absent. */
  number(row: CsvRow, column: string, opts: { integer?: boolean; required?: boolean } = {}): number | null {
    const field = this.cell(row, column);
    if (!field) {
      if (opts.required) failAt(this.file, 'missing-column', `the ${this.kind} header lacks "${column}"`, this.header.line);
      return null;
    }
    const raw = field.value.trim();
    if (raw === 'N/A' || (raw === '' && !opts.required)) return null;
    const value = raw === '' ? Number.NaN : Number(raw);
    if (!Number.isFinite(value) || (opts.integer && !Number.isInteger(value)) || value < 0) {
      failAt(
        this.file,
        'bad-number',
        `"${column}" is ${raw === '' ? 'empty' : `"${raw.slice(0, 40)}"`}, expected ${opts.integer ? 'a count' : 'a number'}`,
        field.line,
        field.column,
      );
    }
    return value;
  }

  /** Like number(), but the cell must hold one. */
  count(row: CsvRow, column: string): number {
    return this.number(row, column, { integer: true, required: true })!;
  }
}
