/**
 * The upload fuzz cases: weighted generators of hostile uploads and malformed ink for
 * POST /api/recognize, each with the statuses and error codes that are right for it.
 */
import { digitStrokes, numberStrokes } from '../../test-support/digit-strokes.js';
import { HOSTILE_SVGS, jpegClaiming, multipart, OTHER_FORMATS, png, pngChunk, PNG_SIGNATURE, webpClaiming, zip, type Part } from './hostile-files.js';
import type { Random } from './random.js';
import { MiB, type Assets } from './upload-assets.js';

export interface UploadCase {
  name: string;
  contentType?: string;
  body: Buffer;
  /** Send without Content-Length (chunked), as a streaming client would. */
  chunked?: boolean;
  /** Statuses that are right for this input. */
  expect: number[];
  /** For a 4xx: the error codes that are right. */
  codes?: string[];
}

const BOUNDARY = '----digitboard-fuzz-7MA4YWxkTrZu0gW';
const MULTIPART = `multipart/form-data; boundary=${BOUNDARY}`;
const OK = [200];
const UNSUPPORTED = { expect: [415], codes: ['unsupported_image'] };
const CORRUPT = { expect: [400], codes: ['corrupt_image'] };
const TOO_BIG = { expect: [413], codes: ['image_too_large'] };
const BAD_INK = { expect: [400], codes: ['invalid_request', 'invalid_json'] };

function image(a: Assets, r: Random): [Buffer, string] {
  return r.pick<[Buffer, string]>([
    [a.png, 'image/png'],
    [a.jpeg, 'image/jpeg'],
    [a.webp, 'image/webp'],
    [a.mnist, 'image/png'],
  ]);
}

function truncate(r: Random, b: Buffer): Buffer {
  return b.subarray(0, r.int(1, b.length - 1));
}

function flipBytes(r: Random, b: Buffer): Buffer {
  const out = Buffer.from(b);
  for (let i = r.int(1, 20); i > 0; i--) out[r.int(16, out.length - 1)] = r.int(0, 255);
  return out;
}

const inkBody = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

type Generator = (a: Assets, r: Random) => UploadCase;

