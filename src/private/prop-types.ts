// Type checks of props as JavaScript and Python callers may pass them (a string where a boolean is expected, a
// string where a list is, undefined for a required prop), so that the library's own error comes before a
// TypeError or aws-cdk-lib's words. Used by CdkBackendPipeline, EcomPlatform and LayerBuilder.
import { IConstruct } from 'constructs';
import { isToken, propError } from './validation';

/** Refuses a value that is given and is not a boolean (`"false"` is truthy). Tokens are skipped. */
export function checkBoolean(scope: IConstruct, prop: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean' && !isToken(value)) {
    throw propError(scope, prop, value, `it must be true or false, and is a ${typeof value}`, `set \`${prop}\` to true or false`);
  }
}

/** Refuses a value that is given and is not a string. */
export function checkString(scope: IConstruct, prop: string, value: unknown, example: string): void {
  if (value !== undefined && typeof value !== 'string') {
    throw propError(scope, prop, value, `it must be a string, and is ${value === null ? 'null' : `a ${typeof value}`}`, `give a string such as "${example}"`);
  }
}

/** Refuses a value that is given and is not a list of strings. */
export function checkStringList(scope: IConstruct, prop: string, value: unknown, example: string): void {
  if (value === undefined || isToken(value)) {
    return;
  }
  if (!Array.isArray(value)) {
    throw propError(scope, prop, value, `it must be a list, and is ${value === null ? 'null' : `a ${typeof value}`}`, `give a list such as [${example}]`);
  }
  const bad = value.find((v) => typeof v !== 'string');
  if (bad !== undefined || value.includes(undefined)) {
    throw propError(scope, prop, value, 'every entry must be a string', `give a list of strings such as [${example}]`);
  }
}

/**
 * Refuses a value that is given and is not one of an enum's values (a string from JavaScript, a value of a
 * newer version of the enum). `values` is the enum object; `name` how the fix names it (`logs.RetentionDays`).
 */
export function checkEnum(scope: IConstruct, prop: string, value: unknown, values: object, name: string): void {
  if (value === undefined) {
    return;
  }
  // A numeric enum maps names to numbers and numbers back to names: only the numbers are values.
  const all = Object.values(values);
  const numeric = all.some((v) => typeof v === 'number');
  const allowed = numeric ? all.filter((v) => typeof v === 'number') : all;
  if (!allowed.includes(value)) {
    const members = Object.keys(values).filter((k) => !numeric || Number.isNaN(Number(k)));
    const list = members.length > 8 ? `${members.slice(0, 6).map((m) => `${name}.${m}`).join(', ')}, ...` : members.map((m) => `${name}.${m}`).join(', ');
    throw propError(scope, prop, value, `it is not a value of ${name}`, `use one of ${list}`);
  }
}

/** Refuses a value that is missing or not an instance of what is expected (a plain object from JavaScript). */
export function checkInstance(scope: IConstruct, prop: string, value: unknown, ok: boolean, what: string, fix: string): void {
  if (!ok) {
    const shown = value === undefined || value === null ? value : (typeof value === 'object' ? `a ${value.constructor?.name ?? 'object'}` : value);
    throw propError(scope, prop, shown, value === undefined ? `${what} is required` : `it must be ${what}`, fix);
  }
}
