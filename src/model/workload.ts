// Questions about containers that several checks ask: image tags, listen ports, volume coverage.
import type { Container, Workload } from '../core/model.js';

/** `repo/name:tag`, `repo/name@sha256:…`, `host:5000/name` (a port, not a tag). */
export function imageTag(image: string): { tag: string; digest: boolean } {
  const digest = /@sha256:[0-9a-f]{64}$/i.test(image);
  const noDigest = image.replace(/@.*$/, '');
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return { tag: colon > slash ? noDigest.slice(colon + 1) : '', digest };
}

/** The port of a Go listen address (`:8000`, `0.0.0.0:8000`, `[::1]:8000`). */
export function addrPort(addr: string): number | undefined {
  const m = /:(\d+)$/.exec(addr.trim());
  return m ? Number(m[1]) : undefined;
}

/** Is `path` on a volume: equal to or under one of the container's mount paths? */
export function mountedAt(c: Container, path: string): string | undefined {
  const norm = (s: string): string => s.replace(/\/+$/, '') || '/';
  const p = norm(path);
  return c.volumeMounts.map((m) => norm(m.mountPath)).find((m) => m !== '' && (p === m || p.startsWith(m === '/' ? '/' : `${m}/`)));
}

/**
 * Go's net.SplitHostPort + loopback test, as the service applies it to API_ADDR when pprof is on
 * (aatuh/recsys api/internal/config/config.go:532-543): the port may be any text (SplitHostPort does not read it),
 * the host is `localhost` in any case or an address net.ParseIP reads and net.IP.IsLoopback accepts: 127.0.0.0/8,
 * ::1 in any spelling, or an IPv4-mapped 127.x. net.ParseIP rejects an IPv4 octet with a leading zero (Go 1.17 on;
 * recsys builds with go 1.25, api/go.mod:3) and an IPv6 zone.
 */
export function isLoopbackAddr(addr: string): boolean {
  const host = splitHost(addr.trim());
  if (host === undefined) return false;
  const h = host.replace(/^\[+|\]+$/g, ''); // strings.Trim(host, "[]")
  if (h.toLowerCase() === 'localhost') return true;
  const v4 = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})$/.exec(h);
  if (v4) return v4.slice(1).every((o) => Number(o) <= 255) && v4[1] === '127';
  if (!h.includes(':') || h.includes('%')) return false;
  let canonical: string;
  try {
    // The WHATWG IPv6 parser accepts the same text as Go's (no zone, no leading zero in an embedded IPv4) and
    // prints it in one compressed form.
    canonical = new URL(`http://[${h}]/`).hostname;
  } catch {
    return false;
  }
  return canonical === '[::1]' || /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(canonical);
}

/** The host part of Go's net.SplitHostPort, or undefined where it returns an error. */
function splitHost(hp: string): string | undefined {
  const i = hp.lastIndexOf(':');
  if (i < 0) return undefined;
  let host: string;
  let j = 0;
  let k = 0;
  if (hp.startsWith('[')) {
    const end = hp.indexOf(']');
    if (end < 0 || end + 1 !== i) return undefined;
    host = hp.slice(1, end);
    j = 1;
    k = end + 1;
  } else {
    host = hp.slice(0, i);
    if (host.includes(':')) return undefined;
  }
  if (hp.slice(j).includes('[') || hp.slice(k).includes(']')) return undefined;
  return host;
}

/** How a workload is named in evidence: `Job/recsys-migrate`, or `Job generateName=recsys-migrate-` when it has no name. */
export function workloadLabel(w: Workload): string {
  return w.generateName !== undefined ? `${w.kind} generateName=${w.generateName}` : `${w.kind}/${w.name}`;
}

/** What runs a step before the new pods of a rollout, as far as the manifests show. */
export interface RolloutOrder {
  /** True when something in the manifests runs it before the new pods. */
  before: boolean;
  /** `Helm hook pre-install, pre-upgrade, weight -5`, `Argo CD PreSync hook`, `plain Job`, `schedule 0 3 * * *` … */
  how: string;
  /** Why it is, or is not, ordered before the rollout. */
  why: string;
}