export const GENERATORS: [number, string, Generator][] = [
  // --- valid
  [6, 'valid image', (a, r) => {
    const [body, type] = image(a, r);
    return { name: `valid ${type}`, contentType: type, body, expect: OK };
  }],
  [2, 'valid image, another image type claimed', (a, r) => ({ name: 'webp as image/png', contentType: r.pick(['image/png', 'image/jpeg']), body: a.webp, expect: OK })],
  [3, 'valid multipart', (a, r) => {
    const [body, type] = image(a, r);
    const filename = r.pick(['digit.png', '../../../etc/passwd', 'a\u0000b.png', '🖊️.jpg', 'x'.repeat(200), '']);
    const parts: Part[] = [{ field: 'image', filename, type: r.pick([type, 'image/svg+xml', 'application/octet-stream', 'text/html']), body }];
    if (r.chance(0.5)) parts.unshift({ field: 'note', body: 'hello' });
    return { name: `valid multipart (${JSON.stringify(filename).slice(0, 30)})`, contentType: MULTIPART, body: multipart(BOUNDARY, parts), expect: OK };
  }],
  [1, 'valid chunked', (a, r) => {
    const [body, type] = image(a, r);
    return { name: `valid ${type}, chunked`, contentType: type, body, chunked: true, expect: OK };
  }],
  [1, 'polyglot: image + trailing payload', (a, r) => {
    const [body, type] = image(a, r);
    const tail = r.pick([zip('evil.js', 'alert(1)'), Buffer.from('<html><script>alert(1)</script></html>'), Buffer.from('<?php system($_GET[1]); ?>')]);
    // Decoders stop at the image's end; libvips may or may not call trailing bytes an error.
    return { name: `polyglot ${type} + trailer`, contentType: type, body: Buffer.concat([body, tail]), expect: [200, 400], codes: ['corrupt_image'] };
  }],
  [1, 'polyglot: JPEG comment with a script', (a) => {
    const comment = Buffer.from('<script>alert(1)</script>');
    const com = Buffer.concat([Buffer.from([0xff, 0xfe, 0, comment.length + 2]), comment]);
    return { name: 'jpeg with COM <script>', contentType: 'image/jpeg', body: Buffer.concat([a.jpeg.subarray(0, 2), com, a.jpeg.subarray(2)]), expect: OK };
  }],

  // --- broken images
  [10, 'truncated image', (a, r) => {
    const [body, type] = image(a, r);
    const cut = truncate(r, body);
    // Cut in the last few bytes (a PNG's IEND chunk and the last IDAT's CRC, a JPEG's EOI), every
    // pixel is still there and a decoder may rightly accept it.
    const expect = cut.length >= body.length - 16 ? [200, 400] : [400, 415];
    return { name: `truncated ${type} (${cut.length}/${body.length})`, contentType: type, body: cut, expect, codes: ['corrupt_image', 'unsupported_image'] };
  }],
  [5, 'flipped bytes', (a, r) => {
    const [body, type] = image(a, r);
    // A flipped byte may land where decoders do not look (and a PNG CRC may not be checked). In a
    // JPEG's coded data it decodes to blocks of noise, which may hold more digit-like marks than one
    // image is read for (422 too_many_digits, as for any such image).
    return { name: `bytes flipped in ${type}`, contentType: type, body: flipBytes(r, body), expect: [200, 400, 415, 422], codes: ['corrupt_image', 'unsupported_image', 'too_many_digits'] };
  }],
  [2, 'signature only', (_a, r) => {
    const body = r.pick([PNG_SIGNATURE, Buffer.from([0xff, 0xd8, 0xff]), Buffer.from('RIFF\0\0\0\0WEBP')]);
    return { name: `signature only (${body.length} bytes)`, contentType: 'image/png', body, ...CORRUPT };
  }],
  [2, 'png header + html', () => ({ name: 'png signature + html', contentType: 'image/png', body: Buffer.concat([PNG_SIGNATURE, Buffer.from('<html><body><script>alert(1)</script></body></html>')]), ...CORRUPT })],
  [2, 'png with <svg in a text chunk', (a) => {
    const text = pngChunk('tEXt', Buffer.from('Comment\0<svg onload=alert(1)>'));
    return { name: 'png with tEXt <svg', contentType: 'image/png', body: Buffer.concat([a.mnist.subarray(0, 33), text, a.mnist.subarray(33)]), ...UNSUPPORTED };
  }],
  [2, 'png with bad CRC or chunk', (_a, r) => {
    const good = png({ width: 16, height: 16 }, Buffer.alloc(0));
    const body = Buffer.from(good);
    body.writeUInt32BE(r.int(0, 0xffffffff), 29); // IHDR CRC
    return { name: 'png with broken IHDR CRC', contentType: 'image/png', body, expect: [400], codes: ['corrupt_image'] };
  }],
  [2, 'png with odd header values', (_a, r) => {
    const h = { width: r.pick([0, 1, 2 ** 31 - 1, 2 ** 32 - 1]), height: r.pick([0, 1, 7, 2 ** 31]), bitDepth: r.pick([0, 3, 7, 16, 255]), colorType: r.pick([1, 5, 7, 255]) };
    return { name: `png IHDR ${JSON.stringify(h)}`, contentType: 'image/png', body: png(h, Buffer.alloc(10)), expect: [400, 413], codes: ['corrupt_image', 'image_too_large'] };
  }],

  // --- size lies and bombs
  [4, 'huge declared png', (_a, r) => {
    const [w, h] = r.pick([[100_000, 100_000], [60_000, 60_000], [1, 40_000_001], [40_000_001, 1], [2 ** 31 - 1, 2 ** 31 - 1], [7000, 7000]]);
    // libspng refuses sides over 2^31 - 1 itself (a corrupt header), before our pixel limit.
    const expect = w >= 2 ** 31 - 1 ? { expect: [400, 413], codes: ['corrupt_image', 'image_too_large'] } : TOO_BIG;
    return { name: `png declaring ${w}x${h}`, contentType: 'image/png', body: png({ width: w, height: h }, Buffer.alloc(0)), ...expect };
  }],
  [2, 'huge declared jpeg', (a, r) => {
    const [w, h] = r.pick([[65_500, 65_500], [65_535, 700], [10_000, 10_000]]);
    // libjpeg refuses a side over 65,500 itself (a corrupt header), before our pixel limit.
    const expect = w > 65_500 ? { expect: [400, 413], codes: ['corrupt_image', 'image_too_large'] } : TOO_BIG;
    return { name: `jpeg declaring ${w}x${h}`, contentType: 'image/jpeg', body: jpegClaiming(a.jpeg, w, h), ...expect };
  }],
  [2, 'huge declared webp', (a) => ({ name: 'webp declaring 16383x16383', contentType: 'image/webp', body: webpClaiming(a.webp, 16383, 16383), ...TOO_BIG })],
  [2, 'decompression bomb over the limit', (a) => ({ name: 'png bomb grey 20000x20000', contentType: 'image/png', body: a.bombs['grey 20000x20000'], ...TOO_BIG })],
  [1.5, 'decompression bomb under the limit', (a, r) => {
    const kind = r.pick(['grey 6000x6000', 'rgba16 6000x6000', 'rgba16 6000x6000 interlaced']);
    // All zeros: a blank image, decoded for real (it is within the pixel limit).
    return { name: `png bomb ${kind}`, contentType: 'image/png', body: a.bombs[kind], expect: [200, 413], codes: ['image_too_large'] };
  }],
  [1, 'idat overflow', (a) => ({ name: 'png 64x64 whose IDAT inflates to 200 MB', contentType: 'image/png', body: a.bombs['idat overflow'], expect: [200, 400], codes: ['corrupt_image'] })],

  // --- other formats
  [4, 'svg', (_a, r) => {
    const [kind, svg] = r.pick(Object.entries(HOSTILE_SVGS));
    const as = r.pick(['image/png', 'image/jpeg', 'image/webp', 'image/svg+xml', 'text/xml', 'application/xml', 'multipart']);
    if (as === 'multipart') return { name: `svg ${kind} in multipart`, contentType: MULTIPART, body: multipart(BOUNDARY, [{ field: 'image', filename: 'x.svg', type: 'image/svg+xml', body: svg }]), ...UNSUPPORTED };
    const ours = as.startsWith('image/') && as !== 'image/svg+xml';
    return { name: `svg ${kind} as ${as}`, contentType: as, body: Buffer.from(svg), expect: [415], codes: [ours ? 'unsupported_image' : 'unsupported_media_type'] };
  }],
  [1, 'svg behind a png signature', (_a, r) => {
    const svg = HOSTILE_SVGS[r.pick(Object.keys(HOSTILE_SVGS))];
    return { name: 'png signature + svg', contentType: 'image/png', body: Buffer.concat([PNG_SIGNATURE, Buffer.from(svg)]), ...UNSUPPORTED };
  }],
  [4, 'other format', (a, r) => {
    const formats: Record<string, Buffer> = { ...OTHER_FORMATS, gif: a.gif, tiff: a.tiff };
    const [kind, body] = r.pick(Object.entries(formats));
    if (r.chance(0.25)) return { name: `${kind} as image/${kind}`, contentType: `image/${kind}`, body, expect: [415], codes: ['unsupported_media_type'] };
    return { name: `${kind} as image/png`, contentType: r.pick(['image/png', 'image/jpeg', 'image/webp']), body, ...UNSUPPORTED };
  }],
  [4, 'random bytes', (_a, r) => ({ name: 'random bytes', contentType: r.pick(['image/png', 'image/jpeg', 'image/webp']), body: r.bytes(r.int(1, 64 * 1024)), expect: [400, 415], codes: ['unsupported_image', 'corrupt_image'] })],

  // --- content types
  [2, 'json as image', (a) => ({ name: 'ink JSON as image/png', contentType: 'image/png', body: a.json, ...UNSUPPORTED })],
  [2, 'image as json', (a, r) => ({ name: 'image as application/json', contentType: 'application/json', body: image(a, r)[0], expect: [400], codes: ['invalid_json'] })],
  [3, 'foreign content type', (a, r) => {
    const type = r.pick(['text/xml', 'text/plain', 'text/html', 'application/x-www-form-urlencoded', 'application/octet-stream', 'multipart/mixed; boundary=x', 'image/gif', 'image/svg+xml', 'video/mp4', 'application/zip', 'x/y', 'image/*']);
    return { name: `png as ${type}`, contentType: type, body: a.png, expect: [415], codes: ['unsupported_media_type'] };
  }],
  [2, 'odd content type', (a, r) => {
    const type = r.pick(['image/png; charset=utf-8', 'IMAGE/PNG', 'image/png, application/json', ' image/png ', 'image/png;', 'image/png; boundary="x"', `image/png; x=${'a'.repeat(4000)}`, 'image', '/', ';;;', 'image/pngx']);
    return { name: `png as "${type.slice(0, 40)}"`, contentType: type, body: a.png, expect: [200, 400, 415], codes: ['unsupported_media_type', 'invalid_request', 'unsupported_image'] };
  }],
  [1, 'no content type', (a) => ({ name: 'png without a content type', body: a.png, expect: [400, 415], codes: ['invalid_request', 'unsupported_media_type'] })],

  // --- empty
  [3, 'empty body', (_a, r) => {
    const type = r.pick(['image/png', 'image/jpeg', 'image/webp', 'application/json', MULTIPART, undefined]);
    const expect: Record<string, Pick<UploadCase, 'expect' | 'codes'>> = {
      'application/json': { expect: [400], codes: ['invalid_json'] },
      [MULTIPART]: { expect: [400], codes: ['invalid_request'] },
      none: { expect: [400], codes: ['invalid_request'] },
    };
    return { name: `empty body as ${type}`, contentType: type, body: Buffer.alloc(0), ...(expect[type ?? 'none'] ?? UNSUPPORTED) };
  }],

  // --- multipart
  [5, 'bad multipart', (a, r) => {
    const [img] = image(a, r);
    const cases: [string, Buffer, string, Pick<UploadCase, 'expect' | 'codes'>][] = [
      ['wrong field', multipart(BOUNDARY, [{ field: r.pick(['file', 'IMAGE', 'img', '', 'image ', '__proto__']), filename: 'x.png', body: img }]), MULTIPART, { expect: [400], codes: ['invalid_request'] }],
      // The first file is read before busboy meets the second, so "one file" is not always enforced.
      ['two files', multipart(BOUNDARY, [{ field: 'image', filename: 'a.png', body: img }, { field: r.pick(['image', 'other']), filename: 'b.png', body: img }]), MULTIPART, { expect: [400], codes: ['too_many_files'] }],
      ['fields only', multipart(BOUNDARY, [{ field: 'image', body: 'not a file' }, { field: 'x', body: 'y' }]), MULTIPART, { expect: [400], codes: ['invalid_request'] }],
      ['too many fields', multipart(BOUNDARY, [...Array.from({ length: 8 }, (_, i) => ({ field: `f${i}`, body: 'v' })), { field: 'image', filename: 'a.png', body: img }]), MULTIPART, { expect: [400], codes: ['invalid_request'] }],
      ['no boundary', multipart(BOUNDARY, [{ field: 'image', filename: 'a.png', body: img }]), 'multipart/form-data', { expect: [400], codes: ['invalid_request'] }],
      ['wrong boundary', multipart('other-boundary', [{ field: 'image', filename: 'a.png', body: img }]), MULTIPART, { expect: [400], codes: ['invalid_request'] }],
      ['truncated', multipart(BOUNDARY, [{ field: 'image', filename: 'a.png', body: img }]).subarray(0, r.int(10, 400)), MULTIPART, { expect: [400, 415], codes: ['invalid_request', 'unsupported_image', 'corrupt_image'] }],
      ['no closing boundary', multipart(BOUNDARY, [{ field: 'image', filename: 'a.png', body: img }], false), MULTIPART, { expect: [200, 400], codes: ['invalid_request', 'corrupt_image'] }],
      ['huge field value', multipart(BOUNDARY, [{ field: 'note', body: 'x'.repeat(100_000) }, { field: 'image', filename: 'a.png', body: img }]), MULTIPART, { expect: [200, 400, 413], codes: ['invalid_request', 'body_too_large'] }],
      ['many part headers', multipart(BOUNDARY, [{ field: 'image', filename: 'a.png', body: img, headers: Array.from({ length: 100 }, (_, i) => `X-H${i}: v`) }]), MULTIPART, { expect: [200, 400], codes: ['invalid_request'] }],
      ['garbage', r.bytes(r.int(1, 5000)), MULTIPART, { expect: [400], codes: ['invalid_request'] }],
      ['random file', multipart(BOUNDARY, [{ field: 'image', filename: 'a.png', body: r.bytes(r.int(1, 5000)) }]), MULTIPART, { expect: [400, 415], codes: ['unsupported_image', 'corrupt_image'] }],
      ['empty file', multipart(BOUNDARY, [{ field: 'image', filename: 'a.png', body: '' }]), MULTIPART, { expect: [400, 415], codes: ['unsupported_image', 'invalid_request'] }],
      ['bomb', multipart(BOUNDARY, [{ field: 'image', filename: 'bomb.png', body: a.bombs['grey 20000x20000'] }]), MULTIPART, TOO_BIG],
    ];
    const [what, body, contentType, expect] = r.pick(cases);
    return { name: `multipart ${what}`, contentType, body, ...expect };
  }],

  // --- too large
  [0.6, 'oversized raw body', (a, r) => {
    const [img, type] = image(a, r);
    return { name: `11 MiB ${type}`, contentType: type, body: Buffer.concat([img, Buffer.alloc(11 * MiB)]), chunked: r.chance(0.3), expect: [413], codes: ['body_too_large'] };
  }],
  [0.4, 'oversized multipart', (a, r) => ({ name: '11 MiB multipart file', contentType: MULTIPART, body: multipart(BOUNDARY, [{ field: 'image', filename: 'big.jpg', body: Buffer.concat([image(a, r)[0], Buffer.alloc(11 * MiB)]) }]), expect: [413], codes: ['body_too_large'] })],
  [0.5, 'oversized json', (_a, r) => ({ name: '2 MiB JSON', contentType: 'application/json', body: Buffer.from(`{"strokes":[],"width":1,"height":1,"pad":"${'x'.repeat(2 * MiB)}"}`), chunked: r.chance(0.3), expect: [413], codes: ['body_too_large'] })],

  // --- ink as JSON
  [5, 'valid ink', (_a, r) => {
    const body = r.weighted<() => unknown>([
      [3, () => ({ strokes: digitStrokes(r.int(0, 9)), width: 300, height: 300 })],
      [1, () => ({ strokes: numberStrokes(String(r.int(0, 99999))), width: 1000, height: 300 })],
      [1, () => ({ strokes: [], width: 1, height: 1 })],
      [1, () => ({ strokes: digitStrokes(1), width: 300, height: 300, extra: { nested: [1, 2, 3] }, client: 'fuzz' })],
      [1, () => ({ strokes: [[[100_000, -100_000], [-100_000, 100_000, 5]]], width: 100_000, height: 100_000 })],
    ])();
    return { name: 'valid ink', contentType: 'application/json', body: inkBody(body), expect: OK };
  }],
  [1, 'ink with an odd JSON content type', (_a, r) => {
    const type = r.pick(['APPLICATION/JSON', 'Application/Json; Charset=UTF-8', 'application/json; charset=latin1', 'application/json; charset=utf-16', 'application/json;;', 'application/json; x="\\"']);
    const body = inkBody({ strokes: digitStrokes(r.int(0, 9)), width: 300, height: 300 });
    return { name: `ink as "${type}"`, contentType: type, body, expect: [200, 400, 415], codes: ['invalid_json', 'invalid_request', 'unsupported_media_type'] };
  }],
  [12, 'malformed ink', (_a, r) => {
    const ok = JSON.stringify({ strokes: digitStrokes(r.int(0, 9)), width: 300, height: 300 });
    const cases: [string, () => string, Pick<UploadCase, 'expect' | 'codes'>][] = [
      ['truncated', () => ok.slice(0, r.int(0, ok.length - 1)), { expect: [400], codes: ['invalid_json'] }],
      ['not an object', () => r.pick(['null', '[]', '42', '"strokes"', 'true']), BAD_INK],
      ['strokes not an array', () => JSON.stringify({ strokes: r.pick([{}, 'x', 1, null, { 0: [[1, 2]] }]), width: 1, height: 1 }), BAD_INK],
      ['numbers as strings', () => JSON.stringify({ strokes: [[['1', '2']]], width: '300', height: 300 }), BAD_INK],
      ['width out of range', () => JSON.stringify({ strokes: [], width: r.pick([0, -1, 100_001, 1e308]), height: 1 }), BAD_INK],
      ['missing height', () => JSON.stringify({ strokes: [], width: 1 }), BAD_INK],
      ['1e999', () => `{"strokes":[[[1e999,1]]],"width":1,"height":1}`, BAD_INK],
      ['-1e999 width', () => `{"strokes":[],"width":-1e999,"height":1}`, BAD_INK],
      ['NaN', () => `{"strokes":[[[NaN,1]]],"width":1,"height":1}`, { expect: [400], codes: ['invalid_json'] }],
      ['coordinate out of range', () => JSON.stringify({ strokes: [[[100_001, 0]]], width: 1, height: 1 }), BAD_INK],
      ['point arity', () => JSON.stringify({ strokes: [[r.pick([[1], [1, 2, 3, 4], []])]], width: 1, height: 1 }), BAD_INK],
      ['empty stroke', () => JSON.stringify({ strokes: [[]], width: 1, height: 1 }), BAD_INK],
      ['deep nesting', () => `{"strokes":${'['.repeat(r.pick([100, 10_000, 100_000]))}${']'.repeat(0)}`, BAD_INK],
      ['deep nesting, closed', () => { const d = r.pick([100, 10_000, 100_000]); return `{"strokes":${'['.repeat(d)}${']'.repeat(d)},"width":1,"height":1}`; }, BAD_INK],
      ['__proto__', () => `{"strokes":[],"width":1,"height":1,"__proto__":{"polluted":true}}`, BAD_INK],
      ['nested __proto__', () => `{"strokes":[],"width":1,"height":1,"x":{"__proto__":{"polluted":true}}}`, BAD_INK],
      ['constructor.prototype', () => `{"strokes":[],"width":1,"height":1,"constructor":{"prototype":{"polluted":true}}}`, BAD_INK],
      ['201 strokes', () => JSON.stringify({ strokes: Array.from({ length: 201 }, () => [[1, 2]]), width: 1, height: 1 }), BAD_INK],
      ['4001-point stroke', () => JSON.stringify({ strokes: [Array.from({ length: 4001 }, (_, i) => [i % 300, 1])], width: 300, height: 300 }), BAD_INK],
      ['too much ink', () => JSON.stringify({ strokes: Array.from({ length: 11 }, () => Array.from({ length: 3700 }, (_, i) => [i % 300, 1])), width: 300, height: 300 }), { expect: [400], codes: ['too_much_ink', 'invalid_request'] }],
      ['unicode keys', () => `{"strokes":[],"width":1,"height":1,"\u202e":"\ud800"}`, { expect: [200, 400], codes: ['invalid_json', 'invalid_request'] }],
      ['bom', () => `\ufeff${ok}`, { expect: [200, 400], codes: ['invalid_json'] }],
      ['duplicate keys', () => `{"strokes":"x","strokes":[],"width":1,"height":1}`, { expect: [200, 400], codes: ['invalid_json', 'invalid_request'] }],
      ['trailing garbage', () => `${ok}}`, { expect: [400], codes: ['invalid_json'] }],
      ['random', () => r.bytes(r.int(1, 2000)).toString('latin1'), { expect: [400], codes: ['invalid_json'] }],
    ];
    const [what, make, expect] = r.pick(cases);
    return { name: `ink: ${what}`, contentType: r.chance(0.9) ? 'application/json' : 'application/json; charset=utf-8', body: inkBody(make()), ...expect };
  }],
];
