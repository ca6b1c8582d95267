/**
 * The small picture kept in history for an uploaded image, never the original upload. Beside the
 * image decoding it shares its limits with (image-decode.ts): storage only keeps the bytes.
 */
import sharp from 'sharp';
import { MAX_INPUT_PIXELS } from './image-decode.js';

/** Longest side of a thumbnail, in pixels. */
export const THUMBNAIL_SIZE = 96;

/** A grey PNG at most THUMBNAIL_SIZE on its longest side, upright (EXIF orientation applied). */
export async function makeThumbnail(image: Uint8Array): Promise<Buffer> {
  return sharp(image, { limitInputPixels: MAX_INPUT_PIXELS })
    .rotate()
    .flatten({ background: '#ffffff' })
    .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true })
    .greyscale()
    .png({ compressionLevel: 9, palette: false })
    .toBuffer();
}
