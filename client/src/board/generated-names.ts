import { msg } from '@lit/localize';

// The words of the names the server makes up (common/generated-names.ts; generated-names.test.ts
// holds the two lists equal). Functions, not constants: each call answers in the current language.
const adjectives = (): Record<string, string> => ({
  Amber: msg('Amber'),
  Brave: msg('Brave'),
  Calm: msg('Calm'),
  Clever: msg('Clever'),
  Eager: msg('Eager'),
  Gentle: msg('Gentle'),
  Jolly: msg('Jolly'),
  Keen: msg('Keen'),
  Lucky: msg('Lucky'),
  Merry: msg('Merry'),
  Quick: msg('Quick'),
  Quiet: msg('Quiet'),
  Sunny: msg('Sunny'),
  Swift: msg('Swift'),
  Tidy: msg('Tidy'),
  Witty: msg('Witty'),
});

const animals = (): Record<string, string> => ({
  Badger: msg('Badger'),
  Crane: msg('Crane'),
  Dolphin: msg('Dolphin'),
  Falcon: msg('Falcon'),
  Fox: msg('Fox'),
  Heron: msg('Heron'),
  Koala: msg('Koala'),
  Lynx: msg('Lynx'),
  Otter: msg('Otter'),
  Owl: msg('Owl'),
  Panda: msg('Panda'),
  Puffin: msg('Puffin'),
  Robin: msg('Robin'),
  Seal: msg('Seal'),
  Tiger: msg('Tiger'),
  Wren: msg('Wren'),
});

export const GENERATED_WORDS = { adjectives: () => Object.keys(adjectives()), animals: () => Object.keys(animals()) };

/**
 * A writer's name as this page shows it: a generated one ("Swift Fox") in the page's language,
 * any other as it was chosen. Everyone's copy of the name stays the English one, which the server
 * made: only the display is translated.
 */
export function displayName(name: string): string {
  const match = /^([A-Z][a-z]+) ([A-Z][a-z]+)$/.exec(name);
  if (!match) return name;
  const adjective = adjectives()[match[1]];
  const animal = animals()[match[2]];
  return adjective && animal ? `${adjective} ${animal}` : name;
}
