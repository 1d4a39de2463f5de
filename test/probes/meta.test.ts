// Every probe file is one unit: id == file name, messages by camelCase id, a deadline, sane needs.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProbeDefinition } from '../../src/core/define.js';
import { IO_MESSAGES } from '../../src/io/errors.js';
import { PROBES } from '../../src/probes/index.js';

const dir = path.resolve(import.meta.dirname, '../../src/probes');
const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'index.ts');

describe.each(files)('probe %s', (file) => {
  const id = file.replace(/\.ts$/, '');
  it('has id == file name, camelCase messages with the I/O ones, a deadline, and is registered', async () => {
    const def = (await import(path.join(dir, file))).default as ProbeDefinition;
    expect(def.meta.id).toBe(id);
    for (const key of Object.keys(def.meta.messages)) expect(key).toMatch(/^[a-z][A-Za-z0-9]*$/);
    for (const key of Object.keys(IO_MESSAGES)) expect(def.meta.messages).toHaveProperty(key);
    expect(def.meta.timeoutMs).toBeGreaterThan(0);
    // Probes answer an on-call engineer within seconds; the load burst's deadline follows its own declared caps.
    expect(def.meta.timeoutMs).toBeLessThanOrEqual(id === 'load-burst-p95' ? 200_000 : 30_000);
    expect(def.meta.params.safeParse({}).success).toBe(true);
    expect(Object.keys(PROBES)).toContain(id);
    expect((await PROBES[id]!()).default).toBe(def);
  });
});
