import type { FleetFormat } from './types.js';

// The formats `prodready merge` writes; each loads only when asked for.
export const FLEET_FORMATS = {
  text: () => import('./text.js'),
  json: () => import('./json.js'),
  sarif: () => import('./sarif.js'),
  junit: () => import('./junit.js'),
  markdown: () => import('./markdown.js'),
} as const satisfies Record<string, () => Promise<{ default: FleetFormat }>>;

export type FleetFormatName = keyof typeof FLEET_FORMATS;

export function isFleetFormat(name: string): name is FleetFormatName {
  return Object.hasOwn(FLEET_FORMATS, name);
}
