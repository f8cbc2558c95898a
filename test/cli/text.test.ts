import { hasTerminalControls, showText, terminalSafe } from '../../src/private/text';

describe('terminalSafe', () => {
  test.each([
    ['\x1b[31mred\x1b[0m', '\\u001b[31mred\\u001b[0m'],
    ['bell\x07 nul\x00 del\x7f', 'bell\\u0007 nul\\u0000 del\\u007f'],
    ['carriage\rreturn', 'carriage\\u000dreturn'],
    ['csi\u009b31m', 'csi\\u009b31m'],
    ['bidi \u202eevil\u2066', 'bidi \\u202eevil\\u2066'],
    ['line\u2028separator', 'line\\u2028separator'],
  ])('%j is escaped', (text, safe) => {
    expect(terminalSafe(text)).toBe(safe);
    expect(hasTerminalControls(text)).toBe(true);
    expect(hasTerminalControls(terminalSafe(text))).toBe(false);
  });

  test('tab, newline and non-ASCII text are kept', () => {
    const text = 'café\tnaïve 日本語 🚀\nnext line';
    expect(terminalSafe(text)).toBe(text);
    expect(hasTerminalControls(text)).toBe(false);
  });

  test('JSON stays valid and reads back the same', () => {
    const value = { message: 'a\u009bb\u202ec\x1b' };
    expect(JSON.parse(terminalSafe(JSON.stringify(value)))).toEqual(value);
  });

  test('showText is unchanged', () => {
    expect(showText('e-com67')).toBe('("e-com67")');
  });
});
