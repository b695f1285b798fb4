// A scripted TerminalApi for the web host's own tests: steps a SessionView through
// idle -> identify -> identifying -> loading-bill -> presettling -> confirm -> settling -> receipt
// with fixed amounts, so host and UI tests run without the real core. Not used in production.
import type { Command, CommandResult, SessionView, Split, TerminalApi, TerminalEvent, TerminalStatus } from '../api/schema';

/** 1,234.56 yuan split so every payer has a distinct, non-zero amount. */
export const scriptedSplit: Split = {
  totalFen: 123456,
  fundFen: 80000,
  basicFundFen: 70000,
  criticalIllnessFen: 6000,
  medicalAidFen: 4000,
  otherFundFen: 0,
  personalAccountFen: 30000,
  familyAccountFen: 3456,
  cashFen: 10000,
};

export const scriptedBill = {
  items: [
    { name: '阿莫西林胶囊', quantity: '2盒', amountFen: 3456 },
    { name: '血常规', quantity: '1次', amountFen: 20000 },
    { name: 'CT 平扫', quantity: '1次', amountFen: 100000 },
  ],
  totalFen: 123456,
};

const idle: SessionView = {
  revision: 0,
  step: 'idle',
  service: null,
  settlementId: null,
  patient: null,
  bill: null,
  split: null,
  receipt: null,
  pending: null,
  error: null,
  directed: null,
};

export interface ScriptedApi extends TerminalApi {
  readonly commands: Command[];
  session(): SessionView;
  setStatus(patch: Partial<TerminalStatus>): void;
  /** Holds each command's answer this long after its events went out, as a busy host does. */
  setAnswerDelay(ms: number): void;
}

/** `stepDelayMs` spaces the automatic steps so a browser can see the progress screens. */
export function createScriptedApi(opts: { stepDelayMs?: number } = {}): ScriptedApi {
  const delay = opts.stepDelayMs ?? 5;
  const listeners = new Set<(event: TerminalEvent) => void>();
  const commands: Command[] = [];
  let session: SessionView = idle;
  let status: TerminalStatus = {
    terminalId: 'KIOSK-TEST-01',
    platformOnline: true,
    outboxPending: 0,
    devices: [{ id: 'qr0', kind: 'qr-scanner', state: 'ready', lastDataAt: null, errorCount: 0, lastError: null }],
  };
  let generation = 0;
  let answerDelayMs = 0;

  const emit = (event: TerminalEvent): void => {
    for (const listener of listeners) listener(event);
  };
  let revision = 0;
  const moveTo = (next: SessionView): void => {
    session = { ...next, revision: ++revision };
    emit({ type: 'session', session });
  };
  /** Runs the automatic steps unless a reset came in between. */
  const later = (steps: Array<() => SessionView>): void => {
    const mine = generation;
    let index = 0;
    const tick = (): void => {
      const step = steps[index++];
      if (step === undefined || mine !== generation) return;
      moveTo(step());
      setTimeout(tick, delay);
    };
    setTimeout(tick, delay);
  };
  const ok = (): CommandResult => ({ ok: true, session, status });
  const fail = (code: string, message: string): CommandResult => ({ ok: false, error: { code, message } });

  return {
    commands,
    session: () => session,
    setStatus(patch) {
      status = { ...status, ...patch };
      emit({ type: 'status', status });
    },
    setAnswerDelay(ms) {
      answerDelayMs = ms;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async execute(command) {
      const result = answer(command);
      if (answerDelayMs > 0) await new Promise((r) => setTimeout(r, answerDelayMs));
      return result;
    },
  };

  function answer(command: Command): CommandResult {
    commands.push(command);
    switch (command.type) {
      case 'status.get':
        return ok();
      case 'admin.overview':
      case 'admin.retry':
      case 'admin.cancel':
      case 'admin.forward':
      case 'admin.simFaults':
      case 'admin.reconcile':
      case 'admin.integrityCheck':
      case 'admin.refund':
      case 'admin.creditRepaid':
      case 'bedside.list':
      case 'bedside.begin':
        return fail('admin-pin', '管理密码不正确 / Wrong staff PIN');
      case 'session.selfPay':
      case 'history.begin':
      case 'history.print':
      case 'history.repay':
      case 'history.repayFor':
      case 'session.confirmOffline':
        return fail('not-now', '本机演示不提供查询 / No past payments in this demo');
      case 'camera.frame':
        return ok();
      case 'rehearsal.people':
      case 'rehearsal.present':
      case 'rehearsal.newBill':
      case 'rehearsal.reset':
        return fail('admin-refused', '本机演示没有模拟器 / No simulators in this demo');
      case 'session.retry':
      case 'face.staffConfirm':
      case 'face.enrol':
        return fail('wrong-step', '本机演示不提供刷脸 / No face payment in this demo');
      case 'session.reset':
        generation++;
        moveTo(idle);
        return ok();
      case 'session.begin':
        if (session.step !== 'idle') return fail('busy', '请先完成当前业务 / Finish the current visit first');
        moveTo({ ...idle, step: 'identify', service: command.service });
        return ok();
      case 'credential.text': {
        if (session.step !== 'identify') return fail('not-now', '现在不需要扫码 / No scan needed now');
        if (command.text.startsWith('BAD')) {
          moveTo({ ...session, step: 'error', error: { code: 'unknown-credential', message: '无法识别此医保码，请重新出示' } });
          return ok();
        }
        const base = { ...session, settlementId: 'S-0001' };
        moveTo({ ...base, step: 'identifying' });
        const patient = { maskedName: '张*', gender: 'male' as const, age: 42, insuranceLabel: '职工医保', crossRegion: false };
        later([
          () => ({ ...base, step: 'loading-bill', patient }),
          () => ({ ...base, step: 'presettling', patient, bill: scriptedBill }),
          () => ({ ...base, step: 'confirm', patient, bill: scriptedBill, split: scriptedSplit }),
        ]);
        return ok();
      }
      case 'session.confirm': {
        if (session.step !== 'confirm' || command.settlementId !== session.settlementId) {
          return fail('not-now', '此单已处理 / This bill was already handled');
        }
        const base = session;
        moveTo({ ...base, step: 'settling' });
        later([
          () => ({
            ...base,
            step: 'receipt',
            receipt: {
              settlementId: 'S-0001',
              platformSettlementId: 'SETL-9',
              settledAt: '2025-01-02T03:04:05.000Z',
              split: scriptedSplit,
              balanceAfterFen: 500000,
            },
          }),
        ]);
        return ok();
      }
    }
  }
}
