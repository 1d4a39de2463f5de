// Commander wiring only: each command lives in its own file beside this one. src/cli.ts loads this module for
// everything but a bare --version or --help.
import { Command, CommanderError } from 'commander';
import { registerAttestCommand } from './attest.js';
import { registerCheckCommand } from './check.js';
import { registerLoadCommand } from './load.js';
import { registerMergeCommand } from './merge.js';
import { registerProbeCommand } from './probe.js';
import { registerRulesCommands } from './rules.js';
import { isUserError } from '../core/errors.js';
import { VERSION } from '../version.js';

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
  registerMergeCommand(program);
  for (const cmd of program.commands) cmd.exitOverride().showSuggestionAfterError(true);
  return program;
}

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
