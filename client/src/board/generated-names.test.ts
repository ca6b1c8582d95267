import { describe, expect, it } from 'vitest';
import { ADJECTIVES, ANIMALS } from '../../../common/generated-names.js';
import { displayName, GENERATED_WORDS } from './generated-names.js';

describe('generated names', () => {
  it('knows every word the server makes names of', () => {
    expect(GENERATED_WORDS.adjectives()).toEqual(ADJECTIVES);
    expect(GENERATED_WORDS.animals()).toEqual(ANIMALS);
  });

  it("shows a generated name in the page's language, and any other name as it is", () => {
    // The source locale: the words come back as they are.
    expect(displayName('Swift Fox')).toBe('Swift Fox');
    expect(displayName('Ada Lovelace')).toBe('Ada Lovelace');
    expect(displayName('ana')).toBe('ana');
  });
});