const HELM_BEFORE = new Set(['pre-install', 'pre-upgrade']);

/**
 * The ordering evidence of a Job, CronJob or Pod: a Helm pre-install/pre-upgrade hook or an Argo CD PreSync hook runs
 * before the release's other resources; an Argo CD sync wave lower than the api's runs in an earlier wave. A plain Job
 * is applied with everything else, so nothing makes the new pods wait for it.
 */
export function rolloutOrder(w: Workload, apiWave = 0): RolloutOrder {
  const weight = w.annotations['helm.sh/hook-weight'];
  const argoHook = (w.annotations['argocd.argoproj.io/hook'] ?? '').split(',').map((h) => h.trim()).filter(Boolean);
  const waveText = w.annotations['argocd.argoproj.io/sync-wave'];
  const wave = waveText !== undefined && /^\s*-?\d+\s*$/.test(waveText) ? Number(waveText) : undefined;
  if (w.helmHooks.some((h) => HELM_BEFORE.has(h))) {
    return {
      before: true,
      how: `Helm hook ${w.helmHooks.join(', ')}${weight !== undefined ? `, weight ${weight}` : ''}`,
      why: 'Helm runs it to completion before it applies the new pods',
    };
  }
  if (argoHook.includes('PreSync')) {
    return { before: true, how: 'Argo CD PreSync hook', why: 'Argo CD runs it to completion before it syncs the new pods' };
  }
  if (wave !== undefined && wave < apiWave) {
    return {
      before: true,
      how: `Argo CD sync wave ${wave}`,
      why: `Argo CD applies wave ${wave} and waits for it to be healthy before wave ${apiWave} of the api`,
    };
  }
  const hooks = [...w.helmHooks.map((h) => `Helm ${h}`), ...argoHook.map((h) => `Argo CD ${h}`)];
  const how = hooks.length > 0 ? `${hooks.join(', ')} hook` : w.kind === 'CronJob' ? `schedule ${w.schedule ?? 'unset'}` : `plain ${w.kind}`;
  return {
    before: false,
    how,
    why: 'nothing orders it before the rollout (no Helm pre-install/pre-upgrade hook, no Argo CD PreSync hook or earlier sync wave)',
  };
}

/** An Argo CD sync wave of a workload (0 when unset or not a whole number). */
export function syncWave(w: Workload): number {
  const t = w.annotations['argocd.argoproj.io/sync-wave'];
  return t !== undefined && /^\s*-?\d+\s*$/.test(t) ? Number(t) : 0;
}

/** Longest shell script read; a longer one is cut here (its tail is then not seen). */
export const MAX_SCRIPT_CHARS = 64 * 1024;
/** Most simple commands read from one script. */
export const MAX_SCRIPT_COMMANDS = 1000;

/**
 * Split a shell script (`sh -c` text) into its simple commands, each a list of words with quotes removed, in one pass:
 * `;`, `&&`, `||`, `|`, `&`, newlines and parentheses separate commands; `\`-newline continues a line; `#` starts a
 * comment at the start of a word; redirections and their targets are dropped; here-document bodies are skipped
 * (they are data, not commands). `$(…)` and backquotes stay inside their word. Not a full shell grammar: enough
 * to see which programs a Job's script runs.
 */
