// `prodready merge FILE...`: joins the JSON Lines of sharded fleet runs (`check --each GLOB --shard I/N --format
// json`) into one report in any fleet format, with the exit code the unsharded run would have had. The shards
// are read twice, as streams: once to check that they fit together (every shard of N present once, every record
// whole, no deployment twice), then to write the report in deployment order by merging the sorted shards, so
// memory stays flat however large the fleet.
import { createReadStream, statSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { Command } from 'commander';
import { loadConfig } from '../engine/config.js';
import { UserError } from '../core/errors.js';
import type { ReportContext, RunResult } from '../core/types.js';
import { FLEET_FORMATS, isFleetFormat, type FleetFormatName } from '../reporters/fleet/index.js';
import { fleetExitCode, type FleetReporter, type FleetRow } from '../reporters/fleet/types.js';
import { safeContext, safeResult } from '../reporters/lib/safe-result.js';
import { pairFormatsWithOutputs } from '../reporters/output-pairs.js';
import { mapStrings, safeText } from '../core/safe-text.js';
import { VERSION } from '../version.js';
import { collect } from './flags.js';
import { writeOutputFile, writeStdout } from '../reporters/lib/output-file.js';
import { loadRunPack } from '../engine/run.js';
import { MAX_SHARDS } from '../engine/shard.js';
import { unitMetas } from '../pack/pack.js';
import { addReportOptions, resolveReportOptions } from './report-options.js';

/** A shard file is our own output, but read as untrusted: bounded in size and in line length. */
const MAX_FILE_BYTES = 4 * 1024 ** 3;
const MAX_LINE_CHARS = 64 * 1024 * 1024;

interface ShardInfo {
  index: number;
  total: number;
}

interface Checked {
  file: string;
  rows: FleetRow[];
  shard?: ShardInfo;
}

function bad(file: string, line: number | undefined, why: string): never {
  throw new UserError('invalid-merge-input', `${safeText(file)}${line !== undefined ? `:${line}` : ''}: ${why}`);
}

/**
 * The file's lines, numbered from 1, blank ones skipped. Split here rather than by readline, which holds a whole
 * line before handing it over: a shard that is one line of gigabytes would fill memory, and past V8's longest
 * string end the process with a stack trace, before any bound could be checked. Here a line is refused as soon
 * as it outgrows the bound, holding at most the bound and one chunk.
 */
async function* lines(file: string): AsyncGenerator<{ n: number; text: string }> {
  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 1024 * 1024 });
  let pending = '';
  let n = 0;
  const line = (text: string): { n: number; text: string } | undefined => {
    // (Its length was checked before it was joined: at most the bound.)
    n += 1;
    const t = text.endsWith('\r') ? text.slice(0, -1) : text;
    return t.trim() === '' ? undefined : { n, text: t };
  };
  try {
    const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<string>;
    for (;;) {
      let next: IteratorResult<string>;
      try {
        next = await chunks.next();
      } catch (e) {
        const code = (e as { code?: unknown }).code;
        if (typeof code === 'string') throw new UserError('file-unreadable', `${safeText(file)} cannot be read (${code})`);
        throw e;
      }
      if (next.done) break;
      const chunk = next.value;
      let start = 0;
      for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', start)) {
        // Checked before joining, so the joined text is never much longer than the bound.
        if (pending.length + (nl - start) > MAX_LINE_CHARS) bad(file, n + 1, `a line longer than ${MAX_LINE_CHARS} characters`);
        const l = line(pending + chunk.slice(start, nl));
        pending = '';
        start = nl + 1;
        if (l) yield l;
      }
      if (pending.length + (chunk.length - start) > MAX_LINE_CHARS) bad(file, n + 1, `a line longer than ${MAX_LINE_CHARS} characters`);
      pending += chunk.slice(start);
    }
    if (pending !== '') {
      const l = line(pending);
      if (l) yield l;
    }
  } finally {
    stream.destroy();
  }
}

