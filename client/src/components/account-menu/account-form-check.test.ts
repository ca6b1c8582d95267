import { describe, expect, it } from 'vitest';
import { formProblem, type FormInput } from './account-form-check.js';

const input = (fields: Partial<FormInput> = {}): FormInput => ({
  email: 'ada@example.com',
  password: 'correct horse battery',
  again: 'correct horse battery',
  emailValid: () => true,
  ...fields,
});

describe('formProblem', () => {
  it('passes a complete form', () => {
    for (const mode of ['login', 'register', 'forgot', 'reset', 'name', 'message'] as const) expect(formProblem(mode, input())).toBeUndefined();
  });

  it('asks for the email and password to log in or register', () => {
    expect(formProblem('login', input({ password: '' }))?.error).toBe('Enter your email and password.');
    expect(formProblem('register', input({ email: '' }))?.error).toBe('Enter your email and password.');
  });

  it('checks the address only where one is written to', () => {
    const invalid = input({ emailValid: () => false });
    expect(formProblem('register', invalid)).toEqual({ error: 'That email address does not look right.', mismatch: false });
    expect(formProblem('forgot', input({ email: '' }))?.error).toBe('That email address does not look right.');
    expect(formProblem('login', invalid)).toBeUndefined();
  });

  it('wants a new password of 8 characters, typed the same twice', () => {
    expect(formProblem('reset', input({ password: 'short', again: 'short' }))?.error).toBe('The password needs at least 8 characters.');
    expect(formProblem('register', input({ again: 'correct horse battery!' }))).toEqual({ error: 'The two passwords are not the same.', mismatch: true });
    expect(formProblem('login', input({ again: 'something else' }))).toBeUndefined();
  });
});
