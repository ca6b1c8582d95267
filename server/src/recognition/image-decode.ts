/**
 * Uploaded image bytes -> an upright grey bitmap of a workable size. The format is sniffed from
 * the magic bytes before libvips sees anything: only PNG, JPEG and WebP reach sharp, so SVG
 * (librsvg), GIF, TIFF, HEIF, PDF... are refused without being parsed.
 */
import { decode as decodePng } from 'fast-png';
import pLimit from 'p-limit';
import sharp from 'sharp';

export type ImageFormat = 'png' | 'jpeg' | 'webp';

export type ImageErrorCode = 'unsupported_image' | 'corrupt_image' | 'image_too_large' | 'too_many_digits';

/** An upload the image path refuses; `code` is the API's error code (see server/src/errors.ts). */
export class ImageError extends Error {
  override name = 'ImageError';
  constructor(
    readonly code: ImageErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Decoded pixels above this are refused (a 600 KB PNG can declare 60000 x 60000). 40 Mpx is a 7700 x 5200 photo. */
export const MAX_INPUT_PIXELS = 40_000_000;
/**
 * libvips must hold a whole interlaced PNG in memory at its native depth: a 273 KB 16-bit RGBA
 * 6000 x 6000 PNG decodes to 288 MB (found by the fuzz suite). Refuse images whose full decode
 * would exceed this, and decode at most two at a time.
 */
export const MAX_DECODED_BYTES = 96 * 1024 * 1024;
const decodeSlots = pLimit(2);
/**
 * Images are processed with their longer side at most this: digits in a photo of a number stay
 * 50+ px tall. Smaller images are processed as they are (a 28 x 28 or 8 x 8 digit is not enlarged:
 * the work stays proportional to the pixels there are).
 */
export const WORK_MAX_SIDE = 1000;
/** A JPEG shrunk on load keeps its longer side at least this (see workSize). */
const JPEG_MIN_SIDE = 640;

const SVG_SNIFF_BYTES = 300;

/** Formats people try to upload that we name in the error, by their magic bytes. */
function otherFormat(b: Uint8Array): string | null {
  const ascii = (from: number, to: number) => String.fromCharCode(...b.subarray(from, to));
  if (ascii(0, 4) === 'GIF8') return 'GIF';
  if (ascii(0, 4) === '%PDF') return 'PDF';
  if (ascii(0, 4) === 'II*\0' || ascii(0, 4) === 'MM\0*') return 'TIFF';
  if (ascii(0, 2) === 'BM') return 'BMP';
  if (b[0] === 0x1f && b[1] === 0x8b) return 'gzip (SVGZ?)';
  if ((b[0] === 0xff && b[1] === 0x0a) || ascii(4, 8) === 'JXL ') return 'JPEG XL';
  if (ascii(4, 8) === 'ftyp') {
    const brand = ascii(8, 12);
    if (brand.startsWith('avi')) return 'AVIF';
    if (['heic', 'heix', 'hevc', 'heim', 'heis', 'mif1', 'msf1'].includes(brand)) return 'HEIC';
    return 'an ISO media file';
  }
  const head = new TextDecoder('utf-8', { fatal: false }).decode(b.subarray(0, SVG_SNIFF_BYTES)).replace(/^\uFEFF/, '').trimStart();
  if (/<svg/i.test(head)) return 'SVG';
  if (head.startsWith('<')) return 'XML/HTML';
  return null;
}

/**
 * The format of `bytes` by magic number, or an `unsupported_image` ImageError.
 * Also refuses any buffer with "<svg" in its first 300 bytes, whatever its first bytes say:
 * that is exactly libvips's test for picking its SVG loader, so librsvg can never be reached.
 */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat {
  const supported = 'send a PNG, JPEG or WebP image';
  if (bytes.length === 0) throw new ImageError('unsupported_image', `The body is empty: ${supported}.`);
  const b = bytes;
  let format: ImageFormat | null = null;
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47 && b[4] === 0x0d && b[5] === 0x0a && b[6] === 0x1a && b[7] === 0x0a) {
    format = 'png';
  } else if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) {
    format = 'jpeg';
  } else if (b.length >= 12 && String.fromCharCode(...b.subarray(0, 4)) === 'RIFF' && String.fromCharCode(...b.subarray(8, 12)) === 'WEBP') {
    format = 'webp';
  }
  if (format && !Buffer.from(b.buffer, b.byteOffset, Math.min(b.length, SVG_SNIFF_BYTES)).toString('latin1').toLowerCase().includes('<svg')) {
    return format;
  }
  const other = format ? 'SVG' : otherFormat(b);
  throw new ImageError('unsupported_image', other ? `${other} is not supported: ${supported}.` : `This is not an image we can read: ${supported}.`);
}

