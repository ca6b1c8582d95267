import { describe, expect, it } from 'vitest';
import { decide } from './decide.js';
import { NOT_A_DIGIT, NUM_CLASSES } from './model-contract.js';

/** Probabilities with `top` at `p` and the rest shared equally. */
function output(top: number, p: number): Float32Array {
  const out = new Float32Array(NUM_CLASSES).fill((1 - p) / (NUM_CLASSES - 1));
  out[top] = p;
  return out;
}

const box = (minX: number) => ({ box: { minX, minY: 10, maxX: minX + 20, maxY: 50 } });

describe('decide', () => {
  it('reads the groups left to right as digits, with their boxes and rounded probabilities', () => {
    const d = decide([box(0), box(40)], [output(4, 0.9), output(2, 0.7)]);
    expect(d.text).toBe('42');
    expect(d.rejected).toEqual([]);
    expect(d.digits.map((x) => x.digit)).toEqual([4, 2]);
    expect(d.digits[0].box).toEqual({ x: 0, y: 10, width: 20, height: 40 });
    expect(d.digits[0].confidence).toBe(0.9);
    expect(d.digits[0].probabilities).toHaveLength(10);
    expect(d.digits[1].probabilities[0]).toBe(0.03);
  });

  it('leaves not-a-digit groups out of the text and lists them as rejected', () => {
    const d = decide([box(0), box(40)], [output(NOT_A_DIGIT, 0.8), output(7, 0.95)]);
    expect(d.text).toBe('7');
    expect(d.rejected).toEqual([{ box: { x: 0, y: 10, width: 20, height: 40 }, notDigitProbability: 0.8 }]);
  });

  it('skips groups without an output and reads nothing from nothing', () => {
    expect(decide([box(0)], [null])).toEqual({ text: '', digits: [], rejected: [], alternatives: [] });
    expect(decide([], [])).toEqual({ text: '', digits: [], rejected: [], alternatives: [] });
  });

  it('takes the first class on a tie, as argmax does', () => {
    const tie = new Float32Array(NUM_CLASSES);
    tie[3] = tie[8] = 0.5;
    expect(decide([box(0)], [tie]).text).toBe('3');
  });
});
