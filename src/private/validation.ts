import { Duration, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { showText } from './text';

/**
 * The one shape of every synth-time error this library throws: where (construct path), what (prop and the
 * value received), why, and how to fix it.
 */
export function propError(scope: IConstruct, prop: string, value: unknown, problem: string, fix: string): Error {
  return new Error(`${scope.node.path}: invalid \`${prop}\` ${show(value)}: ${problem}. Fix: ${fix}`);
}

/** Renders a received value for an error message, short enough to read. */
export function show(value: unknown): string {
  return value instanceof Duration ? `(${value.toHumanString()})` : showText(value);
}

/** True when a value is a CDK token that can't be checked until deploy time. */
export function isToken(value: unknown): boolean {
  if (value === undefined || value === null) {
    return false;
  }
  if (value instanceof Duration) {
    return value.isUnresolved();
  }
  return Token.isUnresolved(value);
}

/**
 * Checks that a Duration is a whole number of days within [min, max]; tokens are skipped.
 */
export function checkWholeDays(scope: IConstruct, prop: string, value: Duration | undefined, min: number, max: number): void {
  if (value === undefined || value.isUnresolved()) {
    return;
  }
  const hours = value.toHours({ integral: false });
  const days = hours / 24;
  if (!Number.isInteger(days) || days < min || days > max) {
    throw propError(scope, prop, value, `must be a whole number of days from ${min} to ${max}`,
      `use Duration.days(n) with ${min} <= n <= ${max}`);
  }
}

/**
 * Checks that a number is an integer within [min, max]; tokens are skipped.
 */
export function checkInteger(scope: IConstruct, prop: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    throw propError(scope, prop, value, `must be a whole number from ${min} to ${max}`, `set \`${prop}\` to a whole number from ${min} to ${max}`);
  }
}

/**
 * Runs a construct's validation. When it throws, the construct is removed from its parent before the error
 * goes on, so a rejected prop leaves nothing half-created in the tree.
 */
export function validated<T>(construct: IConstruct, check: () => T): T {
  try {
    return check();
  } catch (error) {
    construct.node.scope?.node.tryRemoveChild(construct.node.id);
    throw error;
  }
}
