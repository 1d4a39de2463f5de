// What every bundle of prodready's sources shares: the CLI's and the demo's (scripts/build.mjs), the pack cache's
// builder, the load benchmark's children and the test of module-relative paths.
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = join(ROOT, 'dist');

/**
 * Two source rewrites, done as each src/ file is loaded.
 *
 * 1. Module-relative paths (`new URL('../../rules/recsys/', import.meta.url)`) are written for the layout tsc gives,
 *    where src/a/b.ts becomes dist/a/b.js. In a bundle a module's code sits in a chunk elsewhere, so its
 *    `import.meta.url` is replaced by the URL its file would have in that layout, computed from the chunk's own URL.
 *    `chunkDir` is the absolute folder where the bundle's chunks are written; an entry point (`entries`) is written
 *    at its own place in that layout and keeps import.meta.url as it is. scripts/build.mjs checks both afterwards.
 * 2. `import { z } from 'zod'` becomes `import * as z from 'zod'` (the same bindings): esbuild then keeps only the
 *    parts of zod the schemas use, about 90 kB instead of 450 kB with every locale, which a cold start parses.
 * 3. The generated registries (src/checks/index.ts, src/probes/index.ts) import each template on demand; in the
 *    bundle those imports all go to one chunk per registry, since loading a pack needs every template anyway and
 *    one file loads faster than thirty. The registry stays lazy: nothing is loaded before a pack is.
 *
 * And two of the bundled packages get a lighter module for one import, so that a start does not load Node modules
 * it never uses (node_modules itself is left as it is):
 * - commander requires node:child_process (which loads net and dgram) at its top, for subcommands that are separate
 *   executables, which prodready has none of: it gets a stand-in that requires node:child_process when spawn is
 *   first called.
 * - chalk detects the terminal's color level at its import (node:os, node:tty): every Chalk of prodready is made
 *   with an explicit level (src/reporters/write.ts decides it), so chalk gets its own detector for other platforms,
 *   which reads nothing; chalk's default instance, unused, then has level 0.
 */
const REGISTRIES = new Set([join('src', 'checks', 'index.ts'), join('src', 'probes', 'index.ts')]);
const ALL = 'all-templates.js';

/**
 * The plugin that loads src/ as described above. Typed for the tests that import it (tsconfig.test.json).
 * @param {string} chunkDir
 * @param {string[]} [entries]
 * @returns {import('esbuild').Plugin}
 */
export function sourcePlugin(chunkDir, entries = []) {
  const own = new Set(entries.map((e) => resolve(ROOT, e)));
  return {
    name: 'prodready-source',
    setup(b) {
      // The module that holds every template of a registry, exported by id.
      b.onResolve({ filter: new RegExp(`^\\./${ALL.replace('.', '\\.')}$`) }, (a) => ({ path: a.resolveDir, namespace: 'registry' }));
      b.onResolve({ filter: /^node:child_process$/ }, (a) =>
        /[\\/]node_modules[\\/]commander[\\/]/.test(a.importer) ? { path: 'node:child_process', namespace: 'lazy-child-process' } : undefined,
      );
      b.onLoad({ filter: /.*/, namespace: 'lazy-child-process' }, () => ({
        contents: "let cp;\nmodule.exports = { spawn: (...args) => (cp ??= require('node:child_process')).spawn(...args) };\n",
        loader: 'js',
      }));
      b.onResolve({ filter: /^#supports-color$/ }, (a) =>
        /[\\/]node_modules[\\/]chalk[\\/]/.test(a.importer) ? { path: join(dirname(a.importer), 'vendor', 'supports-color', 'browser.js') } : undefined,
      );
      b.onLoad({ filter: /.*/, namespace: 'registry' }, (a) => {
        const ids = [...readFileSync(join(a.path, 'index.ts'), 'utf8').matchAll(/\bimport\('\.\/([a-z0-9-]+)\.js'\)/g)].map((m) => m[1]);
        const lines = ids.map((id) => `export { default as ${JSON.stringify(id)} } from ${JSON.stringify(join(a.path, `${id}.ts`))};`);
        return { contents: lines.join('\n'), loader: 'ts', resolveDir: a.path };
      });
      b.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, (a) => {
        let text = readFileSync(a.path, 'utf8');
        text = text.replace(/^import \{ z \} from 'zod';$/gm, "import * as z from 'zod';");
        if (REGISTRIES.has(relative(ROOT, a.path))) {
          text = text.replace(/\bimport\('\.\/([a-z0-9-]+)\.js'\)/g, (_, id) => `import('./${ALL}').then((m) => ({ default: m[${JSON.stringify(id)}] }))`);
        }
        if (!own.has(a.path) && text.includes('import.meta.url')) {
          const asBuilt = relative(join(ROOT, 'src'), a.path).replace(/\.ts$/, '.js');
          const fromChunk = relative(chunkDir, join(DIST, asBuilt)).replace(/\\/g, '/');
          const url = `new URL(${JSON.stringify(fromChunk.startsWith('.') ? fromChunk : `./${fromChunk}`)}, import.meta.url).href`;
          text = text.replaceAll('import.meta.url', url);
        }
        return { contents: text, loader: 'ts' };
      });
    },
  };
}

/**
 * esbuild's options for a Node ESM bundle of the sources.
 * @param {{ minify?: boolean }} [options]
 * @returns {import('esbuild').BuildOptions}
 */
export function bundleOptions({ minify = true } = {}) {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  return {
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    minify,
    // The bundled packages' licenses are collected into dist/THIRD-PARTY-LICENSES.txt instead (scripts/build.mjs).
    legalComments: 'none',
    logLevel: 'warning',
    // pg's optional native binding is never installed; its require sits in a try/catch.
    external: ['pg-native'],
    // Bundled CommonJS packages (pg, ...) call require() for Node's built-in modules. The banner goes into every
    // chunk, and few of them ever call require(): each makes its require() on first use (making one costs a few
    // tenths of a millisecond, which forty chunks paid at every start).
    banner: { js: "import{createRequire as __cr}from'node:module';let __rq;const require=(id)=>(__rq??=__cr(import.meta.url))(id);" },
    // src/version.ts reads it instead of package.json.
    define: { PRODREADY_BUILD_VERSION: JSON.stringify(pkg.version) },
  };
}
