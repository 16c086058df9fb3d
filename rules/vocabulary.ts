// Values whose form is fixed by a standard rather than by the configuration: ISO 639-1 language
// codes and calendar dates. Schemas name them as formats (`iso-639-1`, `date`) and rules are held
// to them too, so `english` or `2026-13-01` fails `ill check` instead of never matching or being
// read as some later day.

import LANGUAGES from './iso-639-1.json';

interface Language {
  names: string[];
  alpha3: string[];
}

const CODES: Readonly<Record<string, Language>> = LANGUAGES;

/** The 184 two-letter codes of ISO 639-1. */
export const LANGUAGE_CODES: readonly string[] = Object.keys(CODES);

export function isLanguageCode(value: string): boolean {
  return Object.hasOwn(CODES, value);
}

/** The ISO 639-1 code of a language written as that code, its ISO 639-2 code (`chi`, `zho`) or its English name. */
export function languageCodeOf(value: string): string | undefined {
  const wanted = value.trim().toLowerCase();
  return Object.entries(CODES).find(([code, { names, alpha3 }]) => code === wanted || alpha3.includes(wanted) || names.some((name) => name.toLowerCase() === wanted))?.[0];
}

/** Why `value` is not an ISO 639-1 code, naming the code meant when a name or a three-letter code gives it away. */
export function languageProblem(value: string): string | undefined {
  if (isLanguageCode(value)) return undefined;
  const meant = languageCodeOf(value);
  const hint = meant ? `: ${CODES[meant]!.names[0] ?? meant} is '${meant}'` : ' (two lower-case letters, for example zh, en, ja, ko)';
  return `'${value}' is not an ISO 639-1 language code${hint}`;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isCalendarDate(value: string): boolean {
  const parts = DATE.exec(value);
  if (!parts) return false;
  const [year, month, day] = parts.slice(1).map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

export function dateProblem(value: string): string | undefined {
  if (isCalendarDate(value)) return undefined;
  return DATE.test(value) ? `'${value}' is not a day of the calendar` : `'${value}' is not a date written YYYY-MM-DD`;
}
