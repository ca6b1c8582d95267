// `npm start` runs this first: build the server and client when their output is missing or
// older than the sources, so a fresh clone starts with one command.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

function newest(dir) {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const p = path.join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const targets = [
  { out: 'dist/server/src/server.js', sources: ['server/src', 'common'], script: 'build:server' },
  { out: 'client/dist/index.html', sources: ['client/src', 'client/index.html', 'common'], script: 'build:client' },
];
for (const { out, sources, script } of targets) {
  const built = existsSync(out) ? statSync(out).mtimeMs : 0;
  const source = Math.max(...sources.map((s) => (statSync(s).isDirectory() ? newest(s) : statSync(s).mtimeMs)));
  if (source > built) {
    console.log(`building (${script})...`);
    execSync(`npm run ${script}`, { stdio: 'inherit' });
  }
}
