// `npm run start:web`: the terminal served to a browser on 127.0.0.1 — the same core as the
// Electron kiosk, for machines without a display or without the Electron binary, remote support,
// and the end-to-end tests.
import { join, resolve } from 'node:path';
import { homedir } from 'node:os';
import { loadConfig, ConfigError } from '../../config/config';
import { startTerminal } from '../../app/start-terminal';
import { startWebHost } from './server';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

// From source this file is terminal/host/web/cli.ts; built (scripts/build-web.mjs) it is dist/web/cli.mjs.
const root = import.meta.url.endsWith('.ts') ? resolve(import.meta.dirname, '..', '..', '..') : resolve(import.meta.dirname, '..', '..');

async function main(): Promise<void> {
  const config = loadConfig(arg('--config') ?? process.env.TERMINAL_CONFIG);
  const dataDir = arg('--data') ?? config.dataDir ?? join(homedir(), '.settlement-terminal');
  const terminal = await startTerminal({ config, dataDir, fixturesDir: config.fixturesDir ?? join(root, 'fixtures') });
  const host = await startWebHost({ api: terminal.api, uiDir: join(root, 'dist', 'ui'), port: Number(arg('--port') ?? 0) });
  console.log(`terminal web host: ${host.url}`);
  console.log(`journal: ${dataDir}`);
  // On the embedded simulators hospital IT rehearses from this page (demo people, new bills, reset).
  if (terminal.simulators.platform && terminal.simulators.hisUrl) console.log(`rehearsal panel: ${host.url}?rehearsal`);
  // Hospital IT needs the address (with port 0 the system picks it) to point workstations at it.
  if (terminal.inRoom) console.log(`in-room API: ${terminal.inRoom.url}/in-room/v1/payment-requests`);
  const stop = async () => {
    await host.close();
    await terminal.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : `terminal failed to start: ${(err as Error).message}`);
  process.exit(1);
});
