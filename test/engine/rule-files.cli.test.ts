// A rule file with each field wrong in turn (wrong type, deleted, misspelled) is a usage error naming the file and
// the field: exit 2, one `error[invalid-rule-definition]` head line, never a stack trace. Runs the built CLI.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.js';

const VALID = {
  id: 'my-rule',
  section: 4,
  severity: 'error',
  title: 'Migrations do not run at pod start',
  description: 'Every replica would migrate at start.',
  check: 'forbidden-value',
  when: { production: true },
  params: { variable: 'MIGRATE_ON_START', forbidden: true, why: 'replicas race to migrate' },
  remediation: 'Set MIGRATE_ON_START to "false".',
  docs: 'https://example.com/rules/my-rule',
  checklist: ['4.migration-job'],
};

type Path = Array<string | number>;

function setIn(obj: Record<string, unknown>, path: Path, value: unknown): Record<string, unknown> {
  const copy = structuredClone(obj) as Record<string, unknown>;
  let cur = copy as Record<string | number, unknown>;
  for (const p of path.slice(0, -1)) cur = cur[p] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (value === DELETE) delete cur[last];
  else cur[last] = value;
  return copy;
}

function renameIn(obj: Record<string, unknown>, path: Path, to: string): Record<string, unknown> {
  const copy = structuredClone(obj) as Record<string, unknown>;
  let cur = copy as Record<string | number, unknown>;
  for (const p of path.slice(0, -1)) cur = cur[p] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  cur[to] = cur[last];
  delete cur[last];
  return copy;
}

const DELETE = Symbol('delete');

interface Case {
  name: string;
  rule: Record<string, unknown>;
  /** What the message must name: the dotted field path, or the misspelled key. */
  names: string;
}

const wrongTypes: Array<[Path, unknown]> = [
  [['id'], 42],
  [['section'], 'four'],
  [['severity'], 7],
  [['title'], []],
  [['description'], { a: 1 }],
  [['check'], 5],
  [['when'], 'prod'],
  [['when', 'production'], 'yes'],
  [['params'], 'x'],
  [['params', 'variable'], 5],
  [['params', 'forbidden'], 'yes'],
  [['params', 'why'], false],
  [['remediation'], 5],
  [['docs'], 5],
  [['checklist'], '4.migration-job'],
  [['checklist', 0], 5],
];
const required: Path[] = [['id'], ['section'], ['severity'], ['title'], ['description'], ['check'], ['remediation'], ['params', 'variable'], ['params', 'forbidden'], ['params', 'why']];
const misspelled: Array<[Path, string]> = [
  [['severity'], 'severty'],
  [['remediation'], 'remedation'],
  [['docs'], 'doc'],
  [['checklist'], 'checklists'],
  [['when'], 'wen'],
  [['when', 'production'], 'producton'],
  [['params', 'variable'], 'variabel'],
];

const cases: Case[] = [
  ...wrongTypes.map(([path, value]) => ({ name: `${path.join('.')} of a wrong type`, rule: setIn(VALID, path, value), names: path.join('.') })),
  ...required.map((path) => ({ name: `${path.join('.')} deleted`, rule: setIn(VALID, path, DELETE), names: path.join('.') })),
  ...misspelled.map(([path, to]) => ({ name: `${path.join('.')} misspelled ${to}`, rule: renameIn(VALID, path, to), names: to })),
];

describe('rule files with each field wrong in turn', () => {
  it('the unmodified rule loads (so each failure below is the mutation)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prodready-rule-'));
    writeFileSync(join(dir, 'my-rule.yaml'), stringify(VALID));
    const r = run(['check', '--values', 'fixtures/ready/values.yaml', '--rules', dir]);
    expect(r.stderr).toBe('');
    expect([0, 1]).toContain(r.code);
  });

  it.each(cases)('$name: exit 2, one head line naming the file and the field, no stack', ({ rule, names }) => {
    const dir = mkdtempSync(join(tmpdir(), 'prodready-rule-'));
    const file = join(dir, 'my-rule.yaml');
    writeFileSync(file, stringify(rule));
    const r = run(['check', '--values', 'fixtures/ready/values.yaml', '--rules', dir]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines.filter((l) => l.startsWith('prodready: '))).toHaveLength(1);
    expect(lines[0]).toMatch(/^prodready: error\[invalid-rule-definition\]: /);
    const detail = lines.slice(1).find((l) => l.includes(file) && l.includes(names));
    expect(detail, `no line names ${file} and ${names}:\n${r.stderr}`).toBeDefined();
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stderr).not.toMatch(/internal error/);
  });
});
