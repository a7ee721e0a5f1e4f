import { describe, expect, it } from 'vitest';
import { parseCommandArgs, integerOption } from '../../src/cli/cliCommand.js';
import { CLI_COMMANDS } from '../../src/cli/runCli.js';
import { isChartlogError } from '../../src/error/chartlogError.js';
import { runChartlog } from './runChartlog.js';

/** The error `fn` throws, or undefined. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('whole-number options', () => {
  it('a negative number after an option is its value, refused as "a whole number", never "ambiguous"', async () => {
    const run = await runChartlog(['demo', '--hours', '-1']);
    expect(run.code).toBe(2);
    expect(run.stderr).not.toContain('ambiguous');
    expect(run.stderr).toBe(
      'chartlog demo: INVALID_OPTION: --hours must be a whole number, 1 or more, not "-1"\n',
    );
  });

  it('every string option of every command takes a negative number as its value (the command then checks it)', () => {
    for (const command of CLI_COMMANDS) {
      for (const [name, option] of Object.entries(command.options)) {
        if (option.type !== 'string') continue;
        const required = Object.entries(command.options)
          .filter(([n, o]) => o.required === true && n !== name)
          .flatMap(([n]) => [`--${n}`, 'x']);
        const positionals = command.positionals === undefined ? [] : ['input.ndjson'];
        const error = thrown(() =>
          parseCommandArgs(command, [...required, `--${name}`, '-1', ...positionals]),
        );
        expect(error, `${command.name} --${name} -1`).toBeUndefined();
      }
    }
  });

  it('says the range the option takes: from 0, from 1, or within bounds', () => {
    const message = (values: Record<string, string>, min?: number, max?: number): string => {
      const error = thrown(() => integerOption(values, 'n', 5, min, max));
      return isChartlogError(error) ? `${error.code}: ${error.message}` : 'no error';
    };
    expect(message({ n: '-1' }, 0)).toBe('INVALID_OPTION: --n must be a whole number, 0 or more, not "-1"');
    expect(message({ n: '1.5' })).toBe('INVALID_OPTION: --n must be a whole number, 1 or more, not "1.5"');
    expect(message({ n: '70000' }, 0, 65535)).toBe(
      'INVALID_OPTION: --n must be a whole number from 0 to 65535, not "70000"',
    );
    expect(message({ n: '7' })).toBe('no error');
  });
});
