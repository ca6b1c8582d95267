import { describe, expect, it } from 'vitest';
import { CORRECTION_PATTERN } from '../../../../common/protocol.js';
import { choosableAlternatives, correctionToSend, percent, sanitizeCorrection, shownAlternatives, shownReading } from './correction.js';

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

  it('shows an expression\'s readings without offering them: the server takes digits only', () => {
    // What the board's popover and the history get for "12+30=": every reading has its operators.
    const expression = [
      { text: '12+30=', confidence: 0.81 },
      { text: '12+38=', confidence: 0.12 },
      { text: '', confidence: 0.07 },
    ];
    expect(shownAlternatives(expression)).toEqual([
      { text: '12+30=', confidence: 0.81, pickable: false },
      { text: '12+38=', confidence: 0.12, pickable: false },
    ]);
    expect(choosableAlternatives(expression)).toEqual([]);
    // A decimal point is not a digit either; the readings without one can be picked.
    expect(shownAlternatives([{ text: '3.14', confidence: 0.6 }, { text: '314', confidence: 0.3 }]).map((a) => a.pickable)).toEqual([false, true]);
    expect(shownAlternatives(undefined)).toEqual([]);
  });

  it('never sends an expression\'s reading, nor a cleaned-up copy of it', () => {
    expect(correctionToSend('12+38=', '12+30=', undefined)).toBeNull();
    expect(correctionToSend('12+38=', '12+30=', '1230')).toBeNull();
    expect(correctionToSend('7×6=', '7+6=', undefined)).toBeNull();
    // The expression's own reading changes nothing, or withdraws a correction ("" is allowed).
    expect(correctionToSend('12+30=', '12+30=', undefined)).toBeNull();
    expect(correctionToSend('12+30=', '12+30=', '1230')).toBe('');
    // A number typed for it is sent: the expression becomes that number.
    expect(correctionToSend('1230', '12+30=', undefined)).toBe('1230');
  });

  it('sends only what the protocol\'s CORRECTION_PATTERN accepts, whatever is chosen on whatever reading', () => {
    const accepted = new RegExp(CORRECTION_PATTERN);
    const texts = ['', '7', '17', '12+30=', '12+30=42', '3.14', '7×6=', '(1+2)÷3=', '8:2=', '1,5', '٣', '4 2', '9'.repeat(41)];
    for (const chosen of texts) {
      for (const modelText of texts) {
        for (const correctedText of [undefined, null, '', '17', '1230']) {
          const sent = correctionToSend(chosen, modelText, correctedText);
          if (sent !== null) expect(sent, `${chosen} on ${modelText} (${correctedText})`).toMatch(accepted);
        }
      }
    }
  });

  it('writes confidences as whole percents', () => {
    expect(percent(0.814)).toBe('81%');
    expect(percent(0.001)).toBe('<1%');
    expect(percent(0)).toBe('0%');
  });
});
