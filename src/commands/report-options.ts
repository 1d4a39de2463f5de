// Flags that shape reports for CI: where file URIs start (--root), the SARIF category and the docs base URL.
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../core/errors.js';
import type { ReportOptions } from '../reporters/write.js';

export type { ReportOptions };

export function addReportOptions(cmd: Command): Command {
  return cmd
    .option('--root <dir>', 'folder that file paths in SARIF and annotations are relative to (default: the git top level, else the working directory)')
    .option('--sarif-category <name>', 'SARIF automationDetails category, so several uploads of one commit do not replace each other')
    .option('--docs-url <url>', "absolute URL of the folder serving the rule pages (docs/rules/), for SARIF's helpUri");
}

/** The nearest folder from `start` up that holds `.git` (a folder, or a file in a worktree or submodule). */
export function gitTopLevel(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, '.git'))) return dir;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001F\u007F]/;

export function resolveReportOptions(opts: { root?: string; sarifCategory?: string; docsUrl?: string }, cwd = process.cwd()): ReportOptions {
  let root: string;
  if (opts.root !== undefined) {
    root = resolve(cwd, opts.root);
    let isDir = false;
    try {
      isDir = statSync(root).isDirectory();
    } catch {
      throw new UserError('file-not-found', `--root ${opts.root} does not exist`);
    }
    if (!isDir) throw new UserError('invalid-option', `--root ${opts.root} is not a folder`);
  } else {
    root = gitTopLevel(cwd) ?? cwd;
  }
  const out: ReportOptions = { root };
  if (opts.sarifCategory !== undefined) {
    const c = opts.sarifCategory.trim();
    if (c === '' || CONTROL.test(c) || c.length > 200) {
      throw new UserError('invalid-option', '--sarif-category must be a non-empty name of at most 200 printable characters');
    }
    out.sarifCategory = c;
  }
  if (opts.docsUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(opts.docsUrl.trim());
    } catch {
      throw new UserError('invalid-option', '--docs-url is not an absolute URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UserError('invalid-option', '--docs-url must be an http or https URL');
    if (url.username || url.password) throw new UserError('invalid-option', '--docs-url must not carry credentials');
    out.docsUrl = url.href.endsWith('/') ? url.href : `${url.href}/`;
  }
  return out;
}
