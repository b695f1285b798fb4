// Shared by the platform conformance tests: a simulator on loopback, a client on it, msgids, and the
// simulated people as the wire sees them.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startPlatformSimulator, type PlatformSimulator } from '../sim/platform/server';
import { simEnvelopeContext } from '../sim/platform/context';
import { createPlatformClient, type PlatformClient } from '../insurance/client';
import { formatMsgid } from '../insurance/msgid';
import type { TypedOutcome } from '../insurance/transactions-client';

export const fixturesDir = fileURLToPath(new URL('../../fixtures', import.meta.url));

export interface SimPersonRef { psnNo: string; certno: string; insutype: string; admdvs: string }
export const PEOPLE = {
  employee: { psnNo: '33000000000000000101', certno: '33010219800101123X', insutype: '310', admdvs: '330100' },
  resident: { psnNo: '33000000000000000102', certno: '330106199203152348', insutype: '390', admdvs: '330100' },
  medicalAid: { psnNo: '33000000000000000104', certno: '330105195809204566', insutype: '390', admdvs: '330100' },
  crossProvinceInpatient: { psnNo: '51000000000000000106', certno: '51010719660412351X', insutype: '390', admdvs: '510100' },
  employeeAid: { psnNo: '33000000000000000107', certno: '330104197206182348', insutype: '310', admdvs: '330100' },
} satisfies Record<string, SimPersonRef>;

let sequence = 0;
/** Unique within a test process: the time part moves on a second every 10,000 ids. */
export function nextMsgid(): string {
  const n = sequence++;
  return formatMsgid(simEnvelopeContext.fixmedins_code, new Date(Date.UTC(2024, 0, 1) + Math.floor(n / 10_000) * 1000), n);
}

export async function startSimAndClient(opts: { now?: () => Date; dataFile?: string } = {}): Promise<{ sim: PlatformSimulator; client: PlatformClient }> {
  const sim = await startPlatformSimulator({ fixturesDir, seed: 1, ...opts });
  const client = createPlatformClient({ baseUrl: sim.url, context: simEnvelopeContext, timeoutMs: 5000 });
  return { sim, client };
}

export function ok<T>(o: TypedOutcome<T>): T {
  if (o.kind !== 'ok') assert.fail(`expected ok, got ${JSON.stringify(o).slice(0, 500)}`);
  return o.output;
}

export function refusal(o: TypedOutcome<unknown>): string {
  if (o.kind !== 'rejected') assert.fail(`expected a refusal, got ${JSON.stringify(o).slice(0, 500)}`);
  assert.equal(o.infcode, -1);
  return o.errMsg;
}
