// A unit named in a sentence or a list: a bare number reads as a count ("3 is silent"), so it
// takes the word ("unit 3 is silent", "Unit 3"); a name of its own ("PMP-101") stands alone.

export function unitPhrase(name: string, capital = false): string {
  return /^-?\d/.test(name) ? `${capital ? 'Unit' : 'unit'} ${name}` : name;
}
