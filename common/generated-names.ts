/**
 * The words of the names the server makes up for writers who are not signed in
 * (server/src/realtime/names.ts); the web client translates each of them
 * (client/src/board/generated-names.ts, whose test holds its lists equal to these).
 */
export const ADJECTIVES = ['Amber', 'Brave', 'Calm', 'Clever', 'Eager', 'Gentle', 'Jolly', 'Keen', 'Lucky', 'Merry', 'Quick', 'Quiet', 'Sunny', 'Swift', 'Tidy', 'Witty'];
export const ANIMALS = ['Badger', 'Crane', 'Dolphin', 'Falcon', 'Fox', 'Heron', 'Koala', 'Lynx', 'Otter', 'Owl', 'Panda', 'Puffin', 'Robin', 'Seal', 'Tiger', 'Wren'];
