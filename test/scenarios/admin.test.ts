// The staff surface through the same API the screens use: PIN checked in the core with a lockout,
// the queue with ages and errors, forwarding now, and a daily reconciliation that balances against
// the platform's books, and says which visits to look at when it does not.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseConfig } from '../../terminal/config/config';
import { startTerminal, type RunningTerminal } from '../../terminal/app/start-terminal';
import { hashPin } from '../../terminal/staff/staff-pin';
import { createPlatformClient } from '../../terminal/insurance/client';
import { simEnvelopeContext } from '../../terminal/sim/platform/context';
import { nothingOpenAfterEach } from '../../terminal/testing/open-things.testkit';

const fixturesDir = resolve(import.meta.dirname, '..', '..', 'fixtures');
const PIN = '482915';

describe('admin commands', () => {
  const open = nothingOpenAfterEach();
  let terminal: RunningTerminal;
  before(async () => {
    terminal = await startTerminal({
      config: parseConfig({
        terminal: { institutionCode: simEnvelopeContext.fixmedins_code, areaCode: simEnvelopeContext.mdtrtarea_admvs },
        admin: { pinScrypt: hashPin(PIN) },
        devices: [],
        settlement: { replayIntervalMs: 60_000 },
      }),
      dataDir: mkdtempSync(join(tmpdir(), 'admin-')),
      fixturesDir,
    });
    open.track(terminal, { pin: PIN });
  });
  after(() => terminal?.close());

  const pay = async (person: string, downAtConfirm = false) => {
    await terminal.api.execute({ type: 'session.begin', service: 'outpatient' });
    const atConfirm = await terminal.api.execute({ type: 'credential.text', text: terminal.simulators.platform!.mintEcQr(person) });
    assert.ok(atConfirm.ok && atConfirm.session.step === 'confirm', JSON.stringify(atConfirm));
    if (downAtConfirm) terminal.simulators.platform!.setFaults({ rules: [{ kind: 'reset-before' }] });
    const settled = await terminal.api.execute({ type: 'session.confirm', settlementId: atConfirm.session.settlementId! });
    await terminal.api.execute({ type: 'session.reset' });
    return { settled, settlementId: atConfirm.session.settlementId! };
  };
  let settledId = '';

  it('queues a visit the platform could not take, shows its age and error, and forwards it on demand', async () => {
    const { settled: result, settlementId } = await pay('employee', true);
    settledId = settlementId;
    assert.ok(result.ok);
    assert.equal(result.session.step, 'pending');
    const overview = await terminal.api.execute({ type: 'admin.overview', pin: PIN });
    assert.ok(overview.ok && overview.admin);
    assert.equal(overview.admin.queue.length, 1);
    assert.equal(overview.admin.replay.queuedVisits, 1);
    assert.equal(overview.admin.queue[0]?.state, 'query-pending', 'a settlement sent into the outage is looked up (5203) before anything else');
    assert.match(overview.admin.queue[0]?.lastError ?? '', /connection/);
    assert.doesNotMatch(JSON.stringify(overview.admin), /测试|3301021980/, 'no patient names or ID numbers on the admin screen');

    terminal.simulators.platform!.setFaults({ rules: [] });
    const forwarded = await terminal.api.execute({ type: 'admin.forward', pin: PIN });
    assert.ok(forwarded.ok && forwarded.admin);
    assert.equal(forwarded.admin.queue.length, 0);
    assert.equal(forwarded.admin.today.settledCount, 1);
    assert.equal(terminal.simulators.platform!.ledger().settlements.filter((s) => s.status === 'settled').length, 1);
  });

  it('reconciles the day: balanced, then not, naming the visits to check', async () => {
    await pay('resident');
    const balanced = await terminal.api.execute({ type: 'admin.reconcile', pin: PIN });
    assert.ok(balanced.ok && balanced.admin?.reconciliation);
    assert.equal(balanced.admin.reconciliation.balanced, true, JSON.stringify(balanced.admin.reconciliation));
    assert.equal(balanced.admin.reconciliation.groups.reduce((n, g) => n + g.count, 0), 2);

    // Someone cancels the resident's settlement at the platform, behind the terminal's back.
    const platform = terminal.simulators.platform!;
    const victim = platform.ledger().settlements.find((s) => s.status === 'settled' && s.insutype === '390')!;
    // A bare 2208 at another window takes back the settlement only: the registration and its fee
    // lines stay open on the platform, that window's to undo, not this terminal's.
    const elsewhere = 'the settlement was cancelled (2208) at another window behind the terminal';
    open.expect({ kind: 'registration', psnNo: victim.psnNo, reason: elsewhere });
    open.expect({ kind: 'fee-line', psnNo: victim.psnNo, count: 2, reason: elsewhere });
    const client = createPlatformClient({ baseUrl: platform.url, context: simEnvelopeContext, timeoutMs: 5_000 });
    const cancel = await client.call({ infno: '2208', msgid: `${simEnvelopeContext.fixmedins_code}202601010000009999`, input: { data: { setl_id: victim.setlId, mdtrt_id: victim.mdtrtId, psn_no: victim.psnNo } }, insuplcAdmdvs: '330100' });
    assert.equal(cancel.kind, 'ok', JSON.stringify(cancel));
    const unbalanced = await terminal.api.execute({ type: 'admin.reconcile', pin: PIN });
    assert.ok(unbalanced.ok && unbalanced.admin?.reconciliation);
    const rec = unbalanced.admin.reconciliation;
    assert.equal(rec.balanced, false);
    const bad = rec.groups.filter((g) => !g.balanced);
    assert.equal(bad.length, 1);
    assert.equal(bad[0]?.insutype, '390');
    assert.equal(bad[0]?.settlementIds.length, 1);
    assert.match(bad[0]?.detail ?? '', /不平/);
  });

  it('refuses a cancel that would undo a settled visit', async () => {
    const settled = await terminal.api.execute({ type: 'admin.cancel', pin: PIN, settlementId: settledId, reason: 'patient asked' });
    assert.ok(!settled.ok && settled.error.code === 'admin-refused', JSON.stringify(settled));
    const unknown = await terminal.api.execute({ type: 'admin.retry', pin: PIN, settlementId: 'no-such-visit', reason: 'typo' });
    assert.ok(!unknown.ok && unknown.error.code === 'admin-refused');
  });

  it('lists a cancelled visit until its undo (2205, 2202) reaches the platform', async () => {
    const platform = terminal.simulators.platform!;
    await terminal.api.execute({ type: 'session.begin', service: 'outpatient' });
    const atConfirm = await terminal.api.execute({ type: 'credential.text', text: platform.mintEcQr('cross-region') });
    assert.ok(atConfirm.ok && atConfirm.session.step === 'confirm');
    platform.setFaults({ rules: [{ kind: 'reset-before', infnos: ['2205', '2202'] }] });
    await terminal.api.execute({ type: 'session.reset' });
    await terminal.api.execute({ type: 'admin.forward', pin: PIN });
    const stuck = await terminal.api.execute({ type: 'admin.overview', pin: PIN });
    assert.ok(stuck.ok && stuck.admin);
    const item = stuck.admin.queue.find((q) => q.settlementId === atConfirm.session.settlementId);
    assert.equal(item?.state, 'cancelled');
    assert.match(item?.lastError ?? '', /connection/);
    platform.setFaults({ rules: [] });
    const forwarded = await terminal.api.execute({ type: 'admin.forward', pin: PIN });
    assert.ok(forwarded.ok && forwarded.admin);
    assert.equal(forwarded.admin.queue.length, 0);
    const visit = platform.ledger().visits.find((v) => v.psnNo === '51000000000000000103');
    assert.equal(visit?.status, 'cancelled', 'no registration left open on the platform');
  });

  it('checks the PIN in the core and locks out after five wrong ones', async () => {
    const wrong = await terminal.api.execute({ type: 'admin.overview', pin: '000000' });
    assert.ok(!wrong.ok && wrong.error.code === 'admin-pin');
    for (let i = 0; i < 4; i++) await terminal.api.execute({ type: 'admin.overview', pin: '111111' });
    const locked = await terminal.api.execute({ type: 'admin.overview', pin: PIN });
    assert.ok(!locked.ok && locked.error.code === 'admin-locked', 'even the right PIN waits out the lockout');
  });
});
