import { describe, expect, it } from 'vitest';
import { accountRouteFromHash } from './account-route.js';

describe('accountRouteFromHash', () => {
  const token = 'a'.repeat(40) + '_-9';
  it.each([
    [`#confirm-email/${token}`, { kind: 'confirm-email', token }],
    [`#reset-password/${token}`, { kind: 'reset-password', token }],
    ['#confirm-email/', null],
    ['#reset-password/x y', null],
    ['#history', null],
    ['', null],
    [`#reset-password/${token}/more`, null],
  ])('%s -> %j', (hash, expected) => {
    expect(accountRouteFromHash(hash)).toEqual(expected);
  });
});