export function splitShellScript(input: string): string[][] {
  const s = input.length > MAX_SCRIPT_CHARS ? input.slice(0, MAX_SCRIPT_CHARS) : input;
  const commands: string[][] = [];
  let words: string[] = [];
  let word: string | null = null;
  let skipNextWord = false;
  let heredocs: Array<{ delim: string; strip: boolean }> = [];
  let pendingHeredoc: { strip: boolean } | null = null;
  const endWord = (): void => {
    if (word === null) return;
    if (pendingHeredoc) {
      heredocs.push({ delim: word, strip: pendingHeredoc.strip });
      pendingHeredoc = null;
    } else if (skipNextWord) skipNextWord = false;
    else words.push(word);
    word = null;
  };
  const endCommand = (): void => {
    endWord();
    if (words.length > 0 && commands.length < MAX_SCRIPT_COMMANDS) commands.push(words);
    words = [];
    skipNextWord = false;
  };
  let i = 0;
  const n = s.length;
  while (i < n) {
    const c = s[i]!;
    if (c === '\\') {
      if (s[i + 1] === '\n') {
        i += 2;
        continue;
      }
      word = (word ?? '') + (s[i + 1] ?? '');
      i += 2;
      continue;
    }
    if (c === "'") {
      const end = s.indexOf("'", i + 1);
      const stop = end < 0 ? n : end;
      word = (word ?? '') + s.slice(i + 1, stop);
      i = stop + 1;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      let text = '';
      while (j < n && s[j] !== '"') {
        if (s[j] === '\\' && j + 1 < n && '"\\$`\n'.includes(s[j + 1]!)) {
          if (s[j + 1] !== '\n') text += s[j + 1];
          j += 2;
        } else {
          text += s[j];
          j += 1;
        }
      }
      word = (word ?? '') + text;
      i = j + 1;
      continue;
    }
    if (c === '`') {
      const end = s.indexOf('`', i + 1);
      const stop = end < 0 ? n : end;
      word = (word ?? '') + s.slice(i, stop + 1);
      i = stop + 1;
      continue;
    }
    if (c === '$' && s[i + 1] === '(') {
      // A command substitution stays in its word; its parentheses are balanced, not command separators.
      let depth = 0;
      let j = i + 1;
      for (; j < n; j++) {
        if (s[j] === '(') depth++;
        else if (s[j] === ')' && --depth === 0) break;
      }
      word = (word ?? '') + s.slice(i, Math.min(j + 1, n));
      i = j + 1;
      continue;
    }
    if (c === '#' && word === null) {
      const nl = s.indexOf('\n', i);
      i = nl < 0 ? n : nl;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      endWord();
      i += 1;
      continue;
    }
    if (c === '\n') {
      endCommand();
      i += 1;
      if (heredocs.length > 0) {
        // Skip each here-document's body up to its delimiter line.
        for (const h of heredocs) {
          while (i < n) {
            const nl = s.indexOf('\n', i);
            const line = s.slice(i, nl < 0 ? n : nl);
            i = nl < 0 ? n : nl + 1;
            if ((h.strip ? line.replace(/^\t+/, '') : line) === h.delim) break;
          }
        }
        heredocs = [];
      }
      continue;
    }
    if (c === ';' || c === '&' || c === '|' || c === '(' || c === ')') {
      // `&>file` is a redirection, not a separator.
      if (!(c === '&' && s[i + 1] === '>')) {
        endCommand();
        i += 1;
        while (i < n && (s[i] === '&' || s[i] === '|' || s[i] === ';')) i += 1;
        continue;
      }
    }
    if (c === '<' || c === '>' || c === '&') {
      // A redirection: `2>&1`, `>/dev/null`, `< file`, `<<EOF`. A file descriptor number before it is not a word.
      if (word !== null && /^\d+$/.test(word)) word = null;
      else endWord();
      let j = i;
      while (j < n && (s[j] === '<' || s[j] === '>' || s[j] === '&')) j += 1;
      const op = s.slice(i, j);
      if (op.startsWith('<<') && op !== '<<<') {
        let strip = false;
        if (s[j] === '-') {
          strip = true;
          j += 1;
        }
        pendingHeredoc = { strip };
      } else if (op.endsWith('&') && /[\d-]/.test(s[j] ?? '')) {
        while (j < n && /[\d-]/.test(s[j]!)) j += 1;
      } else {
        skipNextWord = true;
      }
      i = j;
      continue;
    }
    word = (word ?? '') + c;
    i += 1;
  }
  endCommand();
  return commands;
}
