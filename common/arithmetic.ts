/**
 * Exact arithmetic for what people write. An expression read from ink ("12+30", "7×6",
 * "(1.5+2)÷3") is evaluated in decimal, so 0.1 + 0.2 is 0.3; a division by zero or a value too
 * large to show exactly is an answer of its own, never a throw.
 */
import { Decimal } from 'decimal.js';

export type MathError = 'division_by_zero' | 'overflow';

export interface Evaluation {
  /** What was evaluated, as read (without a final "="). */
  expression: string;
  /** The value as a JSON number; null when there is none. */
  value: number | null;
  /** The value as shown to people: exact, or rounded to SHOWN_DIGITS with "≈"; "" when there is none. */
  display: string;
  error?: MathError;
}

/**
 * How sure the reading of an expression or a column must be (the share of its first alternative)
 * for its value to be shown: below it, a value would too often be a wrong one shown as certain.
 */
export const MIN_MATH_CONFIDENCE = 0.6;

/** Significant digits shown of a value that does not end (1 ÷ 3). */
const SHOWN_DIGITS = 12;
/** Largest magnitude a value may have: beyond it a JSON number no longer holds every digit. */
const LARGEST = new Decimal('999999999999999');
/** Digits kept while evaluating: far more than any handwritten number has. */
const Exact = Decimal.clone({ precision: 60, rounding: Decimal.ROUND_HALF_EVEN, toExpNeg: -30, toExpPos: 40 });

/** The operators people write, and how they evaluate. */
const BINARY: Record<string, 'add' | 'sub' | 'mul' | 'div'> = { '+': 'add', '-': 'sub', '×': 'mul', '÷': 'div', '/': 'div', ':': 'div' };

class Overflow extends Error {}
class DivisionByZero extends Error {}

/** A recursive-descent parser over the characters of an expression; null where it does not parse. */
class Parser {
  private at = 0;
  constructor(private readonly text: string) {}

  parse(): Decimal | null {
    const value = this.sum();
    return value !== null && this.at === this.text.length ? value : null;
  }

  private peek(): string | undefined {
    return this.text[this.at];
  }

  private sum(): Decimal | null {
    let value = this.product();
    while (value !== null && (this.peek() === '+' || this.peek() === '-')) {
      const op = this.text[this.at++];
      const right = this.product();
      if (right === null) return null;
      value = checked(op === '+' ? value.plus(right) : value.minus(right));
    }
    return value;
  }

  private product(): Decimal | null {
    let value = this.factor();
    while (value !== null) {
      const c = this.peek();
      // "2(3+4)": a number written against a parenthesis multiplies it.
      const op = c === '(' ? 'mul' : c === undefined ? undefined : BINARY[c];
      if (op !== 'mul' && op !== 'div') break;
      if (c !== '(') this.at++;
      const right = this.factor();
      if (right === null) return null;
      if (op === 'div' && right.isZero()) throw new DivisionByZero();
      value = checked(op === 'mul' ? value.times(right) : value.dividedBy(right));
    }
    return value;
  }

  private factor(): Decimal | null {
    const c = this.peek();
    if (c === '-' || c === '+') {
      this.at++;
      const value = this.factor();
      return value === null ? null : c === '-' ? value.negated() : value;
    }
    if (c === '(') {
      this.at++;
      const value = this.sum();
      if (value === null || this.peek() !== ')') return null;
      this.at++;
      return value;
    }
    const number = /^(\d+(\.\d*)?|\.\d+)/.exec(this.text.slice(this.at));
    if (!number) return null;
    this.at += number[0].length;
    return checked(new Exact(number[0]));
  }
}

function checked(value: Decimal): Decimal {
  if (value.abs().greaterThan(LARGEST)) throw new Overflow();
  return value;
}

/** How a value is shown: every digit when it ends within SHOWN_DIGITS, else rounded, with "≈". */
function shown(value: Decimal): string {
  const rounded = value.toSignificantDigits(SHOWN_DIGITS);
  const text = new Exact(rounded).toFixed();
  return rounded.equals(value) ? text : `≈${text}`;
}

/** Whether a text holds an operator between two terms (not only a sign or a decimal point). */
export function hasOperator(text: string): boolean {
  return /[\d)]\s*[-+×÷/:]\s*[\d(.]/.test(text) || /[\d)]\(/.test(text);
}

/**
 * Evaluates an expression as read (digits, ".", + - × ÷ / : and parentheses; a final "=" is
 * dropped). Null when it is not an expression of at least two terms, or does not parse.
 */
export function evaluate(text: string): Evaluation | null {
  const expression = text.endsWith('=') ? text.slice(0, -1) : text;
  if (!hasOperator(expression)) return null;
  try {
    const value = new Parser(expression).parse();
    if (value === null) return null;
    return { expression, value: value.toNumber(), display: shown(value) };
  } catch (err) {
    if (err instanceof DivisionByZero) return { expression, value: null, display: '', error: 'division_by_zero' };
    if (err instanceof Overflow) return { expression, value: null, display: '', error: 'overflow' };
    throw err;
  }
}

/** The exact sum of numbers as read ("12", "3.5"); null when one of them is not a number. */
export function sumOf(terms: readonly string[]): Evaluation | null {
  if (terms.length < 2 || !terms.every((t) => /^[-+]?(\d+(\.\d*)?|\.\d+)$/.test(t))) return null;
  const expression = terms.map((t, i) => (i > 0 && !/^[-+]/.test(t) ? `+${t}` : t)).join('');
  return evaluate(expression);
}
