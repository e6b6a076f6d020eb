// The bearer-key check of every route but /healthz. Both sides are hashed to SHA-256 first,
// so timingSafeEqual compares equal lengths and the time taken tells nothing about the key
// (not even its length). The key itself is never logged or echoed.
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** A check of an Authorization header against the key. */
export function bearerCheck(key: string): (authorization: string | undefined) => boolean {
  const want = digest(key);
  return (authorization) => {
    const m = /^Bearer +(\S+) *$/i.exec(authorization ?? '');
    const same = timingSafeEqual(digest(m ? m[1] : ''), want); // compared even without a header: same work either way
    return m !== null && same;
  };
}
