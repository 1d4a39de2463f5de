import { readFileSync } from 'node:fs';

/** Set by the build (scripts/build.mjs) to package.json's version; absent when running from source. */
declare const PRODREADY_BUILD_VERSION: string | undefined;

/** The package's own version: the build's constant, or package.json beside src/ when running from source. */
export const VERSION: string =
  typeof PRODREADY_BUILD_VERSION === 'string'
    ? PRODREADY_BUILD_VERSION
    : (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
