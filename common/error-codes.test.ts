import { describe, expect, it } from 'vitest';
import { ERRORS, ErrorCode } from './error-codes.js';

describe('the coded errors', () => {
  it('gives each error its own code, lower-case, and names it in ErrorCode', () => {
    const codes = Object.values(ERRORS).map((e) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
    expect(ErrorCode.badMessage).toBe('bad_message');
    expect(Object.values(ErrorCode)).toEqual(codes);
  });

  it('has a status and a message for every HTTP error, and both or neither', () => {
    for (const e of Object.values(ERRORS)) expect('status' in e).toBe('message' in e);
    expect(ERRORS.rateLimited).toEqual({ code: 'rate_limited', status: 429, message: 'Too many %s; retry in %s' });
  });
});
