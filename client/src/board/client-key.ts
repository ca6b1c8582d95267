import { config } from '../config.js';

let key: string | undefined;

/**
 * This browser's key on boards (hello.client): random, kept in localStorage, so that a reload or
 * a restart of the browser comes back as the same writer (name, colour, undo). Without storage
 * (privacy settings) it lasts as long as the page. A secret: only ever sent to our server.
 */
export function clientKey(): string {
  if (key) return key;
  try {
    key = localStorage.getItem(config.clientKeyKey) ?? undefined;
  } catch {
    // Storage disabled: a key for this page only.
  }
  if (!key || !/^[A-Za-z0-9_-]{16,64}$/.test(key)) {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    key = btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    try {
      localStorage.setItem(config.clientKeyKey, key);
    } catch {
      // As above.
    }
  }
  return key;
}
