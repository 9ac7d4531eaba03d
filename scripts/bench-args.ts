/** Flags and statistics shared by the benchmark and report scripts (`npm run bench:*`, ...). */
import { Command, CommanderError } from 'commander';

/** A flag of a script: a positive whole number with a default, or text that may be absent. */
export type ScriptFlag =
  { readonly int: number; readonly help: string } | { readonly text: true; readonly help: string };

type Values<S extends Record<string, ScriptFlag>> = {
  readonly [K in keyof S]: S[K] extends { readonly int: number } ? number : string | undefined;
};

const EXIT_USAGE = 64;

/**
 * Reads the script's flags from its command line, defined once: `--help` prints them, and an
 * unknown flag, a missing value or a bad number exits 64 naming it (as the CLI does).
 */
export function scriptFlags<const S extends Record<string, ScriptFlag>>(
  script: string,
  description: string,
  spec: S,
  argv: readonly string[] = process.argv.slice(2),
): Values<S> {
  const program = new Command(`npm run ${script} --`)
    .description(description)
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({
      outputError: (text, write) => write(text.replace(/^error: /, `${script}: `)),
    });
  for (const [name, flag] of Object.entries(spec)) {
    program.option(
      `--${name} <${'int' in flag ? 'n' : 'value'}>`,
      'int' in flag ? `${flag.help} (default ${flag.int})` : flag.help,
    );
  }
  try {
    program.parse([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : EXIT_USAGE);
    throw error;
  }
  const opts = program.opts<Record<string, string | undefined>>();
  const values: Record<string, number | string | undefined> = {};
  for (const option of program.options) {
    const name = option.long!.slice(2);
    const flag = spec[name]!;
    const given = opts[option.attributeName()];
    if (!('int' in flag)) {
      values[name] = given;
      continue;
    }
    if (given === undefined) {
      values[name] = flag.int;
      continue;
    }
    const value = Number(given);
    if (!/^\d+$/.test(given) || value < 1) {
      console.error(
        `${script}: --${name} needs a positive whole number (got ${JSON.stringify(given)})`,
      );
      process.exit(EXIT_USAGE);
    }
    values[name] = value;
  }
  return values as Values<S>;
}

/** The middle value (the upper middle for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
