import { z } from 'zod';
import { defineCheck } from '../core/define.js';
import { describeLocation } from '../core/describe.js';
import type { Container, Workload } from '../core/model.js';
import { rolloutOrder, splitShellScript, syncWave, workloadLabel } from '../model/workload.js';

// Which commands apply migrations is data (the rule's params: tools and verbs, runner prefixes, script names,
// read-only verbs, commands that only print, wait, seed or dump); this file only reads commands and judges them.
// Patterns come from rule files and users' .prodready.yaml, so they are globs (`*`, `?`) over whole words, matched
// by a two-pointer scan: no regular expression is ever built from them, and every word and pattern is bounded.

const MAX_WORD = 512;
/** Words of one simple command looked at: migration commands are short, and this bounds the matching work. */
const MAX_WORDS = 256;
const MAX_DEPTH = 4;
const MAX_SHOWN = 160;

/** Built on first use (see defineCheck). */
function paramsSchema() {
  const glob = z
    .string()
    .min(1)
    .max(120)
    .regex(/^[^\s\u0000-\u001f\u007f]+$/, 'one word: no spaces or control characters');
  const pattern = z
    .string()
    .min(1)
    .max(200)
    .regex(/^[^\s\u0000-\u001f\u007f]+( [^\s\u0000-\u001f\u007f]+){0,7}$/, 'up to 8 words separated by single spaces, no control characters');
  const entry = z.union([pattern, z.strictObject({ match: pattern, what: z.string().max(300).optional() })]);
  const entries = z.array(entry).max(500);

  return z.strictObject({
    /** Commands that apply migrations: a tool word then verbs that must follow it in order (other words may sit between). */
    commands: entries,
    /** Prefixes that run the next word as the command (`bundle exec`, `python -m`, `uv run`, `exec`, `env`). */
    runners: entries,
    /** Prefixes that run a named script or target (`npm run`, `yarn`, `make`). */
    scriptRunners: entries,
    /** Script or target names that apply migrations when a script runner runs them. */
    scripts: z.array(glob).max(200),
    /** Commands that only report (status, check, history, dry runs) or roll back: never a migration, whatever the tool. */
    readOnly: entries,
    /** Commands that print, wait, sleep, seed or dump: never a migration. */
    inert: entries,
    /** Globs over Job, container and image names that mark a step as meant to migrate. */
    names: z.array(glob).max(50),
    /** The user's additions, kept apart so adding a pattern never drops the pack's own. */
    extra: z
      .strictObject({
        commands: entries.default([]),
        runners: entries.default([]),
        scriptRunners: entries.default([]),
        scripts: z.array(glob).max(200).default([]),
        readOnly: entries.default([]),
        inert: entries.default([]),
        names: z.array(glob).max(50).default([]),
      })
      .default({ commands: [], runners: [], scriptRunners: [], scripts: [], readOnly: [], inert: [], names: [] }),
  });
}
type Params = z.infer<ReturnType<typeof paramsSchema>>;
type Entry = Params['commands'][number];

/** Does a glob (`*` any run, `?` one character) match the whole word? Case-insensitive, O(word × glob), no regex. */
export function globMatch(globText: string, wordText: string): boolean {
  const g = globText.toLowerCase();
  const w = wordText.slice(0, MAX_WORD).toLowerCase();
  let gi = 0;
  let wi = 0;
  let star = -1;
  let mark = 0;
  while (wi < w.length) {
    if (gi < g.length && (g[gi] === '?' || g[gi] === w[wi])) {
      gi++;
      wi++;
    } else if (gi < g.length && g[gi] === '*') {
      star = gi++;
      mark = wi;
    } else if (star >= 0) {
      gi = star + 1;
      wi = ++mark;
    } else return false;
  }
  while (gi < g.length && g[gi] === '*') gi++;
  return gi === g.length;
}

function base(word: string): string {
  return word.split('/').pop() ?? word;
}

/** The first word of a pattern names a program: by its file name, or by a path tail when the pattern has a `/`. */
function programMatch(g: string, word: string): boolean {
  if (g === '*') return true;
  if (g.includes('/')) return globMatch(g, word) || globMatch(`*/${g}`, word);
  return globMatch(g, base(word));
}

interface Compiled {
  tokens: string[];
  text: string;
}

function compile(list: Entry[]): Compiled[] {
  return list.map((e) => {
    const text = typeof e === 'string' ? e : e.match;
    return { tokens: text.split(' '), text };
  });
}

/** The program, then each further token somewhere after the previous one, in order. */
function commandMatch(p: Compiled, words: string[]): boolean {
  if (words.length === 0 || !programMatch(p.tokens[0]!, words[0]!)) return false;
  let j = 1;
  for (const t of p.tokens.slice(1)) {
    while (j < words.length && !globMatch(t, words[j]!)) j++;
    if (j >= words.length) return false;
    j++;
  }
  return true;
}

