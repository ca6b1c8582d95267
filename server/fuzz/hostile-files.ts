/**
 * Hostile files, crafted byte by byte: PNGs with any header (valid CRCs), decompression bombs,
 * images that lie about their size, polyglots, SVG with external entities, other formats'
 * magic numbers, multipart bodies of any shape.
 */
import { Readable } from 'node:stream';
import zlib from 'node:zlib';

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(zlib.crc32(body), 8 + data.length);
  return out;
}

export interface PngHeader {
  width: number;
  height: number;
  /** 1, 2, 4, 8 or 16 */
  bitDepth?: number;
  /** 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA */
  colorType?: number;
  interlace?: boolean;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** A PNG from its header, compressed image data and any extra chunks (placed before IDAT). */
export function png(h: PngHeader, idat: Buffer, extra: Buffer[] = []): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(h.width, 0);
  ihdr.writeUInt32BE(h.height, 4);
  ihdr[8] = h.bitDepth ?? 8;
  ihdr[9] = h.colorType ?? 0;
  ihdr[12] = h.interlace ? 1 : 0;
  return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr), ...extra, pngChunk('IDAT', idat), pngChunk('IEND', Buffer.alloc(0))]);
}

/** Bytes of filtered scanlines a decoder expects for this header (Adam7 passes when interlaced). */
export function rawPngSize(h: PngHeader): number {
  const bitsPerPixel = CHANNELS[h.colorType ?? 0] * (h.bitDepth ?? 8);
  const row = (w: number) => 1 + Math.ceil((w * bitsPerPixel) / 8);
  if (!h.interlace) return h.height * row(h.width);
  const passes = [
    [0, 0, 8, 8],
    [4, 0, 8, 8],
    [0, 4, 4, 8],
    [2, 0, 4, 4],
    [0, 2, 2, 4],
    [1, 0, 2, 2],
    [0, 1, 1, 2],
  ];
  let total = 0;
  for (const [x0, y0, dx, dy] of passes) {
    const w = Math.ceil((h.width - x0) / dx), rows = Math.ceil((h.height - y0) / dy);
    if (w > 0 && rows > 0) total += rows * row(w);
  }
  return total;
}

/** zlib-compressed zeros, streamed: a 400 MB bomb costs this process 1 MB at a time. */
export async function deflateZeros(total: number): Promise<Buffer> {
  const chunk = Buffer.alloc(1 << 20);
  let left = total;
  const source = new Readable({
    read() {
      if (left <= 0) return void this.push(null);
      const n = Math.min(left, chunk.length);
      left -= n;
      this.push(n === chunk.length ? chunk : chunk.subarray(0, n));
    },
  });
  const parts: Buffer[] = [];
  for await (const part of source.pipe(zlib.createDeflate({ level: 9 }))) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

/** A well-formed PNG of `h` whose pixels are all zero: small on the wire, `rawPngSize` once inflated. */
export async function pngBomb(h: PngHeader): Promise<Buffer> {
  return png(h, await deflateZeros(rawPngSize(h)));
}

/** A JPEG whose SOF header is rewritten to claim width x height. */
export function jpegClaiming(jpeg: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(jpeg);
  for (let i = 2; i < out.length - 9; ) {
    if (out[i] !== 0xff) break;
    const marker = out[i + 1];
    const length = out.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xc3) {
      out.writeUInt16BE(height, i + 5);
      out.writeUInt16BE(width, i + 7);
      return out;
    }
    i += 2 + length;
  }
  throw new Error('no SOF marker');
}

/** A lossy WebP ('VP8 ' chunk) whose frame header is rewritten to claim width x height (at most 16383). */
export function webpClaiming(webp: Buffer, width: number, height: number): Buffer {
  if (webp.toString('latin1', 12, 16) !== 'VP8 ') throw new Error('not a simple lossy WebP');
  const out = Buffer.from(webp);
  out.writeUInt16LE(width & 0x3fff, 26);
  out.writeUInt16LE(height & 0x3fff, 28);
  return out;
}

/** A minimal ZIP archive (one stored file): appended to a JPEG it makes a JPEG/ZIP polyglot. */
export function zip(name: string, content: string): Buffer {
  const data = Buffer.from(content);
  const fileName = Buffer.from(name);
  const crc = zlib.crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(fileName.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(fileName.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + fileName.length, 12);
  end.writeUInt32LE(30 + fileName.length + data.length, 16);
  return Buffer.concat([local, fileName, data, central, fileName, end]);
}

/** SVGs that would reach librsvg/libxml2 if the server passed them to sharp. */
export const HOSTILE_SVGS: Record<string, string> = {
  xxe: '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg" width="200" height="50"><text y="20">&xxe;</text></svg>',
  'billion-laughs':
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]><svg xmlns="http://www.w3.org/2000/svg"><text>&lol4;</text></svg>',
  'external-image': '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="100" height="100"><image xlink:href="file:///etc/passwd" width="100" height="100"/></svg>',
  'remote-image': '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><image href="http://169.254.169.254/latest/meta-data/" width="100" height="100"/></svg>',
  script: '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.cookie)"><script>alert(1)</script></svg>',
  'huge-canvas': '<svg xmlns="http://www.w3.org/2000/svg" width="100000" height="100000"><rect width="100%" height="100%"/></svg>',
  'bom-whitespace': '\ufeff   \n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>',
};

/** Magic numbers of formats the server does not take. */
export const OTHER_FORMATS: Record<string, Buffer> = {
  bmp: Buffer.concat([Buffer.from('BM'), Buffer.alloc(52)]),
  pdf: Buffer.from('%PDF-1.7\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF'),
  heic: Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypheic'), Buffer.alloc(64)]),
  avif: Buffer.concat([Buffer.from([0, 0, 0, 0x1c]), Buffer.from('ftypavif'), Buffer.alloc(64)]),
  mp4: Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom'), Buffer.alloc(64)]),
  jxl: Buffer.concat([Buffer.from([0xff, 0x0a]), Buffer.alloc(64)]),
  svgz: zlib.gzipSync('<svg xmlns="http://www.w3.org/2000/svg"/>'),
  ico: Buffer.concat([Buffer.from([0, 0, 1, 0, 1, 0]), Buffer.alloc(64)]),
  psd: Buffer.concat([Buffer.from('8BPS'), Buffer.alloc(64)]),
  html: Buffer.from('<!doctype html><script>alert(1)</script>'),
  'tiff-be': Buffer.concat([Buffer.from('MM\0*'), Buffer.alloc(64)]),
  'gif-js-polyglot': Buffer.from('GIF89a/*\x01\x00\x01\x00\x00\x00\x00*/=alert(1)//;'),
  elf: Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46]), Buffer.alloc(64)]),
};

export interface Part {
  /** The raw Content-Disposition name and filename (quoted as given). */
  field: string;
  filename?: string;
  type?: string;
  body: Buffer | string;
  /** Extra header lines. */
  headers?: string[];
}

/** A multipart/form-data body; `close: false` leaves off the closing boundary (a truncated form). */
export function multipart(boundary: string, parts: Part[], close = true): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.field}"${p.filename !== undefined ? `; filename="${p.filename}"` : ''}`;
    const lines = [`--${boundary}`, `Content-Disposition: ${disposition}`, ...(p.type ? [`Content-Type: ${p.type}`] : []), ...(p.headers ?? [])];
    chunks.push(Buffer.from(`${lines.join('\r\n')}\r\n\r\n`), Buffer.from(p.body), Buffer.from('\r\n'));
  }
  if (close) chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}
