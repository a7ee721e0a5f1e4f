import { isChartlogError } from '../error/chartlogError.js';
import { commandHelp, out, outJson, parseCommandArgs, type CliCommand } from './cliCommand.js';
import { compactCommand } from './commands/compact.js';
import { conflictsCommand } from './commands/conflicts.js';
import { demoCommand } from './commands/demo.js';
import { exportFhirCommand } from './commands/exportFhir.js';
import { importFhirCommand } from './commands/importFhir.js';
import { keygenCommand } from './commands/keygen.js';
import { recoverCommand } from './commands/recover.js';
import { replayCommand } from './commands/replay.js';
import { resolveCommand } from './commands/resolve.js';
import { serveCommand } from './commands/serve.js';
import { statusCommand } from './commands/status.js';
import { syncCommand } from './commands/sync.js';
import { verifyCommand } from './commands/verify.js';
import { EXIT, EXIT_CODES_HELP, exitCodeOf } from './exitCodes.js';
import { packageVersion } from './packageVersion.js';

/** Every `chartlog` command, in the order the root `--help` lists them. */
export const CLI_COMMANDS: readonly CliCommand[] = [
  demoCommand,
  keygenCommand,
  serveCommand,
  syncCommand,
  statusCommand,
  recoverCommand,
  verifyCommand,
  conflictsCommand,
  resolveCommand,
  replayCommand,
  compactCommand,
  importFhirCommand,
  exportFhirCommand,
];

/** The root `--help` text. */
export function rootHelp(): string {
  const width = Math.max(...CLI_COMMANDS.map((c) => c.name.length));
  return [
    'chartlog: health records as append-only clinical events; sites hold replicas and sync.',
    '',
    'Usage: chartlog <command> [options]     chartlog <command> --help     chartlog --version',
    '',
    'Commands:',
    ...CLI_COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Every command takes --json (one JSON object on stdout, for scripts) and --help.',
    'Errors are one line on stderr: "chartlog <command>: <CODE>: <message>".',
    '',
    'Example:',
    '  chartlog keygen --out hospital-d.key && ' +
      'chartlog serve --store hospital-d.chartlog --site hospital-d --key hospital-d.key --peers peers.json',
    '',
    'Exit codes:',
    ...EXIT_CODES_HELP.map((e) => `  ${e}`),
  ].join('\n');
}

/**
 * Runs `chartlog` with the arguments after the program name and resolves to the exit
 * code (never throws): usage errors are exit 2, ChartlogErrors map to codes by kind (see
 * `EXIT`), each reported as one line on stderr naming its code (and, with `--json`, as
 * `{"ok":false,"error":{code,message}}` on stdout). `--version` (`-V`) prints the package version. `commands` replaces the command set
 * (e.g. `npm run demo` runs `demo` with a FHIR app the bin does not ship).
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(['verify', '--store', 'site.chartlog']);
 * ```
 */
export async function runCli(
  argv: readonly string[],
  commands: readonly CliCommand[] = CLI_COMMANDS,
): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    out(rootHelp());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    out(packageVersion());
    return EXIT.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (command === undefined) {
    const known = commands.map((c) => c.name).join(', ');
    process.stderr.write(
      `chartlog: INVALID_OPTION: unknown command ${JSON.stringify(name)} (commands: ${known}; see chartlog --help)\n`,
    );
    return EXIT.usage;
  }
  const json = args.includes('--json');
  try {
    const values = parseCommandArgs(command, args);
    if (values['help'] === true) {
      out(commandHelp(command));
      return EXIT.ok;
    }
    return await command.run(values);
  } catch (error) {
    const code = isChartlogError(error) ? error.code : 'INTERNAL';
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`chartlog ${command.name}: ${code}: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
    if (!isChartlogError(error) && error instanceof Error && process.env['CHARTLOG_DEBUG'] !== undefined)
      process.stderr.write(`${error.stack ?? ''}\n`);
    if (json) outJson({ ok: false, error: { code, message } });
    return exitCodeOf(error);
  }
}
