// What the settlement tests share: the real platform and HIS simulators on loopback, a real journal
// in a temp folder, the real client with a generous deadline, and a real person found through the
// e-voucher decode and 1101. Not a test file itself.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createPlatformClient, type PlatformClient } from '../insurance/client';
import { formatMsgid } from '../insurance/msgid';
import { createHisClient, type HisBill } from '../his/client';
import { openJournal, type Journal } from '../journal/journal';
import { simEnvelopeContext } from '../sim/platform/context';
import { startPlatformSimulator, type PlatformSimulator } from '../sim/platform/server';
import { startHisSimulator } from '../sim/his/server';
import { identifyByEcQr } from '../identity/resolve';
import type { VisitPerson } from '../settlement/calls';
import type { Ledger } from '../sim/platform/state';

export const fixturesDir = resolve(import.meta.dirname, '..', '..', 'fixtures');

export interface SettlementRig {
  platform: PlatformSimulator;
  client: PlatformClient;
  journal: Journal;
  dataDir: string;
  hisBills(certno: string): Promise<HisBill[]>;
  person(key: string): Promise<VisitPerson>;
  reopenJournal(): Journal;
  close(): Promise<void>;
}

/**
 * The client's deadline when a test names none. It used to be 400 ms, which a loaded machine (two
 * other CPU-heavy processes on two cores) missed on ordinary answers, turning them into unknown
 * outcomes the test never meant. A test that wants a call to go unanswered says so with the
 * simulator's `timeout` fault (the request is held until this deadline) or a reset, not with a
 * short deadline; the only cost of a generous one is that each held request waits it out. A test
 * asking for less gets this: its deadline is a floor here (the crash campaign's child, which does
 * hold requests, has its own client with the plan's deadline).
 */
export const RIG_PLATFORM_TIMEOUT_MS = 5_000;

/** `timeoutMs` can only lengthen the client's deadline past RIG_PLATFORM_TIMEOUT_MS. */
export async function startSettlementRig(opts: { timeoutMs?: number; seed?: number } = {}): Promise<SettlementRig> {
  const platform = await startPlatformSimulator({ fixturesDir, seed: opts.seed ?? 7 });
  const his = await startHisSimulator({ fixturesDir });
  const client = createPlatformClient({ baseUrl: platform.url, context: simEnvelopeContext, timeoutMs: Math.max(opts.timeoutMs ?? 0, RIG_PLATFORM_TIMEOUT_MS) });
  const hisClient = createHisClient({ baseUrl: his.url, timeoutMs: 10_000 });
  const dataDir = mkdtempSync(join(tmpdir(), 'settlement-'));
  const open = () => openJournal({ dataDir, institutionCode: simEnvelopeContext.fixmedins_code, formatMsgid, msgidSlot: '00' });
  const rig: SettlementRig = {
    platform,
    client,
    journal: open(),
    dataDir,
    hisBills: (certno) => hisClient.pendingBills(certno),
    async person(key) {
      const result = await identifyByEcQr({ journal: rig.journal, platform: client, ecBusinessType: '01301', ecDeviceType: 'SelfService' }, platform.mintEcQr(key));
      if (result.kind !== 'ok') throw new Error(`cannot identify ${key}: ${JSON.stringify(result)}`);
      return result.person;
    },
    reopenJournal() {
      rig.journal.close();
      rig.journal = open();
      return rig.journal;
    },
    async close() {
      rig.journal.close();
      await platform.close();
      await his.close();
    },
  };
  return rig;
}

/** The platform's view of one terminal visit: its registrations (by their 2201 msgids) and settlements. */
export function platformSideOf(ledger: Ledger, registrationMsgids: string[]) {
  const visits = ledger.visits.filter((v) => registrationMsgids.includes(v.msgid));
  const mdtrtIds = new Set(visits.map((v) => v.mdtrtId));
  const settlements = ledger.settlements.filter((s) => mdtrtIds.has(s.mdtrtId));
  return { visits, settlements, settled: settlements.filter((s) => s.status === 'settled') };
}
