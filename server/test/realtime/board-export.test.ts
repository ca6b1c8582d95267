/** A board's numbers as data and as a picture (server/src/realtime/board-export.ts, board-svg.ts): pure, no room. */
import { describe, expect, it } from 'vitest';
import type { GroupResult } from '../../../common/protocol.js';
import type { Recognition } from '../../../common/recognition.js';
import type { RoomContents } from '../../src/realtime/board-contents.js';
import { boardExport, CSV_COLUMNS, exportCsv, numericValue, readingConfidence } from '../../src/realtime/board-export.js';
import { boardSvg } from '../../src/realtime/board-svg.js';

const digit = (d: number, confidence: number) => ({ digit: d, confidence, probabilities: Array(10).fill(0), box: { x: 0, y: 0, width: 1, height: 1 } });
const reading = (text: string, extra: Partial<Recognition> = {}): Recognition => ({ text, digits: [], rejected: [], model: 'test', ms: 0, ...extra });
const AT = Date.parse('2026-12-06T12:00:00Z');

function contents(): RoomContents {
  const stroke = (id: string, author: string, x: number, at?: number) => ({
    id,
    author,
    color: author === 'pa' ? '#1f6feb' : '#d9480f',
    points: [[x, 100], [x, 200]],
    ...(at === undefined ? {} : { at }),
  });
  const groups: GroupResult[] = [
    {
      id: 's1',
      box: { x: 100, y: 100, width: 60, height: 100 },
      strokeIds: ['s1', 's2', 's3'],
      result: reading('41', { alternatives: [{ text: '41', confidence: 0.8 }, { text: '47', confidence: 0.15 }] }),
    },
    {
      id: 's4',
      box: { x: 400, y: 10, width: 10, height: 100 },
      strokeIds: ['s4'],
      result: reading('7', { digits: [digit(7, 0.5)] }),
      correctedText: '1',
      correctedBy: 'Ana',
    },
    { id: 's5', box: { x: 700, y: 100, width: 10, height: 100 }, strokeIds: ['s5'], result: reading('') },
  ];
  return {
    strokes: [stroke('s1', 'pa', 100, AT), stroke('s2', 'pb', 120, AT + 5_000), stroke('s3', 'pb', 160), stroke('s4', 'pa', 400), stroke('s5', 'gone', 700, AT)],
    groups,
    names: new Map([
      ['pa', 'Ana'],
      ['pb', '=Bo, "the" writer'],
    ]),
  };
}