type Line = { kind: 'record'; result: RunResult } | { kind: 'summary'; rows: FleetRow[]; shard?: ShardInfo };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isRow(v: unknown): v is FleetRow {
  return (
    isObject(v) &&
    typeof v.deployment === 'string' &&
    (v.verdict === 'ready' || v.verdict === 'not-ready' || v.verdict === 'error') &&
    Array.isArray(v.failuresBySection) &&
    v.failuresBySection.every((n) => typeof n === 'number') &&
    typeof v.fatal === 'number' &&
    (v.error === undefined || typeof v.error === 'string')
  );
}

const isStrings = (v: unknown): boolean => Array.isArray(v) && v.every((x) => typeof x === 'string');
const optionalObject = (v: unknown): boolean => v === undefined || isObject(v);

/** A finding as far as the reports read it: a field of the wrong type would crash a report half written. */
function isFinding(f: unknown): boolean {
  return (
    isObject(f) &&
    typeof f.ruleId === 'string' &&
    typeof f.status === 'string' &&
    typeof f.message === 'string' &&
    isStrings(f.evidence) &&
    optionalObject(f.location) &&
    optionalObject(f.data) &&
    optionalObject(f.waiver) &&
    optionalObject(f.attestation)
  );
}

function isUnitResult(u: unknown): boolean {
  return isObject(u) && typeof u.id === 'string' && typeof u.title === 'string' && typeof u.status === 'string' && Array.isArray(u.findings) && u.findings.every(isFinding) && isStrings(u.evidence);
}

/** A record is a run result with a deployment (the JSON report, docs/json-report.md); the summary ends the file. */
function parseLine(file: string, n: number, text: string): Line {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    bad(file, n, 'not JSON (give the output of check --each … --format json)');
  }
  if (!isObject(v)) bad(file, n, 'not a JSON object');
  if (Array.isArray(v.summary)) {
    if (!v.summary.every(isRow)) bad(file, n, 'a summary row is not { deployment, verdict, failuresBySection, fatal }');
    const s = v.shard;
    // N bounded as --shard bounds it: the merge lists the shards 1..N it expects, and a shard file is untrusted.
    if (
      s !== undefined &&
      !(isObject(s) && Number.isInteger(s.index) && Number.isInteger(s.total) && (s.index as number) >= 1 && (s.index as number) <= (s.total as number) && (s.total as number) <= MAX_SHARDS)
    ) {
      bad(file, n, `the shard is not { index, total } with 1 <= index <= total <= ${MAX_SHARDS}`);
    }
    return { kind: 'summary', rows: v.summary, ...(s !== undefined ? { shard: s as unknown as ShardInfo } : {}) };
  }
  if (v.schemaVersion !== '1.0') bad(file, n, `schemaVersion ${JSON.stringify(String(v.schemaVersion).slice(0, 20))} is not 1.0`);
  const s = v.summary;
  if (
    typeof v.deployment !== 'string' ||
    !Array.isArray(v.results) ||
    !v.results.every(isUnitResult) ||
    !Array.isArray(v.fatal) ||
    !v.fatal.every(isFinding) ||
    !Array.isArray(v.inputs) ||
    !v.inputs.every((i) => isObject(i) && typeof i.file === 'string' && typeof i.kind === 'string') ||
    !isObject(v.environment) ||
    !isObject(s) ||
    (s.verdict !== 'ready' && s.verdict !== 'not-ready') ||
    !isObject(s.counts) ||
    !Object.values(s.counts).every((c) => typeof c === 'number') ||
    !Array.isArray(s.sections) ||
    !s.sections.every((x) => isObject(x) && isObject(x.counts))
  ) {
    bad(file, n, 'not a fleet record (a run result with deployment, inputs, fatal, results and summary)');
  }
  return { kind: 'record', result: v as unknown as RunResult };
}

