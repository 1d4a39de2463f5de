// A small RFC 4180 reader that keeps where every field started, so a problem in a
// load-result file can be reported at its line and column. Locust writes its CSVs with
// Python's csv module: CRLF line ends, fields quoted only when they hold a comma, quote or newline.

export interface CsvField {
  value: string;
  /** 1-based line and column where the field starts. */
  line: number;
  column: number;
}

export interface CsvRow {
  /** 1-based line where the row starts (a quoted field may carry it over several lines). */
  line: number;
  fields: CsvField[];
}

export type CsvParse =
  | { ok: true; rows: CsvRow[] }
  | { ok: false; line: number; column: number; code: 'unterminated-quote' | 'stray-quote'; message: string };

/** Parse CSV text; blank lines are skipped, a quote left open at the end of the file is an error. */
export function parseCsv(text: string): CsvParse {
  const rows: CsvRow[] = [];
  let line = 1;
  let column = 1;
  let i = 0;
  const n = text.length;

  let fields: CsvField[] = [];
  let rowLine = 1;
  let rowHasContent = false;

  const endRow = (): void => {
    // A line with nothing on it is not a row with one empty field.
    if (rowHasContent) rows.push({ line: rowLine, fields });
    fields = [];
    rowHasContent = false;
  };

  while (i <= n) {
    if (fields.length === 0 && !rowHasContent) rowLine = line;
    const fieldLine = line;
    const fieldColumn = column;

    if (i < n && text[i] === '"') {
      // Quoted field: "" is a literal quote, the field ends at the quote not followed by another.
      i++;
      column++;
      let value = '';
      let closed = false;
      while (i < n) {
        const ch = text[i]!;
        if (ch === '"') {
          if (text[i + 1] === '"') {
            value += '"';
            i += 2;
            column += 2;
            continue;
          }
          i++;
          column++;
          closed = true;
          break;
        }
        if (ch === '\r' && text[i + 1] === '\n') {
          value += '\r\n';
          i += 2;
          line++;
          column = 1;
          continue;
        }
        if (ch === '\n' || ch === '\r') {
          value += ch;
          i++;
          line++;
          column = 1;
          continue;
        }
        value += ch;
        i++;
        column++;
      }
      if (!closed) {
        return {
          ok: false,
          line: fieldLine,
          column: fieldColumn,
          code: 'unterminated-quote',
          message: 'a quoted field is never closed: the file looks truncated',
        };
      }
      fields.push({ value, line: fieldLine, column: fieldColumn });
      rowHasContent = true;
      if (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
        return {
          ok: false,
          line,
          column,
          code: 'stray-quote',
          message: 'text follows the closing quote of a field',
        };
      }
    } else {
      const fieldStart = i;
      while (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
        if (text[i] === '"') {
          return { ok: false, line, column, code: 'stray-quote', message: 'a quote inside an unquoted field' };
        }
        i++;
        column++;
      }
      const value = text.slice(fieldStart, i);
      if (value !== '' || (i < n && text[i] === ',') || fields.length > 0) {
        fields.push({ value, line: fieldLine, column: fieldColumn });
        rowHasContent = true;
      }
    }

    if (i >= n) {
      endRow();
      break;
    }
    const sep = text[i]!;
    if (sep === ',') {
      i++;
      column++;
      // A comma always opens one more field, even an empty last one.
      rowHasContent = true;
      continue;
    }
    // Line end: CRLF, LF or a lone CR.
    if (sep === '\r' && text[i + 1] === '\n') i += 2;
    else i++;
    line++;
    column = 1;
    endRow();
  }
  return { ok: true, rows };
}
