import { Command, CommanderError } from 'commander';
import { commands, type CommandEntry } from './commands/index.js';
import { EXIT, reportError } from './output.js';
import { TOOL_NAME, VERSION } from '../version.js';

/**
 * Which command modules this run needs. Start-up is most of a one-endpoint scan, so only the named command's module
 * (and its dependencies) is loaded; help, no command, `help`, an unknown command or an option before the command load
 * every module so help and error text list every command. `--version` first needs none: commander prints it while
 * parsing the root options, before any command is looked at. The root has no option that takes a value, so the first
 * argument not starting with `-` is the command, as commander reads it.
 */
export function commandsFor(args: readonly string[]): readonly CommandEntry[] {
  for (const arg of args) {
    if (arg === '-V' || arg === '--version') return [];
    if (arg === '--') continue;
    if (arg.startsWith('-')) return commands;
    const entry = commands.find((c) => c.name === arg);
    return entry ? [entry] : commands;
  }
  return commands;
}

/** The CLI is thin: parse, call the library, print. */
export async function buildProgram(args: readonly string[] = process.argv.slice(2)): Promise<Command> {
  const program = new Command(TOOL_NAME)
    .version(VERSION)
    .description('Prove, connection by connection, that a man in the middle could neither read nor alter your traffic.')
    .showHelpAfterError()
    .exitOverride();
  // Loaded side by side, registered in table order so help lists commands in the same order every time.
  const modules = await Promise.all(commandsFor(args).map((c) => c.load()));
  for (const { register } of modules) register(program);
  for (const sub of program.commands) sub.exitOverride();
  return program;
}

/**
 * Rewrite what commander reads differently from a person: `help <cmd> <sub>` is `<cmd> <sub> --help` (commander's
 * help command stops at the first name), and an unknown command is a usage error (exit 2) even with `--help`.
 */
export function normaliseArgs(args: readonly string[]): string[] {
  const first = args.findIndex((a) => !a.startsWith('-'));
  if (first < 0) return [...args];
  const name = args[first]!;
  if (name === 'help' && args.length > first + 1) return [...args.slice(0, first), ...args.slice(first + 1), '--help'];
  // An unknown command with --help: drop the --help so commander reports the unknown command (exit 2, the command
  // list after the error) instead of printing the general help with exit 0.
  if (name !== 'help' && !commands.some((c) => c.name === name)) return args.filter((a) => a !== '--help' && a !== '-h');
  return [...args];
}

async function main(): Promise<void> {
  try {
    const args = normaliseArgs(process.argv.slice(2));
    const program = await buildProgram(args);
    await program.parseAsync(args, { from: 'user' });
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
