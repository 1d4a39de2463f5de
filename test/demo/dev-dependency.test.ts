import { describe, expect, it } from 'vitest';
import { importDevDependency } from '../../src/demo/dev-dependency.js';

describe('importDevDependency', () => {
  it('turns a missing module into a one-line user error naming it', async () => {
    // Node's own loader, as the built demo uses it: a specifier nothing provides.
    const load = () => import(/* @vite-ignore */ new URL('../../node_modules/prodready-no-such-package/index.js', import.meta.url).href);
    await expect(importDevDependency('prodready-no-such-package', load)).rejects.toMatchObject({
      name: 'UserError',
      code: 'missing-input',
      message: expect.stringContaining('devDependency prodready-no-such-package: run it from a checkout after npm ci'),
    });
  });

  it('lets any other failure through unchanged', async () => {
    const boom = new Error('broken module');
    await expect(importDevDependency('x', () => Promise.reject(boom))).rejects.toBe(boom);
  });

  it('returns the module when it loads', async () => {
    const mod = await importDevDependency('selfsigned', () => import('selfsigned'));
    expect(typeof mod.generate).toBe('function');
  });
});
