import { describe, expect, it } from 'vitest';
import { roomFromPath, roomPath } from './room-url.js';

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
