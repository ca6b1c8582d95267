import { digitStrokes, VARIANTS } from '../test-support/digit-strokes.js';
import { renderStrokes } from '../common/render.js';
const d = Number(process.argv[2]); const v = Number(process.argv[3] ?? 0);
const img = renderStrokes(digitStrokes(d, VARIANTS[v]));
for (let y = 0; y < 28; y++) console.log([...img.subarray(y*28, y*28+28)].map(v => v > 0.6 ? '#' : v > 0.2 ? '+' : '.').join(''));
