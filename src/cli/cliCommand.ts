import { parseArgs } from 'node:util';
import { ChartlogError } from '../error/chartlogError.js';
import { EXIT_CODES_HELP } from './exitCodes.js';

/** One option of a {@link CliCommand}, for `parseArgs` and for `--help`. */
export interface CliOption {
  readonly type: 'string' | 'boolean';
  /** Given more than once (e.g. `--peer`), read as a list. @defaultValue `false` */
  readonly multiple?: boolean;
  /** One-letter alias. */
  readonly short?: string;
  /** What it means, for `--help`. */
  readonly description: string;
  /** The value's placeholder in `--help`, e.g. `FILE`. @defaultValue `VALUE` */
  readonly valueName?: string;
  /** The default, as shown in `--help` (commands apply it). */
  readonly defaultValue?: string;
  /** Must be given. @defaultValue `false` */
  readonly required?: boolean;
}

/** Parsed option values, as `parseArgs` returns them. */
export type CliValues = Readonly<
  Record<string, string | boolean | readonly (string | boolean)[] | undefined>
>;

/** The arguments after the options a command takes (e.g. `import-fhir`'s input files), read as a list under `name`. */
export interface CliPositionals {
  /** The key of the list in the parsed values. */
  readonly name: string;
  /** Its placeholder in `--help`, e.g. `INPUT`. */
  readonly valueName: string;
  /** What they are, for `--help`. */
  readonly description: string;
  /** Fewest that must be given. @defaultValue `0` */
  readonly min?: number;
}

/** One `chartlog <command>`: its options, help text and what it runs. */
export interface CliCommand {
  readonly name: string;
  /** One line for the root `--help`. */
  readonly summary: string;
  /** More lines for the command's own `--help`. */
  readonly description?: readonly string[];
  readonly options: Readonly<Record<string, CliOption>>;
  /** Arguments after the options; none are allowed when absent. */
  readonly positionals?: CliPositionals;
  /** Example invocations for `--help`. */
  readonly examples: readonly string[];
  /** Runs the command; resolves to the exit code. Throws ChartlogErrors for failures. */
  run(values: CliValues): Promise<number>;
}

/** Options every command takes. */
export const COMMON_OPTIONS: Readonly<Record<string, CliOption>> = {
  json: { type: 'boolean', description: 'print one JSON object on stdout instead of human output' },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
};

/**
 * Parses a command's arguments strictly: unknown options, missing values, stray
 * positionals and missing required options are `INVALID_OPTION` errors (exit 2).
 */
export function parseCommandArgs(command: CliCommand, args: readonly string[]): CliValues {
  const all = { ...command.options, ...COMMON_OPTIONS };
  const config: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {};
  for (const [name, o] of Object.entries(all))
    config[name] = {
      type: o.type,
      ...(o.multiple === true ? { multiple: true } : {}),
      ...(o.short !== undefined ? { short: o.short } : {}),
    };
  let values: CliValues;
  try {
    const parsed = parseArgs({
      args: negativeValuesInline(args, all),
      options: config,
      strict: true,
      allowPositionals: command.positionals !== undefined,
    });
    values =
      command.positionals === undefined
        ? (parsed.values as CliValues)
        : { ...(parsed.values as CliValues), [command.positionals.name]: parsed.positionals };
  } catch (cause) {
    throw new ChartlogError(
      'INVALID_OPTION',
      `${cause instanceof Error ? cause.message.split('\n')[0] : String(cause)} (see chartlog ${command.name} --help)`,
      { cause },
    );
  }
  if (values['help'] === true) return values;
  for (const [name, o] of Object.entries(command.options)) {
    if (o.required === true && values[name] === undefined)
      throw new ChartlogError(
        'INVALID_OPTION',
        `--${name} is required (see chartlog ${command.name} --help)`,
      );
  }
  const p = command.positionals;
  if (p !== undefined && (values[p.name] as readonly string[]).length < (p.min ?? 0))
    throw new ChartlogError(
      'INVALID_OPTION',
      `give at least ${p.min} ${p.valueName} (see chartlog ${command.name} --help)`,
    );
  return values;
}

