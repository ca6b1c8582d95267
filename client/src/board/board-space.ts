/**
 * The shared board's coordinate space. Every client draws the same logical board of
 * BOARD_WIDTH x BOARD_HEIGHT units, scaled uniformly to fit its canvas (whose CSS aspect ratio
 * is the board's): points go over the wire in board units, so a stroke written on a phone lands
 * at the same place, in the same proportion, on a laptop. The protocol calls them "canvas pixels";
 * for the server they are just numbers (recognition and grouping are scale-free).
 */
export { BOARD_WIDTH, BOARD_HEIGHT } from '../../../common/protocol-constants.js';

/** Pen width in board units: the same ink for everyone, whatever the size of their screen. */
export const PEN_WIDTH = 14;
