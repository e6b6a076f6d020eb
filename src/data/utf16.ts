// Excel's "Unicode Text" export and some plant historians write UTF-16. The readers take
// UTF-8, so such text is told apart by its first bytes and re-encoded a chunk at a time:
// a byte order mark, or (without one) the zero high bytes of plain ASCII.

export type Utf16 = 'utf-16le' | 'utf-16be';

/** Bytes needed to tell UTF-16 from other text. */
export const UTF16_SNIFF_BYTES = 4;

/** The encoding when the text's first bytes are UTF-16, else undefined. */
export function sniffUtf16(head: Uint8Array): Utf16 | undefined {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  // Two ASCII characters without a mark: "a\0b\0" (little-endian) or "\0a\0b" (big-endian).
  if (head.length < 4) return undefined;
  const ascii = (b: number) => b !== 0 && b < 0x80;
  if (ascii(head[0]) && head[1] === 0 && ascii(head[2]) && head[3] === 0) return 'utf-16le';
  if (head[0] === 0 && ascii(head[1]) && head[2] === 0 && ascii(head[3])) return 'utf-16be';
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