/** First pass: the file is records in deployment order, then one summary that names exactly those deployments. */
async function checkShard(file: string): Promise<Checked> {
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) bad(file, undefined, 'not a regular file');
    size = st.size;
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError('file-not-found', `${safeText(file)} does not exist or cannot be read`);
  }
  if (size > MAX_FILE_BYTES) bad(file, undefined, `larger than ${MAX_FILE_BYTES} bytes`);
  const seen = new Set<string>();
  let last: string | undefined;
  let summary: Extract<Line, { kind: 'summary' }> | undefined;
  for await (const { n, text } of lines(file)) {
    if (summary) bad(file, n, 'a line after the summary (concatenated shards? give each file apart)');
    const line = parseLine(file, n, text);
    if (line.kind === 'summary') {
      summary = line;
      continue;
    }
    const name = line.result.deployment!;
    if (last !== undefined && !(last < name)) bad(file, n, `deployment ${JSON.stringify(name)} is out of order or repeated`);
    last = name;
    seen.add(name);
  }
  if (!summary) bad(file, undefined, 'no summary line: the shard did not finish (its job failed or its output was cut)');
  for (const r of summary.rows) {
    const has = seen.delete(r.deployment);
    if (r.verdict === 'error' ? has : !has) bad(file, undefined, `the summary and the records disagree about ${JSON.stringify(r.deployment)}`);
  }
  if (seen.size > 0) bad(file, undefined, `${seen.size} record(s) missing from the summary`);
  return { file, rows: summary.rows, ...(summary.shard ? { shard: summary.shard } : {}) };
}

/** Every shard of one N, each once; or runs that were not sharded at all. */
function checkComplete(shards: Checked[]): void {
  const sharded = shards.filter((s) => s.shard);
  if (sharded.length === 0) return;
  if (sharded.length !== shards.length) {
    throw new UserError('invalid-merge-input', `${safeText(shards.find((s) => !s.shard)!.file)} is not a shard, the others are`);
  }
  const total = sharded[0]!.shard!.total;
  const have = new Map<number, string>();
  for (const s of sharded) {
    if (s.shard!.total !== total) throw new UserError('invalid-merge-input', `${safeText(s.file)} is shard ${s.shard!.index}/${s.shard!.total}, not of ${total}`);
    const other = have.get(s.shard!.index);
    if (other !== undefined) throw new UserError('invalid-merge-input', `${safeText(other)} and ${safeText(s.file)} are both shard ${s.shard!.index}/${total}`);
    have.set(s.shard!.index, s.file);
  }
  const missing = Array.from({ length: total }, (_, i) => i + 1).filter((i) => !have.has(i));
  if (missing.length) {
    throw new UserError('invalid-merge-input', `shard${missing.length > 1 ? 's' : ''} ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''} of ${total} missing: a merge of part of the fleet would judge only part of it`);
  }
}

interface Sink {
  write(text: string): Promise<void>;
  close(): Promise<void>;
}

async function openSink(output: string | undefined): Promise<Sink> {
  if (output === undefined) {
    return {
      write: writeStdout,
      close: async () => {},
    };
  }
  // Made (and emptied) through writeOutputFile, so a path that cannot take the file is one coded line.
  await writeOutputFile(output, '');
  const fh: FileHandle = await open(output, 'a');
  return {
    write: async (text) => {
      if (!text) return;
      try {
        await fh.write(text);
      } catch (e) {
        const code = (e as { code?: unknown }).code;
        if (typeof code === 'string') throw new UserError('output-unwritable', `cannot write --output ${safeText(output)} (${code})`);
        throw e;
      }
    },
    close: () => fh.close(),
  };
}

/** Second pass: the shards' records merged in deployment order (each shard is sorted), fed to every report. */
async function writeMerged(files: string[], outs: Array<{ reporter: FleetReporter; sink: Sink }>, rows: FleetRow[], ctx: ReportContext): Promise<void> {
  const streams = files.map((file) => ({ file, it: lines(file) }));
  const heads: Array<RunResult | undefined> = [];
  const next = async (k: number): Promise<void> => {
    const { value, done } = await streams[k]!.it.next();
    const line = done ? undefined : parseLine(streams[k]!.file, value.n, value.text);
    heads[k] = line?.kind === 'record' ? line.result : undefined;
  };
  for (let k = 0; k < streams.length; k += 1) await next(k);
  const safeCtx = safeContext(ctx);
  for (const o of outs) await o.sink.write(o.reporter.head(safeCtx));
  for (;;) {
    let k = -1;
    for (let j = 0; j < heads.length; j += 1) {
      if (heads[j] && (k < 0 || heads[j]!.deployment! < heads[k]!.deployment!)) k = j;
    }
    if (k < 0) break;
    const result = safeResult(heads[k]!);
    for (const o of outs) await o.sink.write(o.reporter.deployment(result, safeCtx));
    await next(k);
  }
  // The summary rows are read from the shards like the records, and escaped like them before any format sees them.
  const safeRows = mapStrings(rows, safeText);
  for (const o of outs) await o.sink.write(o.reporter.tail(safeRows, safeCtx));
  for (const s of streams) await s.it.return(undefined);
}

