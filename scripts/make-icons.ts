/**
 * Renders the app's PNG icons (web app manifest, Apple touch icon) from the committed SVGs in
 * client/public/icons/. The PNGs are committed too; run this after changing an SVG:
 *   npx tsx scripts/make-icons.ts
 * Our own SVGs only: never feed user-supplied SVG to sharp (librsvg).
 */
import sharp from 'sharp';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../client/public/icons/', import.meta.url));

const outputs: ReadonlyArray<{ svg: string; png: string; size: number }> = [
  { svg: 'icon.svg', png: 'icon-192.png', size: 192 },
  { svg: 'icon.svg', png: 'icon-512.png', size: 512 },
  // Maskable: the mark inside the central 80% safe zone, the background to the edges.
  { svg: 'maskable.svg', png: 'maskable-512.png', size: 512 },
  { svg: 'maskable.svg', png: 'apple-touch-icon.png', size: 180 },
];

for (const { svg, png, size } of outputs) {
  await sharp(`${dir}${svg}`, { density: 144 }).resize(size, size).png({ compressionLevel: 9, palette: true }).toFile(`${dir}${png}`);
  console.log(`${png}: ${size}x${size}`);
}