/** The number of leading words a runner prefix covers (its tokens match consecutive words), or 0. */
function prefixLength(p: Compiled, words: string[]): number {
  if (words.length <= p.tokens.length || !programMatch(p.tokens[0]!, words[0]!)) return 0;
  for (let k = 1; k < p.tokens.length; k++) if (!globMatch(p.tokens[k]!, words[k]!)) return 0;
  return p.tokens.length;
}

interface Matcher {
  commands: Compiled[];
  runners: Compiled[];
  scriptRunners: Compiled[];
  scripts: string[];
  readOnly: Compiled[];
  inert: Compiled[];
  names: string[];
}

function matcherOf(p: Params): Matcher {
  return {
    commands: compile([...p.commands, ...p.extra.commands]),
    runners: compile([...p.runners, ...p.extra.runners]),
    scriptRunners: compile([...p.scriptRunners, ...p.extra.scriptRunners]),
    scripts: [...p.scripts, ...p.extra.scripts],
    readOnly: compile([...p.readOnly, ...p.extra.readOnly]),
    inert: compile([...p.inert, ...p.extra.inert]),
    names: [...p.names, ...p.extra.names],
  };
}

/** Shell grammar words that open or close a compound command: the command proper follows them. */
const KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', '{', '}', 'time', 'done', 'fi', 'esac']);
/** Compound-command headers whose words are not a command (`for f in …`). */
const HEADERS = new Set(['for', 'case', 'select', 'function']);
const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh', 'mksh']);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

export type CommandVerdict =
  | { kind: 'migrates'; command: string; pattern: string }
  | { kind: 'unrecognised'; command: string }
  | { kind: 'not' };

function shown(words: string[]): string {
  return words.join(' ');
}

/** Judge one simple command (already split into words). */
function judgeWords(all: string[], m: Matcher, depth: number): CommandVerdict {
  const input = all.length > MAX_WORDS ? all.slice(0, MAX_WORDS) : all;
  let words = input;
  for (let round = 0; round < 16; round++) {
    let k = 0;
    while (k < words.length && (KEYWORDS.has(words[k]!) || ASSIGNMENT.test(words[k]!))) k++;
    words = words.slice(k);
    if (words.length === 0 || HEADERS.has(words[0]!)) return { kind: 'not' };
    const script = scriptRun(words, m);
    if (script) return script;
    let best = 0;
    for (const r of [...m.runners, ...m.scriptRunners]) best = Math.max(best, prefixLength(r, words));
    if (best === 0) break;
    words = words.slice(best);
    // Options of the runner itself (`npx --yes`, `tini --`, `node --enable-source-maps`).
    while (words.length > 1 && words[0]!.startsWith('-')) words = words.slice(1);
  }
  if (words.length === 0) return { kind: 'not' };
  if (SHELLS.has(base(words[0]!))) return judgeShell(words, m, depth);
  if (m.readOnly.some((p) => commandMatch(p, words))) return { kind: 'not' };
  const hit = m.commands.find((p) => commandMatch(p, words));
  if (hit) return { kind: 'migrates', command: shown(input), pattern: hit.text };
  if (m.inert.some((p) => commandMatch(p, words))) return { kind: 'not' };
  return { kind: 'unrecognised', command: shown(input) };
}

/** `npm run migrate:latest`, `yarn db:migrate`, `make migrate-up`: a script runner naming a migration script. */
function scriptRun(words: string[], m: Matcher): CommandVerdict | undefined {
  for (const r of m.scriptRunners) {
    const k = prefixLength(r, words);
    if (k === 0) continue;
    const names: string[] = [];
    for (const w of words.slice(k)) {
      if (w === '--') break;
      if (!w.startsWith('-')) names.push(w);
    }
    // A script named for waiting (`wait-for-migrations`) or checking (`migrate:status`) does not migrate.
    const live = names.filter((n) => !m.inert.some((p) => p.tokens.length === 1 && globMatch(p.tokens[0]!, n)));
    if (live.some((n) => m.readOnly.some((p) => p.tokens.length === 2 && p.tokens[0] === '*' && globMatch(p.tokens[1]!, n)))) return { kind: 'not' };
    const name = live.find((n) => m.scripts.some((s) => globMatch(s, n)));
    if (name !== undefined) return { kind: 'migrates', command: shown(words), pattern: `${r.text} ${name}` };
  }
  return undefined;
}

