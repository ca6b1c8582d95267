import { describe, expect, it } from 'vitest';
import { choosableAlternatives, correctionToSend, percent, sanitizeCorrection, shownReading } from './correction.js';

describe('corrections', () => {
  it('keeps digits only, at most 40', () => {
    expect(sanitizeCorrection(' 1 7a-')).toBe('17');
    expect(sanitizeCorrection('٣')).toBe('');
    expect(sanitizeCorrection('9'.repeat(50))).toBe('9'.repeat(40));
  });

  it('shows the correction over the model', () => {
    expect(shownReading('11', undefined)).toBe('11');
    expect(shownReading('11', '')).toBe('11');
    expect(shownReading('11', null)).toBe('11');
    expect(shownReading('11', '17')).toBe('17');
  });

  it('sends a new reading, withdraws when going back to the model, and nothing that changes nothing', () => {
    expect(correctionToSend('17', '11', undefined)).toBe('17');
    expect(correctionToSend('17', '11', '17')).toBeNull();
    expect(correctionToSend('11', '11', undefined)).toBeNull();
    expect(correctionToSend('11', '11', '17')).toBe('');
    expect(correctionToSend('', '11', '17')).toBe('');
    expect(correctionToSend('', '11', undefined)).toBeNull();
    expect(correctionToSend('4', '11', '17')).toBe('4');
    // Nothing read (not a digit): any number is a correction.
    expect(correctionToSend('1', '', undefined)).toBe('1');
    // Never anything the server would refuse.
    expect(correctionToSend('1a', '11', undefined)).toBeNull();
    expect(correctionToSend('1'.repeat(41), '11', undefined)).toBeNull();
  });

  it('offers the readings that are numbers, best first', () => {
    expect(
      choosableAlternatives([
        { text: '17', confidence: 0.81 },
        { text: '', confidence: 0.1 },
        { text: '11', confidence: 0.05 },
      ]),
    ).toEqual([
      { text: '17', confidence: 0.81 },
      { text: '11', confidence: 0.05 },
    ]);
    expect(choosableAlternatives(undefined)).toEqual([]);
  });

  it('writes confidences as whole percents', () => {
    expect(percent(0.814)).toBe('81%');
    expect(percent(0.001)).toBe('<1%');
    expect(percent(0)).toBe('0%');
  });
});
