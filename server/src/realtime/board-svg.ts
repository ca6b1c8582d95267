/**
 * A board as a picture (GET /api/rooms/:id/export?format=svg|png): its ink, each stroke one path
 * in its writer's colour, at the board's logical size, and each number's text as a label above
 * it (below, when it sits at the top edge). The paths are the ones the recognizer's SVG draws
 * (common/ink-path.ts), in board units. We write the SVG ourselves, from numbers and escaped
 * text only, so sharp (librsvg) may render it to PNG.
 */
import { inkSubpaths, svgPathData } from '../../../common/ink-path.js';
import type { StoredStroke } from '../db/room-store.js';
import type { BoardExport } from './board-export.js';

/** The pen's width on the board, in board units, as the client draws ink (client/src/board/board-space.ts). */
export const INK_WIDTH = 14;
const LABEL_SIZE = 28;
/** A family every Debian server has, then the generic one. */
const FONT_FAMILY = 'DejaVu Sans, sans-serif';
const IDENTITY = { scale: 1, offsetX: 0, offsetY: 0 };

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** One stroke's path element: `data-stroke` names it. */
function strokePath(stroke: StoredStroke): string {
  const d = svgPathData(inkSubpaths([stroke.points], IDENTITY));
  return `<path data-stroke="${esc(stroke.id)}" stroke="${esc(stroke.color)}" d="${d}"/>`;
}

/** A number's label: its text above its box, on a white halo so that it reads over ink. */
function label(n: BoardExport['numbers'][number]): string {
  if (n.text === '') return '';
  const { x, y, height } = n.box;
  const baseline = y - 8 >= LABEL_SIZE ? y - 8 : y + height + LABEL_SIZE + 4;
  return (
    `<text data-number="${esc(n.id)}" x="${x.toFixed(1)}" y="${baseline.toFixed(1)}" font-family="${FONT_FAMILY}" font-size="${LABEL_SIZE}" ` +
    `font-weight="bold" fill="#1a1a1a" stroke="#fff" stroke-width="5" paint-order="stroke">${esc(n.text)}</text>`
  );
}

/** The board's ink and its numbers' labels as an SVG document of board.width x board.height units. */
export function boardSvg(board: BoardExport, strokes: readonly StoredStroke[]): string {
  const { width, height } = board;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<title>Digitboard ${esc(board.room)}</title><rect width="100%" height="100%" fill="#fff"/>` +
    `<g fill="none" stroke-width="${INK_WIDTH}" stroke-linecap="round" stroke-linejoin="round">${strokes.map(strokePath).join('')}</g>` +
    `<g>${board.numbers.map(label).join('')}</g></svg>`
  );
}
