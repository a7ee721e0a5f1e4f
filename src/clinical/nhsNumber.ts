/** FHIR identifier system of the NHS number (England, Wales and the Isle of Man). */
export const NHS_NUMBER_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';

/**
 * Why `value` is not a valid NHS number, or undefined when it is: ten digits (spaces
 * allowed between groups, as printed: `943 476 5919`) whose tenth is the modulus-11
 * check digit of the first nine (weights 10 down to 2; a remainder giving 10 is never
 * issued). A mistyped digit or two swapped neighbouring digits always fail.
 *
 * @example nhsNumberProblem('9434765919') // undefined
 * @example nhsNumberProblem('9434765918') // 'check digit does not match…'
 */
export function nhsNumberProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'an NHS number must be a string of 10 digits';
  const digits = value.replace(/ /g, '');
  if (!/^\d{10}$/.test(digits)) return 'an NHS number must be 10 digits';
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(digits[i]) * (10 - i);
  const check = (11 - (sum % 11)) % 11;
  if (check === 10) return 'not a valid NHS number: its first nine digits give no check digit';
  if (check !== Number(digits[9]))
    return 'not a valid NHS number: the check digit (modulus 11) does not match';
  return undefined;
}

/**
 * True when `value` is a valid NHS number (see {@link nhsNumberProblem}).
 * @example isValidNhsNumber('943 476 5919') // true
 */
export function isValidNhsNumber(value: unknown): value is string {
  return nhsNumberProblem(value) === undefined;
}

/**
 * The NHS number in its stored form: ten digits, no spaces. Call only on valid input.
 * @example normalizeNhsNumber('943 476 5919') // '9434765919'
 */
export function normalizeNhsNumber(value: string): string {
  return value.replace(/ /g, '');
}
