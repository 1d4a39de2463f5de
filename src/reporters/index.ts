import type { Reporter } from '../engine/types.js';
import { withSafeText } from './lib/safe-result.js';

// One registry keyed by the CLI's format names; each format loads only when asked for.
export const FORMATS = {
  text: () => import('./text.js'),
  json: () => import('./json.js'),
  sarif: () => import('./sarif.js'),
  junit: () => import('./junit.js'),
  markdown: () => import('./markdown.js'),
  html: () => import('./html.js'),
  github: () => import('./github.js'),
} as const satisfies Record<string, () => Promise<{ default: Reporter }>>;

export type FormatName = keyof typeof FORMATS;

export function isFormat(name: string): name is FormatName {
  return Object.hasOwn(FORMATS, name);
}

/** The format, fed only escaped and bounded text (see lib/safe-result.ts). */
export async function loadReporter(name: FormatName): Promise<Reporter> {
  return withSafeText((await FORMATS[name]()).default);
}
