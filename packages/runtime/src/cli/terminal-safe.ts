/**
 * Text from a job, a model or a file, made safe to print on a terminal: escape sequences
 * (ESC, CSI, OSC such as a title change or a hyperlink, C1 controls), backspace and carriage
 * return could rewrite what the user sees, so each control character is shown as a visible
 * escape (`\x1b`, `\r`) instead of acting. Tabs and newlines stay when `keepNewlines` is set.
 */
export function terminalSafe(text: string, options: { keepNewlines?: boolean } = {}): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => {
    if (options.keepNewlines && (c === '\n' || c === '\t')) return c;
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    const code = c.charCodeAt(0);
    return code > 0xff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\x${code.toString(16).padStart(2, '0')}`;
  });
}