interface MergeOptions {
  format: string[];
  output: string[];
  rules: string[];
  config?: string;
  root?: string;
  sarifCategory?: string;
  docsUrl?: string;
}

export async function runMerge(files: string[], opts: MergeOptions): Promise<number> {
  const pairs = pairFormatsWithOutputs(opts.format, opts.output);
  for (const p of pairs) {
    if (!isFleetFormat(p.format)) throw new UserError('invalid-option', `merge writes ${Object.keys(FLEET_FORMATS).join(', ')}, not ${p.format}`);
  }
  const report = resolveReportOptions(opts);
  const checked: Checked[] = [];
  for (const f of files) checked.push(await checkShard(f));
  checkComplete(checked);
  const rows = checked.flatMap((c) => c.rows).sort((a, b) => (a.deployment < b.deployment ? -1 : a.deployment > b.deployment ? 1 : 0));
  for (let i = 1; i < rows.length; i += 1) {
    if (rows[i]!.deployment === rows[i - 1]!.deployment) throw new UserError('invalid-merge-input', `deployment ${JSON.stringify(safeText(rows[i]!.deployment))} is in more than one shard`);
  }
  // Rule descriptors for SARIF's rules[] come from the pack the shards ran with (the built-in one, plus --rules).
  const needsUnits = pairs.some((p) => p.format === 'sarif');
  const units = needsUnits ? unitMetas((await loadRunPack(await loadConfig(opts.config !== undefined ? { file: opts.config } : {}), opts.rules)).rules) : [];
  const ctx: ReportContext = { units, toolVersion: VERSION, cwd: process.cwd(), color: false, ...report };
  const outs: Array<{ reporter: FleetReporter; sink: Sink }> = [];
  try {
    for (const p of pairs) outs.push({ reporter: (await FLEET_FORMATS[p.format as FleetFormatName]()).default(), sink: await openSink(p.output) });
    await writeMerged(files, outs, rows, ctx);
  } finally {
    for (const o of outs) await o.sink.close();
  }
  return fleetExitCode(rows);
}

export function registerMergeCommand(program: Command): void {
  addReportOptions(
    program
      .command('merge')
      .description('join the JSON Lines of sharded fleet runs (check --each … --shard I/N --format json) into one report')
      .argument('<files...>', 'one JSON Lines file per shard'),
  )
    .option('-f, --format <name>', 'text | json | sarif | junit | markdown (repeatable)', collect, [])
    .option('-o, --output <file>', 'file for the matching --format (repeatable)', collect, [])
    .option('--rules <dir>', 'the extra rule pack directories the shards ran with, for SARIF rule descriptions (repeatable)', collect, [])
    .option('--config <file>', 'config file (default: the nearest .prodready.yaml from here up)')
    .addHelpText(
      'after',
      `
Examples:
  prodready check --each 'releases/*' --shard 2/3 --format json > shard-2.jsonl
  prodready merge shard-*.jsonl -f sarif -o fleet.sarif -f junit -o fleet.xml -f markdown -o fleet.md -f text -o -

Exit codes: the worst of the shards (0 ready, 1 a deployment not ready, 2 one could not be judged); 2 when the
files do not make a whole fleet (a shard missing or cut short, a deployment twice).`,
    )
    .action(async (files: string[], opts: MergeOptions) => {
      process.exitCode = await runMerge(files, opts);
    });
}
