// A progress line for fleet runs: `[12/340] releases/eu-1`, rewritten in place on stderr. Only for a person at a
// terminal: never when stderr is piped or redirected, never in CI (CI=true), so logs and reports stay clean.
// A terminal that reports no width (a bare pty) is taken as 80 columns.
import type { Writable } from 'node:stream';

export interface Progress {
  /** One more deployment judged. */
  tick(name: string): void;
  /** Take the line away before something else is printed. */
  clear(): void;
  done(): void;
}

const NONE: Progress = { tick: () => {}, clear: () => {}, done: () => {} };

/** Deployment names are paths of the user's files: control characters are shown escaped, and long names cut. */
function printable(name: string, width: number): string {
  // eslint-disable-next-line no-control-regex
  const safe = name.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return safe.length > width ? `…${safe.slice(safe.length - width + 1)}` : safe;
}

export function createProgress(total: number, stream: Writable & { isTTY?: boolean; columns?: number }, env: NodeJS.ProcessEnv): Progress {
  if (stream.isTTY !== true || env.CI === 'true' || total < 2) return NONE;
  let done = 0;
  let shown = false;
  const clear = (): void => {
    if (shown) stream.write('\r\u001b[2K');
    shown = false;
  };
  return {
    tick(name) {
      done += 1;
      clear();
      const head = `[${done}/${total}] `;
      stream.write(`${head}${printable(name, Math.max(10, (stream.columns || 80) - head.length - 1))}`);
      shown = true;
    },
    clear,
    done: clear,
  };
}
