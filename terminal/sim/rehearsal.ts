// The rehearsal hospital IT runs on the embedded simulators: any demo person can present their
// 医保码, social security card or ID card; the HIS issues a new bill of any kind for anyone on demand;
// and a reset gives every demo person their fixture bill again. The kiosk takes what is presented
// through the same calls its devices use (terminal/app/rehearsal-commands.ts wires them).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { yuanToFen } from '../common/money';
import { loadFixtures, type SimPerson } from './platform/fixtures';
import type { HisBillFixture, HisSimulator } from './his/server';

export type RehearsalCredential = 'ec-qr' | 'ss-card' | 'id-card';
export type RehearsalBillKind = 'registration' | 'outpatient' | 'discharge';

export interface RehearsalPerson {
  key: string;
  /** What the person shows in a demo, in both languages (fixtures/platform/demo-people.json). */
  shows: { zh: string; en: string };
}

/** What a presented credential carries, for the kiosk call a device would make. */
export type Presented =
  | { kind: 'ec-qr'; text: string }
  | { kind: 'ss-card'; card: { cardNo: string; cardSn: string; idNo: string; name: string } }
  | { kind: 'id-card'; card: { idNo: string; name: string } };

export interface Rehearsal {
  people(): RehearsalPerson[];
  present(personKey: string, credential: RehearsalCredential): Presented | null;
  /** Null for a person the fixtures do not know. */
  newBill(personKey: string, kind: RehearsalBillKind): { billId: string; totalFen: number; bed: string | null } | null;
  /** The fixture bills again under new numbers; how many were issued. */
  reset(): number;
}

const DemoPeople = z.object({ people: z.array(z.object({ key: z.string(), zh: z.string().min(1), en: z.string().min(1) })) });

/** The template of each kind: the first fixture bill of its med_type (12 registration, 11 outpatient, 21 discharge). */
const templateMedType: Record<RehearsalBillKind, string> = { registration: '12', outpatient: '11', discharge: '21' };

export function createRehearsal(opts: { fixturesDir: string; his: HisSimulator; mintEcQr: (personKey: string) => string }): Rehearsal {
  const people = loadFixtures(opts.fixturesDir).people;
  const shows = new Map(DemoPeople.parse(JSON.parse(readFileSync(join(opts.fixturesDir, 'platform', 'demo-people.json'), 'utf8'))).people.map((p) => [p.key, p]));
  const byKey = (key: string): SimPerson | undefined => people.find((p) => p.key === key);
  let beds = 0;

  return {
    people: () =>
      people.map((p) => {
        const s = shows.get(p.key);
        return { key: p.key, shows: { zh: s?.zh ?? p.key, en: s?.en ?? p.key } };
      }),
    present(personKey, credential) {
      const p = byKey(personKey);
      if (!p) return null;
      if (credential === 'ec-qr') return { kind: 'ec-qr', text: opts.mintEcQr(p.key) };
      if (credential === 'ss-card') return { kind: 'ss-card', card: { cardNo: p.card_no, cardSn: p.card_sn, idNo: p.certno, name: p.psn_name } };
      return { kind: 'id-card', card: { idNo: p.certno, name: p.psn_name } };
    },
    newBill(personKey, kind) {
      const p = byKey(personKey);
      const template = opts.his.fixtureBills.find((b) => b.medType === templateMedType[kind]);
      if (!p || !template) return null;
      // A discharge bill puts the person in a bed of the template's ward (from 41 up, past the fixtures' beds), so the nurse's list shows them.
      const inpatient: HisBillFixture['inpatient'] = template.inpatient
        ? { ...template.inpatient, bed: String(40 + ++beds), name: p.psn_name }
        : undefined;
      const bill = opts.his.issueBill(template, { certno: p.certno, inpatient });
      return { billId: bill.billId, totalFen: bill.items.reduce((sum, i) => sum + yuanToFen(i.amount), 0), bed: inpatient?.bed ?? null };
    },
    reset: () => opts.his.reissueFixtureBills().length,
  };
}
