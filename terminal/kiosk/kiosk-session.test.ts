// The kiosk session's answers and its record of failures, on stubs: a command a step does not take
// is refused with 'wrong-step', and what a flow throws is logged and recorded with its cause (no
// longer a silent 'internal').
import { describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import type { SessionView } from '../api/schema';
import { createKioskSession, type KioskSessionOptions } from './kiosk-session';
import { userError } from '../common/user-errors';

function sessionOn(overrides: Partial<KioskSessionOptions> = {}) {
  const views: SessionView[] = [];
  const session = createKioskSession({
    // A journal and platform that throw on any use: the identify call breaks.
    identity: { journal: {} as never, platform: {} as never, ecBusinessType: '01301', ecDeviceType: 'SelfService' },
    his: {} as never,
    engine: { journalHealth: () => ({ state: 'ok', error: null, since: null }) } as never,
    usePersonalAccount: true,
    areaCode: '330100',
    journal: {} as never,
    offline: { enabled: false, maxPerPatientFen: 0, maxTotalFen: 0, maxAgeHours: 0, personCacheDays: 0 },
    waitForDrain: async () => true,
    onChange: (v) => views.push(v),
    ...overrides,
  });
  return { session, views };
}

describe('kiosk session results and failures', () => {
  it('refuses with one typed result what the current step does not take', async () => {
    const { session } = sessionOn();
    assert.deepEqual(await session.confirm('S1'), { ok: false, error: { code: 'wrong-step', message: '操作已过期，请重新开始。' } });
    assert.equal(session.enrolFace().ok, false);
    assert.equal(session.staffConfirmFace().ok, false);
    assert.equal((await session.idCard({ idNo: 'x', name: 'y' })).ok, false, 'no card is read on the attract screen');
    assert.equal(session.begin('outpatient').ok, true);
    assert.equal(session.current().step, 'identify');
    assert.equal(session.historyPrinted('S1').ok, false);
  });

  it('takes no payment while the journal is being checked after the start, or was found damaged, and says which', () => {
    for (const state of ['journal-checking', 'journal-damaged'] as const) {
      const { session } = sessionOn({ engine: { journalHealth: () => ({ state, error: null, since: null }) } as never });
      assert.deepEqual(session.begin('outpatient'), { ok: false, error: userError(state) });
      assert.equal(session.current().step, 'idle');
    }
  });

  it('records what a flow throws, with its cause, and sends the patient to the counter', async () => {
    const logged = mock.method(console, 'error', () => undefined);
    try {
      const { session, views } = sessionOn();
      session.begin('outpatient');
      const result = await session.idCard({ idNo: '33010219800101123X', name: '测试' });
      assert.equal(result.ok, true, 'the command was taken; its outcome is on the screen');
      assert.equal(session.current().step, 'error');
      assert.equal(session.current().error?.code, 'internal');
      assert.deepEqual(
        views.map((v) => v.step),
        ['identify', 'identifying', 'error'],
      );
      const [failure] = session.failures();
      assert.equal(failure?.code, 'internal');
      assert.equal(failure?.step, 'identifying');
      assert.equal(failure?.shown, true);
      assert.match(failure!.cause, /TypeError/);
      assert.equal(logged.mock.callCount(), 1);
      const line = String(logged.mock.calls[0]!.arguments[0]);
      assert.match(line, /identify by id-card/);
      assert.doesNotMatch(line, /33010219800101123X|测试/, 'no ID number or name in the log');
    } finally {
      logged.mock.restore();
    }
  });

  it('records a failure of a pass that ended without touching the new one', async () => {
    const logged = mock.method(console, 'error', () => undefined);
    try {
      const { session } = sessionOn({
        identity: {
          journal: {} as never,
          platform: {} as never,
          ecBusinessType: '01301',
          ecDeviceType: 'SelfService',
          now: () => {
            throw new Error('clock broke');
          },
        },
      });
      session.begin('outpatient');
      // The identify call fails after the patient walked away (reset runs before it settles).
      const pending = session.ssCard({ cardNo: 'C', cardSn: 'S', idNo: 'x', name: 'y' });
      await session.reset();
      await pending;
      assert.equal(session.current().step, 'idle', 'the new pass is not overwritten');
      assert.equal(session.failures().at(-1)?.shown, false);
    } finally {
      logged.mock.restore();
    }
  });
});
