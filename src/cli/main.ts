import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { commands } from './commands/index.js';
import { EXIT, reportError } from './output.js';
import { TOOL_NAME, VERSION } from '../version.js';

/** The CLI is thin: parse, call the library, print. */
export function buildProgram(): Command {
  const program = new Command(TOOL_NAME)
    .version(VERSION)
    .description('Prove, connection by connection, that a man in the middle could neither read nor alter your traffic.')
    .showHelpAfterError()
    .exitOverride();
  for (const register of commands) register(program);
  for (const sub of program.commands) sub.exitOverride();
  return program;
}

async function main(): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version arrive here as "errors" with exit code 0.
      process.exitCode = err.exitCode === 0 ? EXIT.OK : EXIT.ERROR;
      return;
    }
    reportError(err);
  }
}

await main();
