// Text ids (units, tags) as codes 1, 2, … in the order first met, one code per id however its
// accents were composed: "Presse Ä" typed on a Mac (NFD) and on Windows (NFC) is one unit, as
// `serve` reads it (reading-codec.ts). The form as met is looked up first, so a file of plain
// ASCII ids pays for no normalisation past each id's first cell.

export class TextCodes {
  /** Each id in its NFC form, by code − 1. */
  private readonly nfc = new Map<string, number>();
  /** Ids met in another composition than NFC, to the code of their NFC form. */
  private readonly composed = new Map<string, number>();

  get size(): number {
    return this.nfc.size;
  }

  /** The id's code, or undefined when neither it nor another composition of it was met. */
  code(id: string): number | undefined {
    const known = this.nfc.get(id) ?? this.composed.get(id);
    if (known !== undefined) return known;
    const nfc = id.normalize('NFC');
    if (nfc === id) return undefined;
    const code = this.nfc.get(nfc);
    if (code !== undefined) this.composed.set(id, code);
    return code;
  }

  /** A new id's code (the caller checked `code` first). */
  add(id: string): number {
    const code = this.nfc.size + 1;
    this.nfc.set(id.normalize('NFC'), code);
    return code;
  }

  /** The ids by code − 1, in NFC. */
  labels(): string[] {
    return [...this.nfc.keys()];
  }
}
