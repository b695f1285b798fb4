// `npm start`: builds the UI and the Electron bundles, then launches the kiosk. Electron's binary
// is fetched from outside the npm registry on first run; where it is missing, say so plainly and
// point at the web host, which runs the same terminal without Electron.
import { spawn, spawnSync } from 'node:child_process';
import { electronBinary } from './electron-binary.mjs';

const root = new URL('..', import.meta.url).pathname;

const binary = electronBinary();
if (!binary) {
  console.error(
    [
      'The Electron binary is not installed (it downloads from outside the npm registry, which this machine cannot reach).',
      'Run the same terminal in a browser instead:  npm run start:web',
      'To install Electron where its download host is reachable:  npx install-electron --no',
    ].join('\n'),
  );
  process.exit(1);
}

for (const script of ['build:ui', 'build:electron']) {
  const r = spawnSync('npm', ['run', '-s', script], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const child = spawn(binary, ['.', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
