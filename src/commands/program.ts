// Commander wiring only: each command lives in its own file beside this one. src/cli.ts loads this module for
// everything but a bare --version or --help.
// First, before any module that builds or parses a zod schema (see zod-jitless.ts); one import with the program's,
// not one before it, so a start waits for one round of module loading instead of two.
import './zod-jitless.js';
import { Command, CommanderError } from 'commander';
import { isUserError } from '../core/errors.js';
import { VERSION } from '../version.js';

type Register = (program: Command) => void;

/**
 * Each command's module, by the command's name, in the order the help lists them. A module is imported only when
 * its command runs (or the whole program is needed: help, a mistyped command): `prodready check` never loads the
 * code of load, merge, probe or attest.
 */
const COMMANDS: Array<[names: string[], load: () => Promise<Register>]> = [
  [['check'], async () => (await import('./check.js')).registerCheckCommand],
  [['rules', 'explain'], async () => (await import('./rules.js')).registerRulesCommands],
  [['attest'], async () => (await import('./attest.js')).registerAttestCommand],
  [['probe'], async () => (await import('./probe.js')).registerProbeCommand],
  [['load'], async () => (await import('./load.js')).registerLoadCommand],
  [['merge'], async () => (await import('./merge.js')).registerMergeCommand],
];

/**
 * The program with every command, or, given the name of the command that runs, with that command alone: commander
 * then parses and reports exactly as with every command registered, since a command's options, help and errors
 * are its own.
 */
export async function buildProgram(only?: string): Promise<Command> {
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
  const chosen = COMMANDS.filter(([names]) => only !== undefined && names.includes(only));
  for (const [, load] of chosen.length > 0 ? chosen : COMMANDS) (await load())(program);
  for (const cmd of program.commands) cmd.exitOverride().showSuggestionAfterError(true);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  // The command is the first argument when it names one; an option first (`--help`, `-V`) needs the whole program.
  const program = await buildProgram(argv[2]);
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
