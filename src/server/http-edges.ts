// The edges of HTTP a careful client meets before any reading is looked at: a method a route
// does not take (405 with Allow), a body in another charset or compressed (415), and a
// request Node's parser refuses (headers too large, not HTTP). Each answers one line of
// JSON, {"error": "..."}, as every other error does.
import { STATUS_CODES, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** The methods each route takes (HEAD comes with GET). */
export const METHODS_OF: Readonly<Record<string, string>> = {
  '/predict': 'POST',
  '/model': 'GET, HEAD',
  '/healthz': 'GET, HEAD',
  '/metrics': 'GET, HEAD',
  '/openapi.json': 'GET, HEAD',
};

/** The methods a known path takes, or undefined for a path that is no route. */
export function allowedMethods(path: string): string | undefined {
  if (/^\/units\/[^/]+$/.test(path)) return 'DELETE';
  return Object.hasOwn(METHODS_OF, path) ? METHODS_OF[path] : undefined;
}

/** Why a body cannot be read as the JSON it claims to be, or undefined when it can. */
export function encodingProblem(headers: IncomingHttpHeaders): string | undefined {
  const type = headers['content-type'];
  if (type === undefined) return 'send the readings as JSON, with Content-Type: application/json';
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(type)?.[1];
  if (charset && !/^utf-?8$/i.test(charset)) return `send the body as UTF-8 JSON (charset=utf-8), not charset=${charset}`;
  const coding = headers['content-encoding']?.trim();
  if (coding && coding.toLowerCase() !== 'identity') return `send the body uncompressed: Content-Encoding ${coding} is not taken`;
  return undefined;
}

/** Answers a request Node's parser refused, in the server's one-line JSON, then closes the connection. */
export function clientError(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const error =
    status === 431
      ? "the request's headers are larger than the server takes"
      : status === 408
        ? 'the request took too long to arrive'
        : `the request is not valid HTTP (${err.code ?? 'unreadable'})`;
  const body = JSON.stringify({ error });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

const badRequest = (message: string) => Object.assign(new Error(message), { statusCode: 400 });

/** Invalid UTF-8 is refused, not read with U+FFFD in its place: two ids differing in a bad byte would become one unit. */
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The JSON body parser: the bytes as UTF-8 (a byte order mark is ignored, as RFC 8259 allows),
 * JSON.parse, then a "__proto__" key anywhere is refused by name. (Kept as data it would be
 * harmless here, since readings are copied key by key, but a client should learn that the key
 * is what the server refused, not that the JSON is invalid.)
 */
export function parseJsonBody(_req: unknown, bytes: Buffer, done: (err: Error | null, body?: unknown) => void): void {
  if (bytes.length === 0) return done(badRequest('the body is empty: send a JSON object (one reading) or an array of readings'));
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return done(badRequest(`the body is not valid UTF-8 (first bad byte at offset ${firstBadByte(bytes)}): send JSON encoded as UTF-8`));
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return done(badRequest('the body is not valid JSON'));
  }
  // Only a text that could spell the key (plainly or with \u escapes) is walked.
  if ((text.includes('proto') || text.includes('\\u')) && hasProtoKey(body))
    return done(badRequest('the body has a "__proto__" key, which the server refuses: rename that field'));
  // Characters as people count them (an emoji is one), not JavaScript's UTF-16 units.
  const twice = keysLost(text, body) ? duplicateKey(text) : undefined;
  if (twice)
    return done(
      badRequest(
        `the body has the field ${JSON.stringify(twice.key)} twice in one object (again at character ${[...text.slice(0, twice.at)].length + 1}): JSON keeps only the last, which may not be the one meant; send each field once`,
      ),
    );
  done(null, body);
}

/**
 * Whether an object of the parsed body holds fewer keys than its text wrote: a key written twice.
 * A colon outside a string is one key; objects are counted in the order their text opens them,
 * which is the order a depth-first walk of the parsed value meets them (unless an object's keys
 * look like array indices, which JSON.parse puts first: then this says true, and the exact
 * search below decides). Cheaper than that search: no key is copied.
 */
function keysLost(text: string, body: unknown): boolean {
  const written: number[] = [];
  const open: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) i = closingQuote(text, i);
    else if (c === 0x7b) open.push(written.push(0) - 1);
    else if (c === 0x7d) open.pop();
    else if (c === 0x3a) written[open[open.length - 1]]++;
  }
  let k = 0;
  const stack: unknown[] = [body];
  while (stack.length) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object') continue;
    const children = Array.isArray(v) ? v : Object.values(v);
    if (!Array.isArray(v) && children.length !== written[k++]) return true;
    for (let j = children.length - 1; j >= 0; j--) if (children[j] !== null && typeof children[j] === 'object') stack.push(children[j]);
  }
  // A key written twice whose first value was an object drops that object, and the counts can shift into line.
  return k !== written.length;
}