/** A single-channel 8-bit image, row-major. */
export interface GreyImage {
  data: Uint8Array;
  width: number;
  height: number;
}

export interface DecodedImage extends GreyImage {
  format: ImageFormat;
  /** Size of the upright input image (EXIF orientation applied), the frame of returned boxes. */
  inputWidth: number;
  inputHeight: number;
}

/**
 * Working size for an upright input size: the longer side at most WORK_MAX_SIDE, never enlarged.
 * A large JPEG is decoded at 1/2, 1/4 or 1/8 scale by libjpeg (shrink-on-load), far cheaper than
 * decoding it whole; sharp uses shrink s only when the total shrink is at least s + 1 (it steps
 * back for libjpeg's rounding), so the size is lowered to width / (s + 1) where that keeps
 * JPEG_MIN_SIDE: 4000 x 3000 is decoded at 1000 x 750 by libjpeg and worked at 800 x 600.
 */
export function workSize(width: number, height: number, format: ImageFormat = 'png'): { width: number; height: number } {
  const long = Math.max(width, height);
  let scale = long > WORK_MAX_SIDE ? WORK_MAX_SIDE / long : 1;
  // Rounded down on both sides for the JPEG step, so that neither side's shrink falls below s + 1.
  let size = Math.round;
  if (format === 'jpeg') {
    const shrink = 1 / scale;
    const s = [8, 4, 2].find((k) => shrink >= k && shrink < k + 1 && long / (k + 1) >= JPEG_MIN_SIDE);
    if (s) {
      scale = 1 / (s + 1);
      size = Math.floor;
    }
  }
  return { width: Math.max(1, size(width * scale)), height: Math.max(1, size(height * scale)) };
}

/**
 * Decodes an uploaded PNG/JPEG/WebP into an upright grey image at working size. Transparent
 * images are composited onto a background that contrasts with their opaque pixels (a canvas
 * export is ink on transparency: read as black it would hide black ink).
 */
export async function decodeImage(bytes: Buffer): Promise<DecodedImage> {
  const format = sniffImageFormat(bytes);
  if (format === 'png' && plainSmallPng(bytes)) return decodeSmallPng(bytes);
  let meta: sharp.Metadata;
  try {
    // Header only: libvips reads the dimensions without decoding, so no pixel limit is needed yet.
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    throw new ImageError('corrupt_image', `The ${format.toUpperCase()} image could not be read (corrupt or truncated).`);
  }
  if (meta.format !== format) throw new ImageError('unsupported_image', 'The image data does not match its format.');
  const { width, height } = meta;
  if (!width || !height) throw new ImageError('corrupt_image', 'The image has no size.');
  if (width * height > MAX_INPUT_PIXELS) {
    throw new ImageError('image_too_large', `The image is ${width} x ${height} pixels; at most ${MAX_INPUT_PIXELS / 1e6} megapixels are accepted.`);
  }
  const bytesPerSample = meta.depth === 'ushort' || meta.depth === 'short' ? 2 : meta.depth === 'float' || meta.depth === 'uint' || meta.depth === 'int' ? 4 : meta.depth === 'double' ? 8 : 1;
  const decodedBytes = width * height * (meta.channels ?? 4) * bytesPerSample;
  if (decodedBytes > MAX_DECODED_BYTES) {
    throw new ImageError(
      'image_too_large',
      `The image would take ${Math.round(decodedBytes / 2 ** 20)} MB to decode (${width} x ${height}, ${meta.channels} channels, ${bytesPerSample * 8}-bit); save it smaller or as an 8-bit JPEG.`,
    );
  }
  return decodeSlots(() => decodePixels(bytes, format, meta, width, height));
}

