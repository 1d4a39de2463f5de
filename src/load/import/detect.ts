// One entry point for load results made elsewhere: read the file, tell its format from
// its content (never from its name alone, files get renamed), and hand it to the importer
// for that format. Every way a file can be wrong comes back as a problem with its line.

import { readFile, stat } from 'node:fs/promises';
import type { ImportOutcome, ImportProblemCode, SourceFile } from './common.js';
import { problem } from './common.js';
import { parseCsv } from './csv.js';
import { importHarnessJson, importHarnessText, isHarnessJson, isHarnessText } from './harness.js';
import { parseJson } from './json.js';
import { importK6Json, importK6Text, isK6Json, isK6Text, k6SummaryWithoutHttp, k6TextWithoutHttp, noHttpMessage } from './k6.js';
import { importLocust, locustKind } from './locust.js';
import { importProdready, prodreadyResultPointer } from './prodready.js';

export type { ImportOutcome, ImportProblem, ImportProblemCode } from './common.js';

/** Larger than any summary; a stats history of a day-long test at 1 row/s is ~20 MiB. */
export const MAX_IMPORT_BYTES = 256 * 1024 * 1024;

/** `-` reads standard input, so `k6 run … | prodready load --import -` works. */
export const STDIN = '-';

/** Problems with reaching the file at all, which a CLI reports as the user's mistake (exit 2), not as a finding. */
export const FILE_ACCESS_CODES: ReadonlySet<ImportProblemCode> = new Set(['file-not-found', 'file-unreadable', 'file-too-large']);

export interface ImportOptions {
  /** The clock. */
  now?: Date;
  /** When the user said the test ran (`--load-results-date`); used only for a file that carries no time. */
  stated?: Date;
  /** What `-` reads; process.stdin unless given. */
  stdin?: AsyncIterable<Buffer | string>;
}

async function readSource(
  file: string,
  stdin: AsyncIterable<Buffer | string>,
): Promise<{ ok: true; bytes: Buffer } | Extract<ImportOutcome, { ok: false }>> {
  if (file === STDIN) {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of stdin) {
      const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      size += b.length;
      if (size > MAX_IMPORT_BYTES) return problem(file, 'file-too-large', `standard input is over ${MAX_IMPORT_BYTES / 1024 / 1024} MiB`, 0);
      chunks.push(b);
    }
    return { ok: true, bytes: Buffer.concat(chunks) };
  }
  try {
    const st = await stat(file);
    if (!st.isFile()) return problem(file, 'file-unreadable', 'is not a regular file', 0);
    if (st.size > MAX_IMPORT_BYTES) return problem(file, 'file-too-large', `is ${Math.round(st.size / 1024 / 1024)} MiB, over the ${MAX_IMPORT_BYTES / 1024 / 1024} MiB limit`, 0);
    return { ok: true, bytes: await readFile(file) };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return problem(file, 'file-not-found', 'no such file', 0);
    if (code === 'EACCES' || code === 'EPERM' || code === 'EISDIR') return problem(file, 'file-unreadable', `cannot read it (${code})`, 0);
    throw e;
  }
}

/** UTF-8 with or without a BOM, or UTF-16 with one (what PowerShell's `>` writes). */
function decode(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    const swapped = Buffer.from(bytes.subarray(2));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  return bytes.toString('utf8').replace(/^\uFEFF/, '');
}

/**
 * Outputs of the same tools that hold data points or pages, not a summary to judge: say which
 * file to pass instead of calling them an unknown format.
 */
function outputsThatAreNotSummaries(text: string): { message: string; line: number } | null {
  const head = text.trimStart().slice(0, 2048);
  const firstLine = head.split(/\r\n|\n|\r/, 1)[0]!;
  if (/^\{"type":"(?:Metric|Point)",/.test(firstLine)) {
    return { message: "this is k6's --out json stream of data points; pass the file of --summary-export (or of handleSummary)", line: 1 };
  }
  if (/^metric_name,timestamp,metric_value,/.test(firstLine)) {
    return { message: "this is k6's --out csv stream of data points; pass the file of --summary-export (or of handleSummary)", line: 1 };
  }
  if (/^<!doctype html|^<html/i.test(head) && /locust/i.test(text.slice(0, 200_000))) {
    return { message: "this is Locust's --html report; pass the *_stats.csv that --csv writes", line: 1 };
  }
  return null;
}

/** Read a load result written by Locust, k6, the recsys harness or prodready into a LoadResult. */
export async function importLoadResult(file: string, opts: ImportOptions = {}): Promise<ImportOutcome> {
  const read = await readSource(file, opts.stdin ?? process.stdin);
  if (!read.ok) return read;
  const src: SourceFile = { file, text: decode(read.bytes), stated: opts.stated ?? null, now: opts.now ?? new Date() };
  if (src.text.trim() === '') return problem(file, 'empty-file', 'the file is empty', 1);

  const hint = outputsThatAreNotSummaries(src.text);
  if (hint) return problem(file, 'not-a-summary', hint.message, hint.line);

  const first = src.text.trimStart()[0];
  if (first === '{' || first === '[') {
    const parsed = parseJson(src.text);
    if (!parsed.ok) return problem(file, 'invalid-json', `not valid JSON: ${parsed.message}`, parsed.line, parsed.column);
    const pointer = prodreadyResultPointer(parsed.value);
    if (pointer !== null) return importProdready(src, parsed, pointer);
    if (isK6Json(parsed.value)) return importK6Json(src, parsed);
    if (isHarnessJson(parsed.value)) return importHarnessJson(src, parsed);
    const noHttp = k6SummaryWithoutHttp(parsed.value);
    if (noHttp) return problem(file, 'no-http-metrics', noHttpMessage(noHttp), parsed.positions.get('/metrics')?.line ?? 1);
    return problem(
      file,
      'unknown-format',
      'JSON that is neither a k6 summary (metrics.http_reqs), a recsys harness report (requests, latency_ms) nor a prodready load report',
      1,
    );
  }

  if (isK6Text(src.text)) return importK6Text(src);
  const noHttpText = k6TextWithoutHttp(src.text);
  if (noHttpText) return problem(file, 'no-http-metrics', noHttpMessage(noHttpText), 1);
  if (isHarnessText(src.text)) return importHarnessText(src);

  // Only the header row decides: a broken row further down is the importer's to report.
  const headerEnd = src.text.search(/\r\n|\n|\r/);
  const header = parseCsv(headerEnd < 0 ? src.text : src.text.slice(0, headerEnd));
  const kind = header.ok && header.rows[0] ? locustKind(header.rows[0].fields.map((f) => f.value)) : null;
  if (kind) return importLocust(src, kind);

  return problem(
    file,
    'unknown-format',
    'not a format prodready reads: expected a Locust *_stats.csv or *_stats_history.csv, a k6 summary (--summary-export JSON or the printed summary), a recsys harness report, or a prodready load report',
    1,
  );
}