/** Where the string opened at `at` ends: its next quote not escaped by a backslash. */
function closingQuote(text: string, at: number): number {
  let end = at;
  for (;;) {
    end = text.indexOf('"', end + 1);
    let slashes = 0;
    while (text.charCodeAt(end - 1 - slashes) === 0x5c) slashes++;
    if (slashes % 2 === 0) return end;
  }
}

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * The first key an object of a valid JSON text holds twice, and where it comes again. JSON.parse
 * keeps the last silently; a client whose serializer wrote a field twice would be scored on a
 * value it may not have meant. One pass, a set of keys per open object.
 */
export function duplicateKey(text: string): { key: string; at: number } | undefined {
  const open: (Set<string> | null)[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b) open.push(new Set());
    else if (c === 0x5b) open.push(null);
    else if (c === 0x7d || c === 0x5d) open.pop();
    else if (c === 0x22) {
      const start = i;
      let escaped = false;
      for (i++; text.charCodeAt(i) !== 0x22; i++)
        if (text.charCodeAt(i) === 0x5c) {
          escaped = true;
          i++;
        }
      const keys = open[open.length - 1];
      if (!keys) continue;
      let next = i + 1;
      while (isSpace(text.charCodeAt(next))) next++;
      if (text.charCodeAt(next) !== 0x3a) continue; // a value, not a key
      // "\u0061" and "a" are one key: escapes are read as JSON reads them.
      const key = escaped ? (JSON.parse(text.slice(start, i + 1)) as string) : text.slice(start + 1, i);
      if (keys.has(key)) return { key, at: start };
      keys.add(key);
    }
  }
  return undefined;
}

/** Where decoding first fails: the longest prefix that decodes, found by halving (only on a refused body). */
function firstBadByte(bytes: Buffer): number {
  let [good, bad] = [0, bytes.length];
  const decodes = (n: number) => {
    try {
      // A prefix may end inside a character: streaming mode lets it, and only bytes before n are judged.
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, n), { stream: true });
      return true;
    } catch {
      return false;
    }
  };
  while (bad - good > 1) {
    const mid = (good + bad) >>> 1;
    if (decodes(mid)) good = mid;
    else bad = mid;
  }
  // Decoding fails at `good`; a character cut short before it (E2 82 then '"') begins at its lead byte.
  for (let back = 1; back <= 3 && good - back >= 0; back++) {
    const b = bytes[good - back];
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return length > back ? good - back : good;
  }
  return good;
}

/** Walked with a stack of its own: a body nested 100,000 deep parses, and must not overflow the call stack here. */
function hasProtoKey(body: unknown): boolean {
  const stack: unknown[] = [body];
  while (stack.length) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object') continue;
    if (!Array.isArray(v) && Object.hasOwn(v, '__proto__')) return true;
    for (const child of Object.values(v)) if (child !== null && typeof child === 'object') stack.push(child);
  }
  return false;
}

/** The most of a refused body read (and dropped) so that its client gets the answer. */
const DRAIN_AT_MOST = 64 * 1024 * 1024;
const DRAIN_WAIT_MS = 30_000;

/**
 * Runs `answer` once the rest of a refused body has arrived, read and dropped: a client still
 * sending when the connection closes sees a broken pipe, not the 413 that says why. A body
 * beyond DRAIN_AT_MOST, or one that stalls, is answered at once.
 */
export function afterBody(req: IncomingMessage, answer: () => void): void {
  if (req.complete || req.destroyed) return answer();
  let read = 0;
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    req.off('data', count);
    answer();
  };
  const count = (chunk: Buffer) => {
    read += chunk.length;
    if (read > DRAIN_AT_MOST) finish();
  };
  const timer = setTimeout(finish, DRAIN_WAIT_MS);
  req.on('data', count);
  req.once('end', finish);
  req.once('close', finish);
  req.resume();
}

/** What a client hears for a body over the limit, before or after sending it. */
export const tooLarge = (limit: number): string =>
  `the body is larger than the server's limit of ${limit} bytes (--body-limit): send fewer readings per request`;

/**
 * A client that asks before sending (Expect: 100-continue) a body its Content-Length already
 * puts over the limit is told 413 at once, instead of being invited to upload it for nothing.
 * Only where the body would be read: POST /predict with the key, if one is needed. Anything else
 * is invited and answered by the routes as usual (401, 404, 405 come first, as without Expect).
 */
export function checkContinue(
  server: Server,
  limit: number,
  authorized: (req: IncomingMessage) => boolean,
  counted: (route: string, status: number) => void,
): void {
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '').split('?')[0];
    const length = Number(req.headers['content-length']);
    if (!(length > limit) || req.method !== 'POST' || path !== '/predict' || !authorized(req)) {
      res.writeContinue();
      return void server.emit('request', req, res);
    }
    const body = JSON.stringify({ error: tooLarge(limit) });
    res.writeHead(413, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      connection: 'close',
    });
    res.end(body);
    counted(path, 413);
  });
}