/**
 * `--hours -1` as `--hours=-1`: parseArgs reads a value starting with `-` as an option and
 * calls it "ambiguous"; a number there is the value, so the command's own check can say
 * what the option takes.
 */
function negativeValuesInline(
  args: readonly string[],
  options: Readonly<Record<string, CliOption>>,
): string[] {
  const result: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const next = args[i + 1];
    const name = arg.startsWith('--')
      ? arg.slice(2)
      : Object.entries(options).find(([, o]) => o.short !== undefined && arg === `-${o.short}`)?.[0];
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      result.push(`--${name}=${next}`);
      i++;
    } else result.push(arg);
  }
  return result;
}

/** A command's `--help` text. */
export function commandHelp(command: CliCommand): string {
  const all = { ...command.options, ...COMMON_OPTIONS };
  const label = (name: string, o: CliOption): string =>
    `${o.short !== undefined ? `-${o.short}, ` : ''}--${name}${o.type === 'string' ? ` ${o.valueName ?? 'VALUE'}` : ''}`;
  const width = Math.max(...Object.entries(all).map(([n, o]) => label(n, o).length));
  const usage = Object.entries(command.options)
    .map(([n, o]) => {
      const text = label(n, o);
      const shown = o.multiple === true ? `${text} [...]` : text;
      return o.required === true ? shown : `[${shown}]`;
    })
    .join(' ');
  const lines = [
    `chartlog ${command.name}: ${command.summary}`,
    '',
    `Usage: chartlog ${command.name} ${usage} [--json]${command.positionals === undefined ? '' : ` ${command.positionals.valueName}...`}`,
    ...(command.description ? ['', ...command.description] : []),
    '',
    'Options:',
    ...Object.entries(all).map(([n, o]) => {
      const notes = [
        o.required === true ? 'required' : '',
        o.multiple === true ? 'repeatable' : '',
        o.defaultValue !== undefined ? `default: ${o.defaultValue}` : '',
      ].filter(Boolean);
      return `  ${label(n, o).padEnd(width)}  ${o.description}${notes.length ? ` (${notes.join('; ')})` : ''}`;
    }),
    ...(command.positionals === undefined
      ? []
      : [`  ${`${command.positionals.valueName}...`.padEnd(width)}  ${command.positionals.description}`]),
    '',
    'Examples:',
    ...command.examples.map((e) => `  ${e}`),
    '',
    'Exit codes:',
    ...EXIT_CODES_HELP.map((e) => `  ${e}`),
  ];
  return lines.join('\n');
}

/** The string value of an option, or undefined. */
export function stringOption(values: CliValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

/** The string value of a required option (parseCommandArgs has checked it is there). */
export function requiredOption(values: CliValues, name: string): string {
  const v = stringOption(values, name);
  if (v === undefined) throw new ChartlogError('INVALID_OPTION', `--${name} is required`);
  return v;
}

/** Every value of a repeatable option, in order. */
export function listOption(values: CliValues, name: string): string[] {
  const v = values[name];
  return Array.isArray(v)
    ? v.filter((x): x is string => typeof x === 'string')
    : typeof v === 'string'
      ? [v]
      : [];
}

/** A whole-number option within bounds, or its default. */
export function integerOption(
  values: CliValues,
  name: string,
  fallback: number,
  min = 1,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const raw = stringOption(values, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `, ${min} or more` : ` from ${min} to ${max}`;
    throw new ChartlogError(
      'INVALID_OPTION',
      `--${name} must be a whole number${range}, not ${JSON.stringify(raw)}`,
    );
  }
  return n;
}

/** True when `--json` was given. */
export function wantsJson(values: CliValues): boolean {
  return values['json'] === true;
}

/** Writes one line to stdout. */
export function out(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** Writes one JSON object as one line to stdout. */
export function outJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}