async function decodePixels(bytes: Buffer, format: ImageFormat, meta: sharp.Metadata, width: number, height: number): Promise<DecodedImage> {
  // Orientations 5-8 swap the sides.
  const [inputWidth, inputHeight] = (meta.orientation ?? 1) >= 5 ? [height, width] : [width, height];
  const work = workSize(inputWidth, inputHeight, format);

  // failOn 'error' rejects truncated files (libvips would otherwise pad a cut JPEG with grey).
  // Resizing after .rotate() still lets sharp shrink a JPEG on load (it orients after). The
  // triangle (linear) kernel is enough to average pixels down for segmentation, and cheaper than
  // the default Lanczos.
  let pipeline = sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' }).rotate();
  if (work.width !== inputWidth || work.height !== inputHeight) pipeline = pipeline.resize({ width: work.width, height: work.height, fit: 'fill', kernel: 'linear' });
  const eightBit = meta.depth === 'uchar' && !meta.hasAlpha;
  try {
    if (eightBit && meta.channels === 3 && meta.space === 'srgb') {
      // libvips's greyscale goes through linear light in floats, whose setup costs more than a
      // small image's whole decode; the luma of the 8-bit values is within a grey level or two.
      const { data, info } = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
      if (info.channels !== 3) throw new Error(`unexpected ${info.channels} channels`);
      return { data: luma(data, info.width * info.height), width: info.width, height: info.height, format, inputWidth, inputHeight };
    }
    if (eightBit && meta.channels === 1) {
      // A resize makes sharp write sRGB (three equal channels): keep one.
      const { data, info } = await pipeline.extractChannel(0).raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
      if (info.channels !== 1) throw new Error(`unexpected ${info.channels} channels`);
      return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height, format, inputWidth, inputHeight };
    }
    if (!meta.hasAlpha) {
      const { data, info } = await pipeline.greyscale().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
      if (info.channels !== 1) throw new Error(`unexpected ${info.channels} channels`);
      return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height, format, inputWidth, inputHeight };
    }
    const { data, info } = await pipeline.toColourspace('srgb').ensureAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    return { data: flattenAlpha(data, info.width * info.height), width: info.width, height: info.height, format, inputWidth, inputHeight };
  } catch (err) {
    if (err instanceof Error && /pixel limit/i.test(err.message)) throw new ImageError('image_too_large', 'The image has too many pixels.');
    throw new ImageError('corrupt_image', `The ${format.toUpperCase()} image could not be decoded (corrupt or truncated).`);
  }
}

/**
 * A small PNG is decoded in JavaScript (fast-png): a 64 x 64 upload then costs a tenth of a
 * millisecond where a sharp pipeline's set-up alone costs more than a millisecond. Only files
 * whose every pixel is known from IHDR and IDAT take this path: 8- or 16-bit grey, grey and
 * alpha, RGB or RGBA, at most SMALL_PNG_PIXELS, no palette, transparent colour key, colour
 * profile or EXIF orientation (those go to sharp as before). The file's size bounds what its
 * compressed data can inflate to (zlib's ratio is at most about 1,000).
 */
export const SMALL_PNG_PIXELS = 256 * 256;
const SMALL_PNG_BYTES = 16 * 1024;
/** Chunks the small path leaves to sharp: they change what the pixels mean or how they stand. */
const SHARP_CHUNKS = new Set(['PLTE', 'tRNS', 'iCCP', 'eXIf', 'acTL']);

