// gen-docs on a copy of the project: it writes what --check then accepts, and --check names each difference.
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify, parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const copy = mkdtempSync(join(tmpdir(), 'prodready-gendocs-'));
for (const p of ['scripts', 'rules', 'fixtures/rules', 'src/engine/config-schema.ts', 'src/core/dates.ts', 'src/core/lazy.ts', 'src/core/types.ts', 'src/pack/files.ts']) cpSync(join(root, p), join(copy, p), { recursive: true });
symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');

// A checklist that only names units present on this branch, so the copy is consistent whatever else is merged.
interface Item { id: string; section: number; text: string; kind: string; decidedBy?: string[] }
const checklistFile = join(copy, 'rules/recsys/checklist.yaml');
const ruleIds = new Set(
  (parse(readFileSync(checklistFile, 'utf8')) as { items: Item[] }).items.flatMap((i) => i.decidedBy ?? []).filter((id) => existsSync(join(copy, 'rules/recsys', `${id}.yaml`))),
);
function writeChecklist(extra: Item[] = []): void {
  const items = (parse(readFileSync(join(root, 'rules/recsys/checklist.yaml'), 'utf8')) as { items: Item[] }).items
    .map((i) => (i.decidedBy ? { ...i, decidedBy: i.decidedBy.filter((id) => ruleIds.has(id) && (parse(readFileSync(join(copy, 'rules/recsys', `${id}.yaml`), 'utf8')) as { checklist?: string[] }).checklist?.includes(i.id)) } : i))
    .filter((i) => !i.decidedBy || i.decidedBy.length > 0);
  writeFileSync(checklistFile, stringify({ items: [...items, ...extra] }));
}

function gen(...args: string[]): { code: number; stderr: string; stdout: string } {
  const r = spawnSync(process.execPath, [join(copy, 'scripts/gen-docs.mjs'), ...args], { cwd: copy, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, stderr: r.stderr, stdout: r.stdout };
}

afterAll(() => rmSync(copy, { recursive: true, force: true }));

describe('scripts/gen-docs.mjs', () => {
  it('writes a page per rule, the checklist map and the config schema, which --check then accepts', () => {
    writeChecklist();
    const w = gen();
    expect(w.stderr).toBe('');
    expect(w.code).toBe(0);
    const page = readFileSync(join(copy, 'docs/rules/dev-auth-disabled.md'), 'utf8');
    for (const heading of ['# dev-auth-disabled: ', '## What it decides', '## Why it matters for recsys-service', '## Failing example', '## Passing example', '## How to fix']) {
      expect(page).toContain(heading);
    }
    expect(page).toContain('| Default severity | error |');
    expect(page).toContain('| Template | [`forbidden-value`]');
    expect(readFileSync(join(copy, 'docs/checklist.md'), 'utf8')).toContain('[dev-auth-disabled](rules/dev-auth-disabled.md)');
    expect(JSON.parse(readFileSync(join(copy, 'schemas/prodready-config.schema.json'), 'utf8'))).toHaveProperty('properties.waivers');
    const c = gen('--check');
    expect(c.stderr).toBe('');
    expect(c.code).toBe(0);
  });

  it('--check names a page that differs, one that is missing and one that belongs to no rule', () => {
    appendFileSync(join(copy, 'docs/rules/pprof-disabled.md'), '\nhand edit\n');
    rmSync(join(copy, 'docs/rules/production-env.md'));
    mkdirSync(join(copy, 'docs/rules'), { recursive: true });
    writeFileSync(join(copy, 'docs/rules/retired-rule.md'), '# gone\n');
    const c = gen('--check');
    expect(c.code).toBe(1);
    expect(c.stderr).toContain('gen-docs: docs/rules/pprof-disabled.md differs');
    expect(c.stderr).toContain('gen-docs: docs/rules/production-env.md is missing');
    expect(c.stderr).toContain('gen-docs: docs/rules/retired-rule.md belongs to no rule');
    gen();
    expect(existsSync(join(copy, 'docs/rules/retired-rule.md'))).toBe(false);
    expect(gen('--check').code).toBe(0);
  });

  it('--check fails on a checklist item decided by a unit the pack does not have', () => {
    writeChecklist([{ id: '5.new-item', section: 5, text: 'Something new.', kind: 'rule', decidedBy: ['not-a-rule'] }]);
    gen();
    const c = gen('--check');
    expect(c.code).toBe(1);
    expect(c.stderr).toContain('gen-docs: unmapped: checklist item 5.new-item: decidedBy not-a-rule is not a rule or probe in the pack');
    expect(readFileSync(join(copy, 'docs/checklist.md'), 'utf8')).toContain('`not-a-rule` (not in the pack)');
  });
});
