// Text from a file or a flag (a cell, a column or entry name) put into a message: every message
// is one line, so a control character (a line break in a quoted cell, a damaged zip directory's
// bytes) is shown as '?'.

export function printable(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    out += c < 32 || c === 127 ? '?' : ch;
  }
  return out;
}
