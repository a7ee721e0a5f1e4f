/**
 * Reading a benchmark's own arguments (`npm run bench -- <name> --flag value …`).
 */

/** The value after `--name` (or in `--name=value`), if given. */
export function stringArg(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  return args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
}

/**
 * The positive number after `--name`, if given.
 * @throws Error when it is given and is not a positive number (the message names `bench`).
 */
export function numberArg(args: readonly string[], name: string, bench: string): number | undefined {
  const s = stringArg(args, name);
  if (s === undefined) return undefined;
  const n = Number(s.replace(/_/g, ''));
  if (!(n > 0)) throw new Error(`${bench}: ${name} takes a positive number, not ${s}`);
  return n;
}
