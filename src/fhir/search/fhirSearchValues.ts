/**
 * The values of one query parameter occurrence: split at commas (OR), with the search
 * escapes `\,` `\|` `\$` `\\` kept as escapes for {@link splitFhirToken}, then unescaped.
 */
export function splitFhirSearchValues(raw: string): string[] {
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i] as string;
    if (ch === '\\' && i + 1 < raw.length) {
      current += ch + (raw[i + 1] as string);
      i++;
    } else if (ch === ',') {
      out.push(current);
      current = '';
    } else current += ch;
  }
  out.push(current);
  return out;
}

/** A token value split at its first unescaped `|`: `[system, code]`, or `[undefined, code]` without one; both unescaped. */
export function splitFhirToken(value: string): [string | undefined, string] {
  for (let i = 0; i < value.length; i++) {
    if (value[i] === '\\') i++;
    else if (value[i] === '|')
      return [unescapeFhirSearchValue(value.slice(0, i)), unescapeFhirSearchValue(value.slice(i + 1))];
  }
  return [undefined, unescapeFhirSearchValue(value)];
}

/** A value with the search escapes (`\,` `\|` `\$` `\\`) undone. */
export function unescapeFhirSearchValue(value: string): string {
  return value.replace(/\\([\\,|$])/g, '$1');
}
