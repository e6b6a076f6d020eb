// Excel's "Unicode Text" export and some plant historians write UTF-16. The readers take
// UTF-8, so such text is told apart by its first bytes and re-encoded a chunk at a time:
// a byte order mark, or (without one) the zero high bytes of plain ASCII.

export type Utf16 = 'utf-16le' | 'utf-16be';

/** Bytes looked at to tell UTF-16 without a byte order mark from other text (a whole shorter file). */
export const UTF16_SNIFF_BYTES = 256;

/**
 * The encoding when the text's first bytes are UTF-16, else undefined. Without a byte order mark,
 * every character of the first bytes must be one of the first 256 (a zero byte beside each other
 * byte) and a line must end among them: a dump of 16-bit numbers is binary, not text.
 */
export function sniffUtf16(head: Uint8Array): Utf16 | undefined {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  const n = Math.min(head.length, UTF16_SNIFF_BYTES) & ~1;
  if (n < 8) return undefined;
  for (const [order, low] of [
    ['utf-16le', 0],
    ['utf-16be', 1],
  ] as const) {
    let lines = false;
    let ok = true;
    for (let i = 0; i < n && ok; i += 2) {
      const c = head[i + low];
      ok = c !== 0 && head[i + 1 - low] === 0;
      if (c === 10 || c === 13) lines = true;
    }
    if (ok && lines) return order;
  }
  return undefined;
}

/** UTF-16 bytes in, UTF-8 bytes out, in chunks cut anywhere (a character split across two chunks is kept whole). */
export class Utf16ToUtf8 {
  private readonly decoder: TextDecoder;
  private readonly encoder = new TextEncoder();

  constructor(encoding: Utf16) {
    // The decoder drops the byte order mark. A lone surrogate becomes U+FFFD, which the binary check counts like any other unreadable character.
    this.decoder = new TextDecoder(encoding);
  }

  push(bytes: Uint8Array, final: boolean): Uint8Array {
    return this.encoder.encode(this.decoder.decode(bytes, { stream: !final }));
  }
}