/** `sh -c '…'` (any of -c, -ec, -lc, -euxc, with `-o pipefail`): the script's commands, judged as one. */
function judgeShell(words: string[], m: Matcher, depth: number): CommandVerdict {
  let cFlag = false;
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    if ((w.startsWith('-') || w.startsWith('+')) && w.length > 1) {
      if (!w.startsWith('--') && w.slice(1).includes('c')) cFlag = true;
      // `-o pipefail`, `-euo pipefail`: the option's value is the next word.
      if (!w.startsWith('--') && w.endsWith('o')) i++;
      continue;
    }
    if (cFlag) return depth >= MAX_DEPTH ? { kind: 'unrecognised', command: shown(words) } : judgeScript(w, m, depth + 1);
    // `sh /scripts/migrate.sh`: the script file is the command.
    return judgeWords(words.slice(i), m, depth);
  }
  return { kind: 'unrecognised', command: shown(words) };
}

function judgeScript(script: string, m: Matcher, depth: number): CommandVerdict {
  let unrecognised: CommandVerdict | undefined;
  for (const cmd of splitShellScript(script)) {
    const v = judgeWords(cmd, m, depth);
    if (v.kind === 'migrates') return v;
    if (v.kind === 'unrecognised' && !unrecognised) unrecognised = v;
  }
  return unrecognised ?? { kind: 'not' };
}

/** Does this argv (a container's command and args) apply migrations? Exported for its own tests. */
export function judgeArgv(argv: string[], params: Params): CommandVerdict {
  return judgeWords(argv, matcherOf(params), 0);
}

/** The last path segment of an image reference, without tag or digest: `flyway/flyway:10` → `flyway`. */
function imageName(image: string | undefined): string | undefined {
  if (!image) return undefined;
  const noDigest = image.replace(/@.*$/, '');
  const last = noDigest.split('/').pop() ?? '';
  return last.replace(/:.*$/, '') || undefined;
}

type StepVerdict =
  | { kind: 'migrates'; command: string; via?: string }
  | { kind: 'unrecognised'; command: string }
  | { kind: 'entrypoint' }
  | { kind: 'not' };

function judgeContainer(c: Container, m: Matcher): StepVerdict {
  if (c.command.length > 0) {
    const v = judgeWords([...c.command, ...c.args], m, 0);
    return v.kind === 'migrates' ? { kind: 'migrates', command: v.command } : v;
  }
  if (c.args.length === 0) return { kind: 'entrypoint' };
  // No command: the image's entrypoint runs the args. Many entrypoints exec their args; a tool's own image
  // (flyway/flyway, migrate/migrate) runs the tool its name says.
  const direct = judgeWords(c.args, m, 0);
  if (direct.kind === 'migrates') return { kind: 'migrates', command: direct.command, via: "as args to the image's entrypoint" };
  const tool = imageName(c.image);
  if (tool !== undefined) {
    const viaImage = judgeWords([tool, ...c.args], m, 0);
    if (viaImage.kind === 'migrates') {
      return { kind: 'migrates', command: c.args.join(' '), via: `as args to the entrypoint of image ${tool}, taken to be the ${tool} tool` };
    }
  }
  return { kind: 'entrypoint' };
}

