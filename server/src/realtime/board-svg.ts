/**
 * A board as a picture (GET /api/rooms/:id/export?format=svg|png): its ink, each stroke one path
 * in its writer's colour, at the board's logical size, and each number's text as a label above
 * it (below, when it sits at the top edge), and what expressions and column sums come to where
 * the board shows it. The paths are the ones the recognizer's SVG draws
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

type Row = BoardExport['numbers'][number];

const text = (attribute: string, id: string, x: number, y: number, content: string, fill = '#1a1a1a') =>
  `<text ${attribute}="${esc(id)}" x="${x.toFixed(1)}" y="${y.toFixed(1)}" font-family="${FONT_FAMILY}" font-size="${LABEL_SIZE}" ` +
  `font-weight="bold" fill="${fill}" stroke="#fff" stroke-width="5" paint-order="stroke">${esc(content)}</text>`;

/** A number's label: its text above its box, on a white halo so that it reads over ink. */
function label(n: Row): string {
  if (n.text === '' || n.kind === 'sum') return '';
  const { x, y, height } = n.box;
  return text('data-number', n.id, x, y - 8 >= LABEL_SIZE ? y - 8 : y + height + LABEL_SIZE + 4, n.text);
}

/** What an expression or a sum comes to, where the board shows it: right of the "=", or under the rule. */
function value(n: Row): string {
  if (n.kind === 'number' || (n.value === null && n.error === null)) return '';
  const shown = n.error === 'division_by_zero' ? '÷ 0' : n.error === 'overflow' ? 'overflow' : n.kind === 'sum' ? n.text.slice(n.text.lastIndexOf('=') + 1) : String(Number(n.value!.toPrecision(12)));
  const { x, y, width, height } = n.box;
  const [at, baseline] = n.kind === 'sum' ? [x, y + height + LABEL_SIZE + 4] : [x + width + 12, y + height / 2 + LABEL_SIZE / 3];
  return text('data-value', n.id, at, baseline, shown, '#0b7a3b');
}

/** The board's ink and its numbers' labels as an SVG document of board.width x board.height units. */
export function boardSvg(board: BoardExport, strokes: readonly StoredStroke[]): string {
  const { width, height } = board;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<title>Digitboard ${esc(board.room)}</title><rect width="100%" height="100%" fill="#fff"/>` +
    `<g fill="none" stroke-width="${INK_WIDTH}" stroke-linecap="round" stroke-linejoin="round">${strokes.map(strokePath).join('')}</g>` +
    `<g>${board.numbers.map((n) => label(n) + value(n)).join('')}</g></svg>`
  );
}
