#!/usr/bin/env node
// Commander wiring only: each command lives in src/commands/.
import { Command, CommanderError } from 'commander';
import { registerAttestCommand } from './commands/attest.js';
import { registerCheckCommand } from './commands/check.js';
import { registerLoadCommand } from './commands/load.js';
import { registerProbeCommand } from './commands/probe.js';
import { registerRulesCommands } from './commands/rules.js';
import { isUserError } from './core/errors.js';
import { VERSION } from './version.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('prodready')
    .description('Decides whether a recsys-service deployment is ready for production, with evidence.')
    .version(VERSION, '-V, --version')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(str.replace(/^error:/, 'prodready: error[invalid-option]:')) })
    .addHelpText(
      'after',
      `
Examples:
  prodready check --values values.yaml --env prod.env --manifests rendered.yaml
  prodready rules
  prodready explain dev-auth-disabled
  prodready attest --template > prodready.attestations.yaml

Exit codes: 0 ready, 1 findings at or above --fail-on, 2 usage or input error.`,
    );
  registerCheckCommand(program);
  registerRulesCommands(program);
  registerAttestCommand(program);
  registerProbeCommand(program);
  registerLoadCommand(program);
  for (const cmd of program.commands) cmd.exitOverride().showSuggestionAfterError(true);
  return program;
}

// `prodready rules | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version exit 0; commander already printed its one-line error otherwise.
      return e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? 0 : 2;
    }
    if (isUserError(e)) {
      process.stderr.write(`${e.format()}\n`);
      return 2;
    }
    throw e;
  }
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    // A bug: keep its stack so it can be fixed.
    process.stderr.write(`prodready: internal error (please report it)\n${(e as Error)?.stack ?? String(e)}\n`);
    process.exitCode = 2;
  },
);
