// The certified vendor library's e-voucher, end to end: the running terminal with a vendor-lib
// device (the fake library gcc builds, answering a token the simulator issued) identifies the
// patient by that token on the identify step, settles on the simulator's ledger, refuses a holder
// the platform does not agree with, and tells the patient what to do when the library refuses.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import iconv from 'iconv-lite';
import { parseConfig } from '../../terminal/config/config';
import { startTerminal, type RunningTerminal } from '../../terminal/app/start-terminal';
import { nextStep } from '../../terminal/testing/terminal.testkit';
import { createPlatformClient } from '../../terminal/insurance/client';
import { simEnvelopeContext } from '../../terminal/sim/platform/context';
import { buildFakeVendorLibrary, type FakeVendorLibrary } from '../../drivers/testing/fake-vendor';
import { nothingOpenAfterEach } from '../../terminal/testing/open-things.testkit';

const fixturesDir = resolve(import.meta.dirname, '..', '..', 'fixtures');
// Library processes start under tsx on shared cores: generous waits, nothing timed.
const WAIT = 30_000;

describe('e-voucher through a certified vendor library', () => {
  const open = nothingOpenAfterEach();
  let lib: FakeVendorLibrary;
  let terminal: RunningTerminal;

  before(async () => {
    lib = buildFakeVendorLibrary();
    lib.setMode('nocard');
    terminal = await startTerminal({
      config: parseConfig({
        devices: [{ id: 'ec-vendor', kind: 'vendor-lib', library: lib.library, interface: 'ec-query', timeoutMs: 10_000, request: { orgId: simEnvelopeContext.fixmedins_code, businessType: '01301' } }],
      }),
      dataDir: mkdtempSync(join(tmpdir(), 'vendor-ec-')),
      fixturesDir,
    });
    open.track(terminal);
  });
  after(async () => {
    await terminal.close();
    lib.remove();
  });

  /** The library answers with a token the simulator issued for this person, and the holder it names (in GBK). */
  async function libraryAnswers(personKey: string, holder: { idNo: string; userName: string }): Promise<string> {
    const sim = terminal.simulators.platform!;
    const client = createPlatformClient({ baseUrl: sim.url, context: simEnvelopeContext, timeoutMs: 5000 });
    const decoded = await client.decodeEcQr({ qrCode: sim.mintEcQr(personKey), businessType: '01301', deviceType: 'SelfService' });
    assert.ok(decoded.kind === 'ok');
    const answer = { code: 0, message: '成功', data: { ecToken: decoded.person.ecToken, idNo: holder.idNo, idType: '01', userName: holder.userName, insuOrg: '330100' } };
    lib.setEcAnswer(iconv.encode(JSON.stringify(answer), 'gbk'));
    lib.setMode('ec-file');
    return decoded.person.ecToken;
  }

  it('a token from the library identifies the patient, and the visit settles on the platform', async () => {
    await libraryAnswers('card-holder', { idNo: '440305198001010013', userName: '测试甲' });
    const confirm = nextStep(terminal, ['confirm', 'error'], WAIT);
    await terminal.api.execute({ type: 'session.begin', service: 'outpatient' });
    const atConfirm = await confirm;
    assert.equal(atConfirm.step, 'confirm', JSON.stringify(atConfirm.error));
    assert.equal(atConfirm.patient?.maskedName, '测*甲');
    const before = terminal.simulators.platform!.ledger().settlements.length;
    const receipt = nextStep(terminal, ['receipt', 'error'], WAIT);
    await terminal.api.execute({ type: 'session.confirm', settlementId: atConfirm.settlementId! });
    assert.equal((await receipt).step, 'receipt');
    const settled = terminal.simulators.platform!.ledger().settlements.slice(before);
    assert.equal(settled.filter((s) => s.status === 'settled').length, 1);
    await terminal.api.execute({ type: 'session.reset' });
  });

  it('a holder the platform does not agree with is card-mismatch before any bill', async () => {
    await libraryAnswers('card-holder', { idNo: '440305198001010013', userName: '测试乙' });
    const shown = nextStep(terminal, ['error', 'confirm'], WAIT);
    await terminal.api.execute({ type: 'session.begin', service: 'outpatient' });
    const error = await shown;
    assert.equal(error.step, 'error');
    assert.equal(error.error?.code, 'card-mismatch');
    assert.equal(error.bill, null);
    await terminal.api.execute({ type: 'session.reset' });
  });

  it('a code the library refuses leaves the patient on the identify step with what to do', async () => {
    lib.setMode('refused');
    const notice = nextStep(terminal, (s) => s.step === 'identify' && s.notice != null, WAIT);
    await terminal.api.execute({ type: 'session.begin', service: 'outpatient' });
    assert.equal((await notice).notice?.code, 'qr-expired');
    await terminal.api.execute({ type: 'session.reset' });
  });
});
