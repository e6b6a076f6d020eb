// Text ids (units, tags) as codes 1, 2, … in the order first met, one code per id however its
// accents were composed: "Presse Ä" typed on a Mac (NFD) and on Windows (NFC) is one unit, as
// `serve` reads it (reading-codec.ts). An id keeps the form first met as its label, so a scores
// file names units as the data wrote them and a tag stays the column name a wide file's header
// would give it. The form as met is looked up first, so plain ASCII ids pay for no
// normalisation past each id's first cell.

export class TextCodes {
  /** Each id's NFC form to its code. */
  private readonly nfc = new Map<string, number>();
  /** Every other form met to its code. */
  private readonly composed = new Map<string, number>();
  /** The form first met, by code − 1. */
  private readonly firstMet: string[] = [];
  /** The first id met in another composition than an earlier one of the same id: [earlier, later]. */
  merged?: [string, string];

  get size(): number {
    return this.firstMet.length;
  }

  /** The id's code, or undefined when neither it nor another composition of it was met. */
  code(id: string): number | undefined {
    const known = this.nfc.get(id) ?? this.composed.get(id);
    if (known !== undefined) return known;
    const nfc = id.normalize('NFC');
    if (nfc === id) return undefined;
    const code = this.nfc.get(nfc);
    if (code !== undefined) {
      this.composed.set(id, code);
      this.merged ??= [this.firstMet[code - 1], id];
    }
    return code;
  }

  /** A new id's code (the caller checked `code` first). */
  add(id: string): number {
    this.firstMet.push(id);
    const code = this.firstMet.length;
    const nfc = id.normalize('NFC');
    this.nfc.set(nfc, code);
    if (nfc !== id) this.composed.set(id, code);
    return code;
  }

  /** The ids by code − 1, each as first met. */
  labels(): string[] {
    return this.firstMet.slice();
  }
}
