// Type checks of props as JavaScript and Python callers may pass them (a string where a boolean is expected, a
// string where a list is, a number where a Duration is, undefined for a required prop), so that the library's own
// error comes before a TypeError or aws-cdk-lib's words. One wording for every construct:
// `it must be <what>, and is <what it is>`.
import { Construct, IConstruct } from 'constructs';
import { isToken, propError } from './validation';

/** What a value is, for an error message: `null`, `a list`, `a string`, `an object`, `a CspPreset`. */
export function kindOf(value: unknown): string {
  if (value === null || value === undefined) {
    return String(value);
  }
  if (Array.isArray(value)) {
    return 'a list';
  }
  const name = typeof value === 'object' ? value.constructor?.name : typeof value;
  if (!name || name === 'Object') {
    return 'an object';
  }
  return `${/^[aeiou]/i.test(name) ? 'an' : 'a'} ${name}`;
}

/**
 * A value as an error message shows it where it is not what was expected: a construct by its class and path, a
 * Duration as itself, another object by what it is (its fields may be long or circular); anything else as is.
 */
export function describeValue(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || isDuration(value)) {
    return value;
  }
  return Construct.isConstruct(value) ? `${value.constructor.name} ${value.node.path}` : kindOf(value);
}

/** True for a Duration, by shape rather than `instanceof`: an app may load a second copy of aws-cdk-lib. */
export function isDuration(value: unknown): boolean {
  return typeof value === 'object' && value !== null
    && typeof (value as { toMilliseconds?: unknown }).toMilliseconds === 'function'
    && typeof (value as { isUnresolved?: unknown }).isUnresolved === 'function';
}

/**
 * Refuses a value that is given and is not a boolean (`"false"` is truthy). A token is refused too: every
 * boolean prop decides at synth what is created, where a token would always count as true.
 */
export function checkBoolean(scope: IConstruct, prop: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') {
    const hint = typeof value === 'string' ? ' (any string, even "false", would count as true)'
      : isToken(value) ? ' (it decides what is synthesized, so a token would always count as true)' : '';
    throw propError(scope, prop, describeValue(value), `it must be true or false, and is ${kindOf(value)}${hint}`, `set \`${prop}\` to true or false`);
  }
}

/**
 * Refuses a value that is not a string: given, or at all when `required`. The fix shows `example` when given,
 * and otherwise says to remove the prop for its default.
 */
export function checkString(scope: IConstruct, prop: string, value: unknown, example?: string, options: { readonly required?: boolean } = {}): void {
  if ((value !== undefined || options.required) && typeof value !== 'string') {
    throw propError(scope, prop, describeValue(value), `it must be a string, and is ${kindOf(value)}`,
      example === undefined ? `give \`${prop}\` as a string, or remove it for the default` : `give a string such as "${example}"`);
  }
}

/**
 * Refuses a value that is given and is not a list whose every entry passes `isEntry`; `what` names the entries
 * (`strings`, `CspPresets`) and `example` one entry as code (`"npm ci"`, `CspPreset.stripe()`). A token (a
 * list known at deploy time) is skipped.
 */
export function checkList(scope: IConstruct, prop: string, value: unknown, isEntry: (entry: unknown) => boolean, what: string,
  example: string): void {
  if (value === undefined || isToken(value)) {
    return;
  }
  if (!Array.isArray(value)) {
    throw propError(scope, prop, describeValue(value), `it must be a list of ${what}, and is ${kindOf(value)}`,
      typeof value === 'string' && what === 'strings' ? `put the value in a list: [${JSON.stringify(value)}]` : `give a list such as [${example}]`);
  }
  // findIndex visits the holes of a sparse list (as undefined), which find-based checks miss.
  const bad = value.findIndex((entry) => !isEntry(entry));
  if (bad >= 0) {
    throw propError(scope, prop, value.map(describeValue), `it must be a list of ${what}, and entry ${bad} is ${kindOf(value[bad])}`,
      `give a list of ${what} such as [${example}]`);
  }
}

/** Refuses a value that is given and is not a list of strings; `example` is one entry as code (`"npm ci"`). */
export function checkStringList(scope: IConstruct, prop: string, value: unknown, example: string): void {
  checkList(scope, prop, value, (entry) => typeof entry === 'string', 'strings', example);
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
    throw propError(scope, prop, describeValue(value), `it is not a value of ${name}`, `use one of ${list}`);
  }
}

/** Refuses a value that is given and is not a Duration (a number of seconds or days from JavaScript). */
export function checkDuration(scope: IConstruct, prop: string, value: unknown, example: string): void {
  if (value !== undefined && !isDuration(value)) {
    throw propError(scope, prop, describeValue(value), `it must be a Duration, and is ${kindOf(value)}`,
      `give a Duration such as ${example}, or remove \`${prop}\` for the default`);
  }
}

/**
 * Refuses a value that is missing or not an instance of what is expected (a plain object or a name from
 * JavaScript); `ok` is the caller's test of it. For an optional prop, pass `ok` true when the value is undefined.
 */
export function checkInstance(scope: IConstruct, prop: string, value: unknown, ok: boolean, what: string, fix: string): void {
  if (!ok) {
    throw propError(scope, prop, describeValue(value), value === undefined ? `${what} is required` : `it must be ${what}, and is ${kindOf(value)}`, fix);
  }
}

/** Refuses a value that is not an object with fields (null, a list, a string from JavaScript). */
export function checkObject(scope: IConstruct, prop: string, value: unknown, fix: string): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw propError(scope, prop, value, `it must be an object, and is ${kindOf(value)}`, fix);
  }
}
