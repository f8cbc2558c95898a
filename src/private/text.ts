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

/**
 * Characters that must not reach a terminal from untrusted text (arguments, commit messages, AWS answers): C0
 * controls but tab and newline (ESC starts an ANSI sequence, CR overwrites a line), DEL, C1 controls (CSI
 * U+009B is ESC [ on some terminals), and the Unicode line separators and bidirectional overrides that make text
 * read differently from what it is.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE_FOR_TERMINAL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text safe to print to a terminal: each unsafe character becomes a visible `\u001b`-style escape (the rest of
 * an ANSI sequence, `[31m`, then prints as plain text). JSON stays valid and reads back the same: the escape is
 * JSON's own.
 */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE_FOR_TERMINAL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** True when the text holds a character `terminalSafe` escapes. */
export function hasTerminalControls(text: string): boolean {
  UNSAFE_FOR_TERMINAL.lastIndex = 0;
  const found = UNSAFE_FOR_TERMINAL.test(text);
  UNSAFE_FOR_TERMINAL.lastIndex = 0;
  return found;
}
