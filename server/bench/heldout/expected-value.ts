/**
 * The exact value of what an arithmetic item writes, computed here from the tokens the generator
 * chose (never by the server's own evaluator, which is what is measured): decimal.js, × ÷ / : before
 * + and -, left to right, parentheses first.
 */
import { Decimal } from 'decimal.js';

/** Far more digits than any written item needs: a quotient that does not end is compared to 1e-9. */
const Exact = Decimal.clone({ precision: 50 });

/** What an item must show: a value (exact decimal text), or that it divides by zero. */
export type Expected = { value: string } | { error: 'division_by_zero' };

class DivisionByZero extends Error {}

/** Evaluates tokens: numbers ("12", "0.75") and the symbols + - × ÷ / : ( ), without the "=". */
export function expectedValue(tokens: readonly string[]): Expected {
  let at = 0;
  const sum = (): Decimal => {
    let v = product();
    while (tokens[at] === '+' || tokens[at] === '-') v = tokens[at++] === '+' ? v.plus(product()) : v.minus(product());
    return v;
  };
  const product = (): Decimal => {
    let v = factor();
    while (tokens[at] === '×' || tokens[at] === '÷' || tokens[at] === '/' || tokens[at] === ':') {
      const op = tokens[at++];
      const right = factor();
      if (op !== '×' && right.isZero()) throw new DivisionByZero();
      v = op === '×' ? v.times(right) : v.dividedBy(right);
    }
    return v;
  };
  const factor = (): Decimal => {
    const t = tokens[at++];
    if (t === '(') {
      const v = sum();
      if (tokens[at++] !== ')') throw new Error(`unbalanced: ${tokens.join('')}`);
      return v;
    }
    if (t === undefined || !/^\d+(\.\d+)?$/.test(t)) throw new Error(`not a number at ${at - 1}: ${tokens.join('')}`);
    return new Exact(t);
  };
  try {
    const v = sum();
    if (at !== tokens.length) throw new Error(`trailing tokens: ${tokens.join('')}`);
    return { value: v.toFixed() };
  } catch (err) {
    if (err instanceof DivisionByZero) return { error: 'division_by_zero' };
    throw err;
  }
}

/** A column's sum, exactly. */
export function expectedSum(numbers: readonly string[]): Expected {
  return { value: numbers.reduce((a, n) => a.plus(n), new Exact(0)).toFixed() };
}

/** Whether a value the server sent is the expected one: exact, or within 1e-9 of a quotient that does not end. */
export function sameValue(expected: string, got: number): boolean {
  const e = new Exact(expected);
  return e.minus(got).abs().lte(Decimal.max(1, e.abs()).times('1e-9'));
}