function plainSmallPng(b: Buffer): boolean {
  if (b.length > SMALL_PNG_BYTES || b.length < 33 || b.toString('latin1', 12, 16) !== 'IHDR') return false;
  const width = b.readUInt32BE(16), height = b.readUInt32BE(20), depth = b[24], colour = b[25];
  if (width === 0 || height === 0 || width * height > SMALL_PNG_PIXELS) return false;
  if ((depth !== 8 && depth !== 16) || ![0, 2, 4, 6].includes(colour)) return false;
  for (let at = 8; at + 8 <= b.length; ) {
    const length = b.readUInt32BE(at);
    if (SHARP_CHUNKS.has(b.toString('latin1', at + 4, at + 8))) return false;
    at += 12 + length;
  }
  return true;
}

function decodeSmallPng(bytes: Buffer): DecodedImage {
  let png: ReturnType<typeof decodePng>;
  try {
    png = decodePng(bytes, { checkCrc: true });
  } catch {
    throw new ImageError('corrupt_image', 'The PNG image could not be decoded (corrupt or truncated).');
  }
  const { width, height, channels } = png;
  const pixels = width * height;
  if (png.data.length !== pixels * channels) throw new ImageError('corrupt_image', 'The PNG image could not be decoded (corrupt or truncated).');
  // 16-bit samples keep their high byte, as libvips casts them to 8 bits.
  const eight = png.depth === 16 ? Uint8Array.from(png.data, (v) => v >>> 8) : new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.length);
  let data: Uint8Array;
  if (channels === 1) data = eight;
  else if (channels === 3) data = luma(eight, pixels);
  else if (channels === 4) data = flattenAlpha(eight, pixels);
  else {
    // Grey and alpha, spread to RGBA for flattenAlpha.
    const rgba = new Uint8Array(pixels * 4);
    for (let i = 0; i < pixels; i++) {
      rgba.fill(eight[2 * i], 4 * i, 4 * i + 3);
      rgba[4 * i + 3] = eight[2 * i + 1];
    }
    data = flattenAlpha(rgba, pixels);
  }
  return { data, width, height, format: 'png', inputWidth: width, inputHeight: height };
}

/** Rec. 709 luma of 8-bit RGB pixels (the weights of flattenAlpha), in 16-bit fixed point. */
function luma(rgb: Uint8Array, pixels: number): Uint8Array {
  const out = new Uint8Array(pixels);
  for (let i = 0, o = 0; i < pixels; i++, o += 3) out[i] = (13933 * rgb[o] + 46871 * rgb[o + 1] + 4732 * rgb[o + 2] + 32768) >>> 16;
  return out;
}

/**
 * RGBA -> grey composited onto black or white. When most of the image is transparent its opaque
 * pixels are the ink, so the background is the opposite of their brightness; when most of it is
 * opaque, the transparent parts take the brightness of the rest (they are margins).
 */
export function flattenAlpha(rgba: Uint8Array, pixels: number): Uint8Array {
  const lum = new Float32Array(pixels);
  let opaque = 0, opaqueLum = 0;
  for (let i = 0; i < pixels; i++) {
    const o = i * 4;
    lum[i] = 0.2126 * rgba[o] + 0.7152 * rgba[o + 1] + 0.0722 * rgba[o + 2];
    if (rgba[o + 3] >= 128) {
      opaque++;
      opaqueLum += lum[i];
    }
  }
  const meanOpaque = opaque > 0 ? opaqueLum / opaque : 255;
  const mostlyTransparent = opaque < pixels / 2;
  const light = meanOpaque > 127;
  const background = mostlyTransparent ? (light ? 0 : 255) : light ? 255 : 0;
  const out = new Uint8Array(pixels);
  for (let i = 0; i < pixels; i++) {
    const a = rgba[i * 4 + 3] / 255;
    out[i] = Math.round(lum[i] * a + background * (1 - a));
  }
  return out;
}
