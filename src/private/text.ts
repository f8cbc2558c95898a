// Plain text helpers with no dependency on aws-cdk-lib, so that PlatformNaming and the operator CLI (bundled
// on its own) can use them.

/** Renders a received value for an error message, short enough to read: `("e-com67")`. */
export function showText(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return `(${text.length > 120 ? `${text.slice(0, 117)}...` : text})`;
}

/**
 * True when a string holds a CDK token (`${Token[...]}`, or `#{Token[...]}` in a list), which is only known at
 * deploy time. Equivalent to `Token.isUnresolved()` for strings (a unit test holds them together).
 */
export function isUnresolvedString(value: string): boolean {
  return value.includes('${Token[') || value.includes('#{Token[');
}