describe('a number as data', () => {
  it('value: the digits as a number, null when empty or past what a number holds exactly', () => {
    expect(numericValue('41')).toBe(41);
    expect(numericValue('007')).toBe(7);
    expect(numericValue('0')).toBe(0);
    expect(numericValue('')).toBeNull();
    expect(numericValue('123456789012345')).toBe(123456789012345);
    expect(numericValue('1234567890123456')).toBeNull();
    expect(numericValue('000000000000000000001')).toBe(1);
  });

  it('confidence: the first alternative\'s, else the product of the digits\', null for nothing read', () => {
    expect(readingConfidence(reading('41', { alternatives: [{ text: '41', confidence: 0.8 }], digits: [digit(4, 0.1), digit(1, 0.1)] }))).toBe(0.8);
    expect(readingConfidence(reading('41', { digits: [digit(4, 0.5), digit(1, 0.5)] }))).toBe(0.25);
    expect(readingConfidence(reading(''))).toBeNull();
  });

  it('lists every number in order: text (the correction first), value, writers, strokes and time', () => {
    const board = boardExport('ROOM', contents());
    expect(board).toMatchObject({ room: 'ROOM', width: 1600, height: 1000 });
    expect(board.numbers).toEqual([
      {
        id: 's1',
        kind: 'number',
        expression: null,
        error: null,
        text: '41',
        recognizedText: '41',
        correctedText: null,
        value: 41,
        confidence: 0.8,
        alternatives: [{ text: '41', confidence: 0.8 }, { text: '47', confidence: 0.15 }],
        box: { x: 100, y: 100, width: 60, height: 100 },
        // pb wrote two of its three strokes; the time is its latest known stroke's.
        writer: '=Bo, "the" writer',
        writers: ['Ana', '=Bo, "the" writer'],
        strokeIds: ['s1', 's2', 's3'],
        time: new Date(AT + 5_000).toISOString(),
      },
      {
        id: 's4',
        kind: 'number',
        expression: null,
        error: null,
        text: '1',
        recognizedText: '7',
        correctedText: '1',
        value: 1,
        confidence: 0.5,
        alternatives: [],
        box: { x: 400, y: 10, width: 10, height: 100 },
        writer: 'Ana',
        writers: ['Ana'],
        strokeIds: ['s4'],
        time: null,
      },
      {
        id: 's5',
        kind: 'number',
        expression: null,
        error: null,
        text: '',
        recognizedText: '',
        correctedText: null,
        value: null,
        confidence: null,
        alternatives: [],
        box: { x: 700, y: 100, width: 10, height: 100 },
        writer: null,
        writers: [],
        strokeIds: ['s5'],
        time: new Date(AT).toISOString(),
      },
    ]);
  });

  it('a tie between writers goes to whoever wrote first', () => {
    const c = contents();
    c.groups = [{ ...c.groups[0], strokeIds: ['s1', 's2'] }];
    expect(boardExport('ROOM', c).numbers[0].writer).toBe('Ana');
  });

  it('an expression is a row with its value; a column sum is a row after the numbers, with the strokes of its rows and rule', () => {
    const sure = (text: string) => reading(text, { alternatives: [{ text, confidence: 0.95 }] });
    const row = (id: string, y: number, text: string): GroupResult => ({ id, box: { x: 100, y, width: 60, height: 80 }, strokeIds: [id], result: sure(text) });
    const math = { expression: '12+30', value: 42, display: '42', kind: 'expression' as const, confidence: 0.9, box: { x: 500, y: 0, width: 200, height: 80 }, answer: { x: 720, y: 0, width: 80, height: 80 } };
    const stroke = (id: string, points: number[][]) => ({ id, author: 'pa', color: '#1f6feb', points });
    const board = boardExport('ROOM', {
      strokes: [stroke('e', [[500, 0], [700, 80]]), stroke('a', [[120, 100], [120, 180]]), stroke('b', [[120, 200], [120, 280]]), stroke('r', [[80, 300], [180, 302]])],
      groups: [
        { id: 'e', box: math.box, strokeIds: ['e'], result: { ...sure('12+30='), math: [math] } },
        row('a', 100, '12'),
        row('b', 200, '30'),
        { id: 'r', box: { x: 80, y: 300, width: 100, height: 2 }, strokeIds: ['r'], result: reading('') },
      ],
      names: new Map([['pa', 'Ana']]),
    });
    expect(board.numbers.map((n) => [n.kind, n.text, n.value, n.expression])).toEqual([
      ['expression', '12+30=', 42, '12+30'],
      ['number', '12', 12, null],
      ['number', '30', 30, null],
      ['number', '', null, null],
      ['sum', '12+30=42', 42, '12+30'],
    ]);
    expect(board.numbers[4]).toMatchObject({ id: 'sum:r', strokeIds: ['a', 'b', 'r'], writer: 'Ana', confidence: 0.9025 });
    const svg = boardSvg(board, []);
    expect([...svg.matchAll(/<text data-value="([^"]+)"[^>]*>([^<]*)</g)].map((m) => [m[1], m[2]])).toEqual([['e', '42'], ['sum:r', '42']]);
    expect(svg).not.toContain('data-number="sum:r"');
    expect(exportCsv(board.numbers).split('\r\n')[5]).toMatch(/^12\+30=42,42,0\.9025,\[\],.*,sum,12\+30,$/);
  });

  it('an empty board has no numbers', () => {
    expect(boardExport('ROOM', { strokes: [], groups: [], names: new Map() }).numbers).toEqual([]);
  });
});

describe('the numbers as CSV', () => {
  it('has a header and one row per number, quoted where needed, formulas defused', () => {
    const lines = exportCsv(boardExport('ROOM', contents()).numbers).split('\r\n');
    expect(lines).toEqual([
      CSV_COLUMNS.join(','),
      // A spreadsheet would run "=..." as a formula: the writer's cell starts with a quote instead.
      '41,41,0.8,"[{""text"":""41"",""confidence"":0.8},{""text"":""47"",""confidence"":0.15}]",100,100,60,100,' +
        `"'=Bo, ""the"" writer",s1 s2 s3,${new Date(AT + 5_000).toISOString()},number,,`,
      '1,1,0.5,[],400,10,10,100,Ana,s4,,number,,',
      `,,,[],700,100,10,100,,s5,${new Date(AT).toISOString()},number,,`,
      '',
    ]);
  });

  it('an empty board is the header alone', () => {
    expect(exportCsv([])).toBe(`${CSV_COLUMNS.join(',')}\r\n`);
  });
});

describe('the board as SVG', () => {
  it('draws one path per stroke in its colour and a label per number read, escaped', () => {
    const c = contents();
    const board = boardExport('ROOM', c);
    board.numbers[1].text = '<1&>';
    const svg = boardSvg(board, c.strokes);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="1600" height="1000" viewBox="0 0 1600 1000">/);
    expect(svg.match(/<path /g)).toHaveLength(5);
    expect(svg).toContain('<path data-stroke="s1" stroke="#1f6feb" d="M100 100L100 200"/>');
    expect(svg).toContain('<path data-stroke="s2" stroke="#d9480f"');
    // Above its box; at the top edge, below it. Nothing for a number that reads nothing.
    expect(svg).toMatch(/<text data-number="s1" x="100.0" y="92.0"[^>]*>41<\/text>/);
    expect(svg).toMatch(/<text data-number="s4" x="400.0" y="142.0"[^>]*>&#60;1&#38;&#62;<\/text>/);
    expect(svg).not.toContain('data-number="s5"');
  });

  it('draws a tap as a dot', () => {
    const svg = boardSvg(boardExport('ROOM', { strokes: [], groups: [], names: new Map() }), [{ id: 't', author: 'a', color: '#000', points: [[5, 5], [5, 5]] }]);
    expect(svg).toMatch(/<path data-stroke="t" stroke="#000" d="M[0-9.]+ 5A/);
  });
});
