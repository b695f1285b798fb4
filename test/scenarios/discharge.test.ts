// Discharge settlement at the kiosk (or a nurse's bedside tablet): the whole inpatient bill on one
// receipt (一单式), every payer on it, through the same API the screens use.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseConfig } from '../../terminal/config/config';
import { startTerminal } from '../../terminal/app/start-terminal';
import { nothingOpenAfterEach } from '../../terminal/testing/open-things.testkit';

const open = nothingOpenAfterEach();
it('settles the 51,423.22-yuan discharge bill on one receipt', async () => {
  const terminal = await startTerminal({
    config: parseConfig({ devices: [], settlement: { usePersonalAccount: false } }),
    dataDir: mkdtempSync(join(tmpdir(), 'discharge-')),
    fixturesDir: resolve(import.meta.dirname, '..', '..', 'fixtures'),
  });
  open.track(terminal);
  try {
    await terminal.api.execute({ type: 'session.begin', service: 'discharge' });
    const atConfirm = await terminal.api.execute({ type: 'credential.text', text: terminal.simulators.platform!.mintEcQr('cross-province-inpatient') });
    assert.ok(atConfirm.ok && atConfirm.session.step === 'confirm', JSON.stringify(atConfirm));
    assert.equal(atConfirm.session.patient?.crossRegion, true);
    const done = await terminal.api.execute({ type: 'session.confirm', settlementId: atConfirm.session.settlementId!, confirmedFen: atConfirm.session.split?.cashFen });
    assert.ok(done.ok && done.session.step === 'receipt');
    const split = done.session.receipt!.split;
    assert.deepEqual([split.totalFen, split.basicFundFen, split.criticalIllnessFen, split.medicalAidFen, split.cashFen], [5_142_322, 3_455_022, 412_580, 0, 1_274_720]);
    assert.equal(split.fundFen + split.personalAccountFen + split.familyAccountFen + split.cashFen, split.totalFen);
  } finally {
    await terminal.close();
  }
});
