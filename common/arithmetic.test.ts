import { describe, expect, it } from 'vitest';
import { evaluate, hasOperator, sumOf } from './arithmetic.js';

describe('evaluate', () => {
  it('evaluates what people write, up to its "="', () => {
    expect(evaluate('12+30=')).toEqual({ expression: '12+30', value: 42, display: '42' });
    expect(evaluate('7×6=')?.value).toBe(42);
    expect(evaluate('100-58')?.value).toBe(42);
    expect(evaluate('84÷2=')?.value).toBe(42);
    expect(evaluate('84/2=')?.value).toBe(42);
    expect(evaluate('84:2=')?.value).toBe(42);
  });

  it('follows precedence, parentheses and signs', () => {
    expect(evaluate('2+3×4=')?.value).toBe(14);
    expect(evaluate('(2+3)×4=')?.value).toBe(20);
    expect(evaluate('2(3+4)=')?.value).toBe(14);
    expect(evaluate('-5+3=')?.value).toBe(-2);
    expect(evaluate('10-2-3=')?.value).toBe(5);
    expect(evaluate('48÷4÷2=')?.value).toBe(6);
  });

  it('is exact in decimal', () => {
    expect(evaluate('0.1+0.2=')).toEqual({ expression: '0.1+0.2', value: 0.3, display: '0.3' });
    expect(evaluate('1.5×1.5=')?.display).toBe('2.25');
    expect(evaluate('3×0.1=')?.display).toBe('0.3');
    expect(evaluate('.5+.25=')?.display).toBe('0.75');
  });

  it('rounds a value that does not end, and says so', () => {
    const third = evaluate('1÷3=');
    expect(third?.display).toBe('≈0.333333333333');
    expect(third?.value).toBeCloseTo(1 / 3, 12);
    expect(evaluate('2÷3=')?.display).toBe('≈0.666666666667');
  });

  it('answers a division by zero and an overflow as such', () => {
    expect(evaluate('5÷0=')).toEqual({ expression: '5÷0', value: null, display: '', error: 'division_by_zero' });
    expect(evaluate('5÷(2-2)=')?.error).toBe('division_by_zero');
    expect(evaluate('99999999×99999999=')).toMatchObject({ value: null, error: 'overflow' });
    expect(evaluate('9999999×9999999=')?.value).toBe(99999980000001);
  });

  it('is null for what is not an expression, or does not parse', () => {
    for (const text of ['', '42', '42=', '-5', '1.5', '12+', '+', '(12+3', '12+3)', '1..2+3', '12++', '=', '1=2+3', '12+30=42']) expect(evaluate(text), text).toBeNull();
  });
});

describe('hasOperator', () => {
  it('needs an operator between two terms', () => {
    expect(hasOperator('12+3')).toBe(true);
    expect(hasOperator('(1)(2)')).toBe(true);
    expect(hasOperator('-12')).toBe(false);
    expect(hasOperator('12.5')).toBe(false);
  });
});

describe('sumOf', () => {
  it('adds a column exactly', () => {
    expect(sumOf(['12', '30', '7'])).toEqual({ expression: '12+30+7', value: 49, display: '49' });
    expect(sumOf(['0.1', '0.2'])?.display).toBe('0.3');
    expect(sumOf(['12', '-2'])?.value).toBe(10);
    expect(sumOf(['12', '+30'])?.value).toBe(42);
  });

  it('is null unless every term is a number, and there are two', () => {
    expect(sumOf(['12'])).toBeNull();
    expect(sumOf(['12', ''])).toBeNull();
    expect(sumOf(['12', '3+4'])).toBeNull();
  });
});