/** Shown command text: control characters escaped, passwords in URLs and assignments masked, length bounded. */
export function showCommand(text: string): string {
  const masked = text
    .replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):[^@\s]*@/gi, '$1:***@')
    .replace(/\b([A-Za-z0-9_]*(?:password|passwd|pwd|secret|token|key)[A-Za-z0-9_]*)(\s*=\s*)\S+/gi, '$1$2***');
  const escaped = masked.replace(/[\u0000-\u001f\u007f-\u009f`]/g, (ch) => (ch === '`' ? "'" : ch === '\n' ? '\\n' : ch === '\t' ? '\\t' : `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`));
  return escaped.length > MAX_SHOWN ? `${escaped.slice(0, MAX_SHOWN - 1)}…` : escaped;
}

interface Candidate {
  w: Workload;
  c: Container;
  init: boolean;
}

export default defineCheck({
  meta: {
    id: 'migration-job',
    type: 'problem',
    description:
      'Fails when no Job, CronJob, Helm or Argo CD hook, or init container of the manifests really runs a migration command; unknown without manifests, or when a step named as a migration runs a command it cannot recognise.',
    messages: {
      none: 'no Job, hook or init container in the manifests runs a migration ({{looked}})',
      noManifests: 'no rendered manifests were given, and Helm values alone do not render a migration Job: pass --manifests to decide',
      lookalike: '{{resource}} looks like a migration by name but its command does not apply migrations: it only prints, waits, checks, seeds or dumps (`{{command}}`)',
      unrecognised:
        '{{resource}} is named as a migration step but its command is not one this rule recognises (`{{command}}`): to decide it, add a pattern that matches it under params.migration-job-present.extra.commands in .prodready.yaml, or attest item 4.migration-job (prodready attest --template), which decides only what the files cannot show',
      entrypoint:
        "{{resource}} is named as a migration step but sets no command{{args}}: the entrypoint of its image ({{image}}) decides what it runs, and the manifests do not show it: to decide it, give the container a command this rule recognises, add a pattern for its args under params.migration-job-present.extra.commands in .prodready.yaml, or attest item 4.migration-job (prodready attest --template), which decides only what the files cannot show",
    },
    params: paramsSchema,
  },
  run(ctx, p) {
    if (!ctx.model.sources.some((s) => s.kind === 'manifests')) return ctx.unknown({ messageId: 'noManifests' });
    const m = matcherOf(p);
    const rendered = ctx.model.workloads.filter((w) => w.renderedFrom === undefined);
    const apiWave = ctx.model.api && ctx.model.api.workload.renderedFrom === undefined ? syncWave(ctx.model.api.workload) : 0;
    const candidates: Candidate[] = [];
    for (const w of rendered) {
      if (w.kind === 'Job' || w.kind === 'CronJob' || (w.kind === 'Pod' && w.helmHooks.length + Object.keys(w.annotations).filter((a) => a.startsWith('argocd.argoproj.io/hook')).length > 0)) {
        for (const c of w.containers) candidates.push({ w, c, init: false });
      }
      for (const c of w.initContainers) candidates.push({ w, c, init: true });
    }
    const judged = candidates.map((cand) => ({ ...cand, v: judgeContainer(cand.c, m) }));
    const named = (cand: Candidate): boolean =>
      [cand.w.name, cand.w.generateName ?? '', cand.c.name, imageName(cand.c.image) ?? ''].some((n) => n !== '' && m.names.some((g) => globMatch(g, n)));
    const resource = (cand: Candidate): string => `${workloadLabel(cand.w)} ${cand.init ? 'init container' : 'container'} ${cand.c.name}`;

    const migrating = judged.flatMap((j) => (j.v.kind === 'migrates' ? [{ ...j, v: j.v }] : []));
    if (migrating.length > 0) {
      const described = migrating.map((j) => {
        const order = j.init
          ? { before: true, how: `init container of ${workloadLabel(j.w)}`, why: 'it runs to completion before the app containers of every new pod start' }
          : rolloutOrder(j.w, apiWave);
        const label = j.init ? `${order.how} ${j.c.name}` : `${workloadLabel(j.w)} (${order.how}), container ${j.c.name},`;
        return {
          before: order.before,
          text: `${label} runs \`${showCommand(j.v.command)}\`${j.v.via ? ` ${j.v.via}` : ''} (${describeLocation(j.c.location)}): ${order.why}`,
        };
      });
      // Ordered steps first: they are what the checklist asks for.
      described.sort((a, b) => Number(b.before) - Number(a.before));
      for (const d of described.slice(0, 3)) ctx.evidence(d.text);
      if (described.length > 3) ctx.evidence(`and ${described.length - 3} more migration step${described.length - 3 === 1 ? '' : 's'}`);
      return;
    }

    const undecided = judged.filter((j) => (j.v.kind === 'unrecognised' || j.v.kind === 'entrypoint') && named(j));
    if (undecided.length > 0) {
      for (const j of undecided) {
        if (j.v.kind === 'unrecognised') {
          ctx.unknown({ messageId: 'unrecognised', data: { resource: resource(j), command: showCommand(j.v.command) }, location: j.c.location });
        } else {
          ctx.unknown({
            messageId: 'entrypoint',
            data: {
              resource: resource(j),
              args: j.c.args.length > 0 ? ` (args \`${showCommand(j.c.args.join(' '))}\`)` : '',
              image: showCommand(j.c.image ?? 'no image'),
            },
            location: j.c.location,
          });
        }
      }
      return;
    }

    const lookalikes = judged.filter((j) => j.v.kind === 'not' && named(j));
    for (const j of lookalikes) {
      ctx.report({ messageId: 'lookalike', data: { resource: resource(j), command: showCommand([...j.c.command, ...j.c.args].join(' ')) }, location: j.c.location });
    }
    if (lookalikes.length === 0) {
      const jobs = rendered.filter((w) => w.kind === 'Job').length;
      const cronJobs = rendered.filter((w) => w.kind === 'CronJob').length;
      const inits = rendered.reduce((n, w) => n + w.initContainers.length, 0);
      const plural = (k: number, s: string): string => `${k} ${s}${k === 1 ? '' : 's'}`;
      ctx.report({
        messageId: 'none',
        data: { looked: `${plural(jobs, 'Job')}, ${plural(cronJobs, 'CronJob')}, ${plural(inits, 'init container')}` },
        ...(ctx.model.api ? { location: ctx.model.api.workload.location } : {}),
      });
    }
  },
});
