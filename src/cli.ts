#!/usr/bin/env node
// The entry. A bare `--version` or `--help` is answered before anything else is imported: the version is a
// constant of the build, the help text a file the build wrote from the program itself (dist/help.txt). Everything
// else loads the commander wiring (src/commands/program.ts) and, through it, only what the command needs.
import { readFileSync } from 'node:fs';
import { VERSION } from './version.js';

// `prodready rules | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

/** The help text the build wrote, when it fits this output: commander formats help to 80 columns off a terminal. */
function builtHelp(): string | undefined {
  if (process.stdout.isTTY && process.stdout.columns !== 80) return undefined;
  try {
    return readFileSync(new URL('./help.txt', import.meta.url), 'utf8');
  } catch {
    return undefined; // Running without a build's help file: the program prints its help.
  }
}

async function start(argv: string[]): Promise<number> {
  const only = argv.length === 3 ? argv[2] : undefined;
  if (only === '--version' || only === '-V') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const help = only === '--help' || only === '-h' ? builtHelp() : undefined;
  if (help !== undefined) {
    process.stdout.write(help);
    return 0;
  }
  const { main } = await import('./commands/program.js');
  return main(argv);
}

start(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    // A bug: keep its stack so it can be fixed.
    process.stderr.write(`prodready: internal error (please report it)\n${(e as Error)?.stack ?? String(e)}\n`);
    process.exitCode = 2;
  },
);
