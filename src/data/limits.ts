// What one file may hold. A reader stops at the first limit crossed with a DataError
// naming the file, so a hostile or runaway file costs bounded memory and time: the
// CLI stays under ~1.5 GB whatever it is given. The limits are far above the NASA
// C-MAPSS files (9 MB, 53,759 rows) and the 1,000,000-row benchmark file.

/** Text per file after gzip or zip decompression, and the size of a plain file. */
export const MAX_TEXT_BYTES = 1024 ** 3;

/** Cells held as numbers, rows × columns (8 bytes each: 400 MB). */
export const MAX_VALUES = 50_000_000;

/**
 * The page's cap instead (the tab holds the columns; a 1 GB C-MAPSS file is about 6M
 * readings, 156M values): 200M values, 1.6 GB of columns at most.
 */
export const MAX_PAGE_VALUES = 200_000_000;

/** Columns of a CSV file. */
export const MAX_COLUMNS = 10_000;

/** Distinct text ids in a CSV unit column (each is kept in a map while reading). */
export const MAX_TEXT_IDS = 1_000_000;

/** One CSV record (characters) or C-MAPSS line (bytes), terminator included. */
export const MAX_RECORD = 1024 ** 2;

/** A zip archive or a model file, which are read whole into memory. */
export const MAX_WHOLE_FILE_BYTES = 256 * 1024 ** 2;

/** A RUL file: one number per test unit. */
export const MAX_RUL_BYTES = 1024 ** 2;

/** "1 GiB", "256 MiB": how the limits read in messages. */
export function sizeText(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${+(bytes / 1024 ** 3).toFixed(1)} GiB`;
  if (bytes >= 1024 ** 2) return `${+(bytes / 1024 ** 2).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}
