import type { Reporter } from '../core/types.js';

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

export async function loadReporter(name: FormatName): Promise<Reporter> {
  return (await FORMATS[name]()).default;
}
