// Fresh 医保码 payloads for recordings' `ec-qr` template, minted the way the platform simulator mints
// them (terminal/sim/platform/ecqr.ts) from its fixture files, so played codes pass its decode.
// Dev and test tooling only: a real scanner reads a real phone.
import { createHmac, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TemplateResolver } from '../transport/types';

const DEFAULT_PLATFORM_FIXTURES = new URL('../../fixtures/platform/', import.meta.url).pathname;

export function mintSimEcQr(hmacKey: string, ecIndexNo: string, issuedAt: Date, nonce = randomBytes(8).toString('hex')): string {
  const body = `NHSAEC1.${ecIndexNo}.${Math.floor(issuedAt.getTime() / 1000)}.${nonce}`;
  return `${body}.${createHmac('sha256', hmacKey).update(body).digest('hex').slice(0, 32)}`;
}

/** A resolver for template `ec-qr` whose arg is a simulated person's key in people.json ("employee"). */
export async function createSimEcQrResolver(
  opts: { platformFixturesDir?: string; now?: () => Date } = {},
): Promise<TemplateResolver> {
  const dir = opts.platformFixturesDir ?? DEFAULT_PLATFORM_FIXTURES;
  const now = opts.now ?? (() => new Date());
  const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as { ecQrHmacKey?: unknown };
  const people = JSON.parse(await readFile(join(dir, 'people.json'), 'utf8')) as { people?: Array<{ key?: unknown; ec_index_no?: unknown }> };
  if (typeof config.ecQrHmacKey !== 'string') throw new Error(`${dir}config.json has no ecQrHmacKey`);
  const key = config.ecQrHmacKey;
  const index = new Map<string, string>();
  for (const p of people.people ?? []) {
    if (typeof p.key === 'string' && typeof p.ec_index_no === 'string') index.set(p.key, p.ec_index_no);
  }
  return async (template, arg) => {
    if (template !== 'ec-qr') throw new Error(`unknown template ${template}`);
    const ecIndexNo = index.get(arg);
    if (!ecIndexNo) throw new Error(`no simulated person "${arg}"`);
    return mintSimEcQr(key, ecIndexNo, now());
  };
}
