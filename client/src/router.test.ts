import { describe, expect, it } from 'vitest';
import { accountLinkFromHash, historyHash, pageFromHash, roomFromPath, roomPath } from './router.js';

describe('roomFromPath', () => {
  const id = 'AbCdEfGhIjKlMnOpQrSt_-';

  it('reads the board id from /r/<id>', () => {
    expect(roomFromPath(roomPath(id))).toEqual({ room: id, invalid: false });
    expect(roomFromPath(`/r/${id}/`)).toEqual({ room: id, invalid: false });
  });

  it('opens a new board at /, and says so when the id is not one', () => {
    expect(roomFromPath('/')).toEqual({ room: undefined, invalid: false });
    expect(roomFromPath('/r/short')).toEqual({ room: undefined, invalid: true });
    expect(roomFromPath(`/r/${id.slice(0, 21)}!`)).toEqual({ room: undefined, invalid: true });
  });
});

describe('pageFromHash', () => {
  it.each([
    ['', { name: 'board' }],
    ['#', { name: 'board' }],
    ['#upload', { name: 'upload' }],
    ['#model', { name: 'model' }],
    ['#history', { name: 'history' }],
    ['#history/abc-12_3', { name: 'history', recordId: 'abc-12_3' }],
    ['#history/', { name: 'board' }],
    ['#history/a b', { name: 'board' }],
    [`#history/${'a'.repeat(65)}`, { name: 'board' }],
    ['#uploads', { name: 'board' }],
    ['#confirm-email/abc', { name: 'board' }],
  ])('%s -> %j', (hash, expected) => {
    expect(pageFromHash(hash)).toEqual(expected);
  });

  it('reads back what historyHash writes', () => {
    expect(pageFromHash(historyHash())).toEqual({ name: 'history' });
    expect(pageFromHash(historyHash('r1'))).toEqual({ name: 'history', recordId: 'r1' });
  });
});

describe('accountLinkFromHash', () => {
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
    expect(accountLinkFromHash(hash)).toEqual(expected);
  });
});
