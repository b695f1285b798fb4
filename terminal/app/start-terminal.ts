// Starts the terminal core the same way under every host: the simulators when the config says
// embedded, the platform and HIS clients, the journal, the settlement engine, the devices, and the
// one TerminalApi that hosts carry. Returns a handle that stops all of it.
import type { Command, CommandResult, SimFaultPreset, DeviceHealth, SessionView, TerminalApi, TerminalEvent, TerminalStatus } from '../api/schema';
import { hisRegistersAdmissions, type TerminalConfig } from '../config/config';
import { createPlatformClient, type PlatformClient } from '../insurance/client';
import { formatMsgid } from '../insurance/msgid';
import { createHisClient } from '../his/client';
import { openJournal } from '../journal/journal';
import { journalFiles } from '../journal/storage';
import { checkPagesAfterStart, walkPagesAtOpen } from '../journal/page-check';
import { closedCleanSinceWalk, readWalkStamp, stampCleanClose, walkIsStale, writeWalkStamp } from '../journal/walk-stamp';
import { lockDataFolder } from '../journal/data-lock';
import { createSettlementEngine, StaffActionError, type JournalHealth } from '../settlement/engine';
import { StaffActionRefused, StaleTransitionError } from '../journal/journal';
import { createAdmin } from '../staff/admin';
import { createStaffPins, type StaffRole } from '../staff/staff-pin';
import { scheduleDailyReconciliation } from '../staff/daily-reconciliation';
import { createReplayWorker } from '../settlement/replay-worker';
import { localDayRange } from '../settlement/reconcile';
import { callThroughOutbox } from '../outbox/outbox-send';
import { trackReachability } from './reachability';
import { watchPlatform } from './platform-watch';
import { signerFromConfig } from './platform-signer';
import { startPlatformSimulator, type PlatformSimulator } from '../sim/platform/server';
import { startHisSimulator } from '../sim/his/server';
import { createKioskSession } from '../kiosk/kiosk-session';
import { CLAIM_TTL_SECONDS, createBillClaims } from '../kiosk/bill-claim';
import { createFaceService } from '../face/face-service';
import { configCheck, type JournalUpkeep } from '../staff/config-check';
import { simFaultPlans } from './sim-faults';
import { executeRehearsal } from './rehearsal-commands';
import { createRehearsal } from '../sim/rehearsal';
import { startDevices, type RunningDevices, type StartVendorWorker } from './devices';
import { userError } from '../common/user-errors';
import { createInRoomRequests, type InRoomRequests } from '../kiosk/in-room-requests';
import { startInRoomServer } from '../host/in-room/in-room-server';
import { maskName } from '../identity/resolve';
import { createQueueEvents } from '../staff/queue-events';
import { reprintReceipt } from '../kiosk/history';
import { withMobilePay } from '../insurance/mobile-pay';
import { mobilePayFromConfig } from './mobile-pay-client';
import { selfPayOptions } from './self-pay-options';
import { createPayLinkPush } from './pay-link-push';
import { createAlertWatch, type AlertRule } from '../staff/alerts';
import { join } from 'node:path';
import { createLogger, errorFields, type Logger } from './logger';
import type { TerminalMetrics } from './metrics';
import { trackHisReachability } from './reachability';
import { setErrorSink } from '../common/report-error';
import { openStates } from '../common/settlement-states';

export interface StartOptions {
  config: TerminalConfig;
  dataDir: string;
  fixturesDir: string;
  now?: () => Date;
  /** The host's logger; by default a JSON-lines log in <dataDir>/logs as config.log says. */
  logger?: Logger;
  /** The build's version for the metrics (the packaged app's package.json version). */
  version?: string;
  /** How vendor libraries' processes start: the Electron host gives utilityProcess (its RunAsNode fuse is off). */
  startVendorWorker?: StartVendorWorker;
  /**
   * A journal up to this size (database and WAL) has its pages walked at open, as ever; a larger one
   * after the start, with payments held until the walk passes (PAGE_WALK_AT_OPEN_MAX_BYTES, 32 MB,
   * by default). Tests give 0 to walk every journal after.
   */
  pageWalkAtOpenMaxBytes?: number;
}

/** Staff commands that send or write money: held while the journal is being checked or found damaged. */
const MOVES_MONEY = new Set<Command['type']>(['admin.retry', 'admin.cancel', 'admin.forward', 'admin.reconcile', 'admin.refund', 'admin.creditRepaid']);

export interface RunningTerminal {
  api: TerminalApi;
  /** The embedded simulators, when the config runs them (hospital IT and tests read their ledgers). */
  simulators: { platform: PlatformSimulator | null; hisUrl: string | null };
  /** The in-room API (诊间支付) when the config enables it. */
  inRoom: { url: string; connections(): { open: number; refused: number } } | null;
  /** 电子哨兵: alerts so far by rule (every rule present), for a metrics endpoint. */
  alertCounts(): Record<AlertRule, number>;
  /** The Prometheus endpoint when config.metrics.port is set. */
  metrics: { url: string } | null;
  /**
   * Settles when the journal takes payments: 'ok' at once for a journal walked at open, else when the
   * walk after the start passed; 'journal-damaged' when it found damage (the status says what). Never
   * settles when the terminal is closed first.
   */
  journalChecked: Promise<'ok' | 'journal-damaged'>;
  /**
   * The large journal's page walk after the start: the same as journalChecked when it holds payments;
   * in the background after a clean close ('journal-damaged' then stops payments too); 'not walked'
   * when the journal was walked at open or its last walk, clean since, is under a day old.
   */
  journalWalked: Promise<'ok' | 'journal-damaged' | 'not walked'>;
  logger: Logger;
  close(): Promise<void>;
}

export async function startTerminal(options: StartOptions): Promise<RunningTerminal> {
  const { config } = options;
  const stops: Array<() => Promise<void> | void> = [];
  const logger = options.logger ?? createLogger({ dir: join(options.dataDir, 'logs'), level: config.log.level, maxBytes: config.log.maxBytes, keep: config.log.keep });
  let metrics: TerminalMetrics | null = null;
  // Errors caught so the terminal keeps going still reach the log (and a counter), with their cause.
  const restoreSink = setErrorSink((where, err) => {
    logger.error(`caught in ${where}`, { where, ...errorFields(err) });
    metrics?.countSwallowedError(where);
  });
  stops.push(restoreSink);
  try {
    const platformSim =
      config.platform.mode === 'embedded-sim' ? await startPlatformSimulator({ fixturesDir: options.fixturesDir }) : null;
    if (platformSim) stops.push(() => platformSim.close());
    const hisSim = config.his.mode === 'embedded-sim' ? await startHisSimulator({ fixturesDir: options.fixturesDir }) : null;
    if (hisSim) stops.push(() => hisSim.close());

    const platformUrl = config.platform.mode === 'remote' ? config.platform.baseUrl : (platformSim as PlatformSimulator).url;
    const hisUrl = config.his.mode === 'remote' ? config.his.baseUrl : (hisSim as { url: string }).url;

    const reachability = trackReachability(
      createPlatformClient({
      baseUrl: platformUrl,
      timeoutMs: config.platform.timeoutMs,
      signer: signerFromConfig(config.platform.signer),
      context: {
        mdtrtarea_admvs: config.terminal.areaCode,
        recer_sys_code: config.platform.recerSysCode,
        dev_no: config.terminal.deviceNo,
        dev_safe_info: '',
        cainfo: '',
        signtype: '',
        infver: config.platform.infver,
        opter_type: config.terminal.operatorType,
        opter: config.terminal.id,
        opter_name: config.terminal.name,
        fixmedins_code: config.terminal.institutionCode,
        fixmedins_name: config.terminal.institutionName,
      },
      }),
      (infno, seconds, outcome) => metrics?.observePlatformCall(infno, seconds, outcome),
    );
    // 一码付 (6201-6401) travels the same outbox as callService, so the engine gets one client for both.
    const platform: PlatformClient = withMobilePay(reachability.client, mobilePayFromConfig(config, platformUrl, platformSim ?? null));
    const hisReachability = trackHisReachability(createHisClient({ baseUrl: hisUrl, timeoutMs: config.his.timeoutMs }));
    const his = hisReachability.client;
    // One process per data folder, taken before the journal is opened; released last on close.
    const folderLock = lockDataFolder(options.dataDir);
    stops.unshift(() => folderLock.release());
    // A large journal's page walk runs in a worker after the start (every other check at open
    // still refuses before the first write; the walk starts below, once the rest is up); until it
    // passes the engine takes no visit and sends nothing, and what waits on it (recovery of calls
    // left in flight, HIS claims, the platform watch, backups, retention, reconciliation) starts
    // only then.
    const files = journalFiles(options.dataDir);
    const largeJournal = !walkPagesAtOpen(files, options.pageWalkAtOpenMaxBytes);
    // A large journal closed cleanly since its last walk passed opens to payments at once; its walk
    // runs in the background when a day old (walk-stamp.ts). Otherwise payments wait for the walk.
    const stamp = largeJournal ? readWalkStamp(files, (why) => logger.warn('journal walk stamp unreadable: the walk holds payments', { component: 'journal', why })) : null;
    const walkHoldsPayments = largeJournal && !closedCleanSinceWalk(files, stamp);
    const startedAt = options.now?.() ?? new Date();
    const walkInBackground = largeJournal && !walkHoldsPayments && walkIsStale(stamp!.walkedAt!, startedAt);
    const walkAfterStart = walkHoldsPayments || walkInBackground;
    // Before the journal's first write: a crash from here on leaves no clean close.
    let walkedAt: string | null = largeJournal && !walkHoldsPayments ? stamp!.walkedAt : null;
    writeWalkStamp(files, { walkedAt, closedClean: null });
    /** A write failed or damage was found since the start: the close is not stamped clean. */
    let journalTrouble = false;
    let journalClosed = false;
    // Runs after journal.close (stops run in reverse).
    stops.push(() => {
      if (journalClosed && !journalTrouble) stampCleanClose(files, walkedAt, (options.now?.() ?? new Date()).toISOString());
    });
    const journal = openJournal({ dataDir: options.dataDir, institutionCode: config.terminal.institutionCode, msgidSlot: config.terminal.msgidSlot, formatMsgid, now: options.now, checkPages: !largeJournal });
    if (!largeJournal) walkedAt = startedAt.toISOString();
    stops.push(() => {
      journal.close();
      journalClosed = true;
    });
    let journalPassed = !walkHoldsPayments;
    const whenPassed: Array<[what: string, run: () => void]> = [];
    /** Runs `run` once the journal passed its page walk (now, for a journal walked at open). */
    const afterJournalPassed = (what: string, run: () => void) => {
      if (journalPassed) run();
      else whenPassed.push([what, run]);
    };

    const listeners = new Set<(event: TerminalEvent) => void>();
    const emit = (event: TerminalEvent) => {
      for (const l of listeners) {
        try {
          l(event);
        } catch (err) {
          // One broken subscriber (a closed socket) must not stop the others.
          logger.warn('event subscriber failed', errorFields(err));
        }
      }
    };
    let devices: RunningDevices | null = null;
    // The kiosk window's camera feeds QR decoding only through a camera device with source push.
    const hasHostCamera = config.devices.some((d) => {
      const entry = d as { kind?: unknown; source?: { type?: unknown } };
      return entry.kind === 'camera' && entry.source?.type === 'push';
    });
    let lastPrint: TerminalStatus['lastPrint'] = null;
    let journalHealth: JournalHealth = walkHoldsPayments ? { state: 'journal-checking', error: null, since: (options.now?.() ?? new Date()).toISOString() } : { state: 'ok', error: null, since: null };
    const status = (): TerminalStatus => ({
      terminalId: config.terminal.id,
      platformOnline: reachability.online(),
      offlineCapture: config.settlement.offline.enabled && config.devices.some((d) => (d as { kind?: unknown }).kind === 'id-card'),
      outboxPending: journal.openOutboxCount(),
      windowCameraQr: hasHostCamera,
      lastPrint,
      devices: devices?.health() ?? ([] as DeviceHealth[]),
      journal: journalHealth,
    });
    const emitStatus = () => emit({ type: 'status', status: status() });

    reachability.onChange(emitStatus);

    const queueEvents = createQueueEvents({ journal, emit, now: options.now });
    // One bill, one payment across kiosks: each bill is claimed at the HIS before its visit opens
    // (kiosk/bill-claim.ts). The long hold covers an offline capture's wait and an unknown outcome's query.
    const claims = createBillClaims({
      his,
      journal,
      terminalId: config.terminal.id,
      ttlSeconds: CLAIM_TTL_SECONDS,
      holdSeconds: Math.min(7 * 86_400, Math.max(3_600, config.settlement.offline.maxAgeHours * 3_600, Math.ceil(config.settlement.unknownOutcomeDeadlineMs / 1000))),
      now: options.now,
    });
    stops.push(() => claims.close());
    const engine = createSettlementEngine({
      journal,
      platform,
      his: claims.paidNotice(his),
      hisRegistersAdmissions: hisRegistersAdmissions(config),
      // An offline capture's bill is claimed again before its 2207: it may be paid elsewhere by now.
      deferredSettleGuard: (billId) => claims.deferredSettle(billId),
      now: options.now,
      unknownOutcomeDeadlineMs: config.settlement.unknownOutcomeDeadlineMs,
      stepTimeoutMs: config.settlement.stepTimeoutMs,
      onChange: (visit) => {
        claims.onVisit(visit);
        queueEvents.visit(visit);
      },
      onJournalHealth: (health) => {
        journalHealth = health;
        // A failed write may be the disk itself: the next start walks the pages before payments.
        if (health.state === 'journal-write-failed' || health.state === 'journal-damaged') journalTrouble = true;
        emitStatus();
      },
      journalChecking: walkHoldsPayments,
      // A settling answer that failed its check: the visit is in the staff queue; the log says why (no patient data).
      onAlert: (a) => console.error(`ALERT settlement ${a.settlementId}: settling answer not believed (${a.check}): ${a.detail}`),
    });
    afterJournalPassed('renewing HIS claims', () => void claims.resume());
    // A call a previous run left in flight has an unknown outcome; the worker then finishes every
    // queued visit in the background, so a cold start while offline is as quick as any other.
    afterJournalPassed('recovering calls left in flight', () => engine.recoverInFlight());
    // One probe for the replay worker (while visits wait) and the platform watch (while idle); the
    // staff screen's "last probe" is whichever asked last.
    let lastProbeOk: boolean | null = null;
    // Only the newest probe's row is kept (the staff screen can read it): a probe is no visit's record.
    let lastProbeRow: number | null = null;
    const probePlatform = async (): Promise<boolean> => {
      const outcome = await callThroughOutbox(journal, platform, {
        step: 'probe',
        infno: '9001',
        input: { signIn: { opter_no: config.terminal.id, mac: '', ip: '' } },
      });
      if (lastProbeRow !== null) journal.forgetFinishedCall(lastProbeRow);
      lastProbeRow = outcome.outboxId;
      lastProbeOk = outcome.kind !== 'unknown';
      return lastProbeOk;
    };
    const replay = createReplayWorker({
      engine,
      online: reachability.online,
      probe: probePlatform,
      intervalMs: config.settlement.replayIntervalMs,
      concurrency: config.settlement.replayConcurrency,
      onState: (state) => {
        emitStatus();
        queueEvents.replay(state);
      },
    });
    replay.start();
    stops.push(() => replay.stop());
    // The watch's probe is a journaled call: not sent from a journal not yet walked.
    afterJournalPassed('watching the platform', () => {
      const watch = watchPlatform({
        probe: probePlatform,
        lastOutcomeAt: reachability.lastOutcomeAt,
        intervalMs: config.settlement.replayIntervalMs,
        onError: (err) => logger.warn('platform probe failed', errorFields(err)),
      });
      stops.push(() => watch.stop());
    });

    let inRoomRequests: InRoomRequests | null = null;
    const faceService = config.face.enabled ? createFaceService({ journal, frameTimeoutMs: config.face.frameTimeoutMs }) : null;
    if (faceService) stops.push(() => faceService.close());
    const alertWatch = createAlertWatch({ journal, config: config.alerts, now: options.now });
    // The models load now, not while the first patient waits; a model that cannot load is in the log
    // at start (a packaged app with a path wrong shows here), and the service retries on first use.
    if (faceService) {
      faceService.warm().then(
        () => logger.info('face models loaded'),
        (err: unknown) => logger.error('face verification cannot start', errorFields(err)),
      );
    }
    const session = createKioskSession({
      identity: { journal, platform, ecBusinessType: config.platform.ecBusinessType, ecDeviceType: config.platform.ecDeviceType, now: options.now },
      his,
      engine,
      usePersonalAccount: config.settlement.usePersonalAccount,
      selfPay: selfPayOptions(config),
      confirmAmountAboveFen: config.settlement.selfPay.confirmAmountAboveFen,
      areaCode: config.terminal.areaCode,
      journal,
      offline: config.settlement.offline,
      waitForDrain: (ms) => replay.waitForRunningDrain(ms),
      now: options.now,
      onChange: (s: SessionView) => {
        inRoomRequests?.onSession(s);
        emit({ type: 'session', session: s });
      },
      onIdentifyStep: () => devices?.identifyStepReached(),
      face: faceService ? { service: faceService, idCard: config.face.idCard, offerEnrolment: config.face.offerEnrolment } : undefined,
      alerts: alertWatch,
      claims,
    });

    devices = await startDevices({
      config,
      fixturesDir: options.fixturesDir,
      resolveTemplate: async (template, arg) => {
        if (template === 'ec-qr' && platformSim) return platformSim.mintEcQr(arg);
        throw new Error(`fixture template ${template} needs the embedded platform simulator`);
      },
      onScan: (scan) => void session.credential(scan.text, scan.kind),
      onCameraFrame: (frame) => session.cameraFrame(frame),
      onIdCard: (card) => void session.idCard({ idNo: card.idNumber, name: card.name }),
      onSsCard: (card) => void session.ssCard({ cardNo: card.cardNumber, cardSn: card.cardSerial, idNo: card.idNumber, name: card.name }),
      onCardError: (reason) => session.cardReadFailed(reason),
      // A certified vendor library's e-voucher (its own scanner, or 刷脸 on a certified face terminal).
      onEcVoucher: (voucher) => void session.ecVoucher(voucher),
      onEcError: (reason, detail) => session.ecVoucherFailed(reason, detail),
      onHealth: emitStatus,
      startVendorWorker: options.startVendorWorker,
      onConfigError: (device, error) => logger.error('device entry in the config cannot be used', { device, error }),
      onReceiptPrint: (settlementId, state) => {
        lastPrint = { settlementId, state };
        emitStatus();
      },
    });
    stops.push(() => devices?.stop());
    listeners.add((event) => {
      if (event.type === 'session') devices?.sessionChanged(event.session);
    });

    let inRoom: RunningTerminal['inRoom'] = null;
    if (config.inRoom.enabled) {
      const requests = createInRoomRequests({
        his,
        device: {
          current: session.current,
          begin: session.beginDirected,
          reset: session.reset,
          // 医保支付找人: what the patient sends from the pay link goes where a scan or a tap would.
          credential: (text) => session.credential(text, devices?.classify(text) ?? 'unknown'),
          confirm: (settlementId) => session.confirm(settlementId),
        },
        payLinkBase: config.inRoom.payLinkBase,
        ttlMs: config.inRoom.requestTtlSeconds * 1000,
        now: options.now,
        refunded: (settlementId) => journal.settlement(settlementId)?.state === 'refunded',
      });
      inRoomRequests = requests;
      stops.push(() => requests.close());
      const pushConfig = config.inRoom.payLinkPush;
      if (pushConfig) {
        const push = createPayLinkPush({ ...pushConfig });
        listeners.add((event) => {
          if (event.type === 'session') push.sessionChanged(event.session);
        });
        stops.push(() => push.settled());
      }
      const server = await startInRoomServer({
        host: config.inRoom.host,
        port: config.inRoom.port,
        workstations: config.inRoom.workstations,
        ratePerMinute: config.inRoom.ratePerMinute,
        maxBodyBytes: config.inRoom.maxBodyBytes,
        requests,
        onError: (message) => logger.error(`in-room API: ${message}`, { component: 'in-room' }),
      });
      stops.push(() => server.close());
      inRoom = { url: server.url, connections: server.connections };
    }

    const upkeep: JournalUpkeep = { keyFingerprint: journal.keyFingerprint(), integrity: null, lastBackup: null, lastBackupError: null };
    // Backups to the second place the config names: one at start, then on the interval. A failed
    // backup is shown on the staff screen and tried again at the next; close waits for one under way.
    const backupConfig = config.journal.backup;
    if (backupConfig.dir) {
      const dir = backupConfig.dir;
      let running: Promise<void> | null = null;
      const backupNow = () => {
        // A damaged journal's copy must not push the good backups out of the `keep` newest.
        if (running || !journalPassed) return;
        running = journal
          .backup(dir, backupConfig.keep)
          .then((done) => {
            upkeep.lastBackup = done;
            upkeep.lastBackupError = null;
          })
          .catch((err: unknown) => {
            upkeep.lastBackupError = (err as Error).message;
            console.error(`journal backup to ${dir} failed: ${(err as Error).message}`);
          })
          .finally(() => {
            running = null;
          });
      };
      afterJournalPassed('the first backup', backupNow);
      const timer = setInterval(backupNow, backupConfig.intervalMinutes * 60_000);
      timer.unref();
      stops.push(async () => {
        clearInterval(timer);
        await running;
      });
    }
    let metricsServer: { url: string } | null = null;
    if (config.metrics.port !== null) {
      // prom-client (with @opentelemetry/api under it) loads only where metrics are configured.
      const { createMetrics, startMetricsServer } = await import('./metrics');
      const m = createMetrics({
        terminalId: config.terminal.id,
        version: options.version ?? 'dev',
        outboxDepth: () => journal.openOutboxCount(),
        deadLetters: () => journal.settlementsIn(['needs-staff']).length,
        oldestOfflineCaptureAt: () => {
          const at = journal.offlineExposure('', openStates).oldestAt;
          return at ? new Date(at) : null;
        },
        platformOnline: reachability.online,
        hisOnline: hisReachability.online,
        devices: () => devices?.health() ?? [],
        now: options.now,
      });
      metrics = m;
      const server = await startMetricsServer({ host: config.metrics.host, port: config.metrics.port, metrics: m, onError: (err) => logger.error('metrics scrape failed', errorFields(err)) });
      stops.push(() => server.close());
      metricsServer = { url: server.url };
      logger.info('metrics endpoint listening', { url: server.url });
    }

    const ok = (): Extract<CommandResult, { ok: true }> => ({ ok: true, session: session.current(), status: status() });
    const replayForStaff: typeof replay = { ...replay, state: () => ({ ...replay.state(), lastProbeOk }) };
    const admin = createAdmin({ journal, engine, replay: replayForStaff, platform, now: options.now ?? (() => new Date()), onReconciliation: queueEvents.reconciliation });
    // Each role's lockout is kept in the journal: a restart does not give five more tries.
    const staffPins = createStaffPins(
      { adminPinScrypt: config.admin.pinScrypt, nursePinScrypt: config.admin.nursePinScrypt },
      () => (options.now ?? (() => new Date()))().getTime(),
      journal,
    );
    /** Every staff command's first check, in the core, against its role's PIN: null when the PIN is right. */
    const pinRefusal = (pin: string, role: StaffRole = 'admin'): CommandResult | null => {
      const checked = staffPins[role].check(pin);
      if (checked.result === 'ok') return null;
      if (checked.result === 'locked') return { ok: false, error: userError('admin-locked'), lockedMinutes: checked.minutesLeft };
      return { ok: false, error: userError('admin-pin'), triesLeft: checked.triesLeft };
    };
    // Retention: finished visits older than journal.retentionDays, and of a day already reconciled
    // (and balanced) with the platform, go to <data>/archive/ and leave the database. At start, then every 6 hours.
    const retentionDays = config.journal.retentionDays;
    if (retentionDays !== null) {
      const purge = () => {
        if (!journalPassed) return;
        const last = journal.metaValue('last_reconciliation');
        const reconciled = last ? (JSON.parse(last) as { date?: string; balanced?: boolean }) : null;
        if (!reconciled?.date || !reconciled.balanced) return;
        const byAge = (options.now?.() ?? new Date()).getTime() - retentionDays * 86_400_000;
        const cutoff = new Date(Math.min(byAge, Date.parse(localDayRange(reconciled.date).toIso))).toISOString();
        try {
          journal.archiveFinished(cutoff);
        } catch (err) {
          console.error(`journal retention failed: ${(err as Error).message}`);
        }
      };
      const first = setTimeout(purge, 60_000);
      const timer = setInterval(purge, 6 * 3_600_000);
      first.unref();
      timer.unref();
      stops.push(() => {
        clearTimeout(first);
        clearInterval(timer);
      });
    }
    afterJournalPassed('the daily reconciliation', () => {
      const daily = scheduleDailyReconciliation({
        at: config.settlement.reconcileAt,
        now: options.now ?? (() => new Date()),
        // Only the last run's date: the whole overview opens every visit settled today (a second on a busy day).
        last: () => admin.lastReconciliation(),
        run: (date) => admin.reconcile(date),
      });
      stops.push(() => daily.stop());
    });

    // The walk starts once the rest is up: on two busy cores its worker would slow the start it is
    // moved out of. A close stops it, and what its end would start is then not started.
    const pageWalk = walkAfterStart ? checkPagesAfterStart(files) : null;
    let closing = false;
    if (pageWalk) stops.push(() => pageWalk.stop());
    stops.push(() => {
      closing = true;
    });
    upkeep.quickCheck = pageWalk ? (walkHoldsPayments ? 'running after the start' : 'running in the background (closed cleanly since the last walk)') : largeJournal ? `not run: closed cleanly since the last walk, ${walkedAt ?? ''}` : undefined;
    /** Records the walk's verdict in the stamp; a stamp that cannot be written only means the next start walks again. */
    const recordWalk = (passed: boolean) => {
      walkedAt = passed ? (options.now?.() ?? new Date()).toISOString() : null;
      try {
        writeWalkStamp(files, { walkedAt, closedClean: null });
      } catch (err) {
        logger.warn('journal walk stamp not written: the next start walks again', { component: 'journal', ...errorFields(err) });
      }
    };
    const walked: RunningTerminal['journalWalked'] = !pageWalk
      ? Promise.resolve('not walked')
      : pageWalk.result.then((check) => {
          if (closing) return new Promise<never>(() => {});
          if (!check.ok) {
            journalTrouble = true;
            recordWalk(false);
            upkeep.quickCheck = `DAMAGED: ${check.problems.slice(0, 3).join('; ')}`;
            logger.error(`journal damaged: found by the page walk ${walkHoldsPayments ? 'after the start' : 'in the background'}; no payment is taken and nothing is sent`, { component: 'journal', ms: check.ms, problems: check.problems.slice(0, 5), hint: check.message });
            engine.journalChecked({ ok: false, message: check.message });
            return 'journal-damaged';
          }
          recordWalk(true);
          logger.info(walkHoldsPayments ? 'journal pages checked after the start; payments open' : 'journal pages checked in the background', { component: 'journal', ms: check.ms, where: check.where });
          upkeep.quickCheck = `ok after ${check.ms} ms`;
          journalPassed = true;
          for (const [what, run] of whenPassed.splice(0)) {
            try {
              run();
            } catch (err) {
              // As a failure at start would have: the terminal stays shut, and the cause is on the staff screen and in the log.
              logger.error(`journal passed its page walk, then ${what} failed`, { component: 'journal', ...errorFields(err) });
              journalPassed = false;
              engine.journalChecked({ ok: false, message: `${what} failed: ${(err as Error).message}` });
              return 'journal-damaged';
            }
          }
          engine.journalChecked({ ok: true });
          return 'ok';
        })
        .catch((err: unknown) => {
          // Telling the screens failed (a status read on a damaged file): the engine's state stands.
          logger.error('journal page walk: passing on its result failed', { component: 'journal', ...errorFields(err) });
          return engine.journalHealth().state === 'ok' ? 'ok' : 'journal-damaged';
        });
    const journalChecked: RunningTerminal['journalChecked'] = walkHoldsPayments ? (walked as Promise<'ok' | 'journal-damaged'>) : Promise.resolve('ok');

    /** The nurse's bedside commands: the nurses' PIN (or the admin's), checked here, not by the screen. */
    async function executeBedside(command: Extract<Command, { type: 'bedside.list' | 'bedside.begin' }>): Promise<CommandResult> {
      const refused = pinRefusal(command.pin, 'nurse');
      if (refused) return refused;
      let listed;
      try {
        listed = await his.dischargeList(command.type === 'bedside.list' ? command.ward : undefined);
      } catch {
        return { ok: false, error: userError('his-unreachable') };
      }
      const inpatients = listed.map((p) => ({
        billId: p.billId,
        ward: p.ward,
        wardName: p.wardName,
        bed: p.bed,
        maskedName: maskName(p.name),
        admittedAt: p.admittedAt,
        drName: p.drName,
        totalFen: p.totalFen,
      }));
      if (command.type === 'bedside.list') return { ...ok(), bedside: { inpatients } };
      const chosen = listed.find((p) => p.billId === command.billId);
      if (!chosen) return { ok: false, error: userError('bill-not-found') };
      session.beginDirected(
        { origin: 'bedside', requestId: null, requester: chosen.drName, deptName: chosen.wardName, billId: chosen.billId, totalFen: chosen.totalFen, bed: chosen.bed, payLink: null },
        // The discharge list holds discharge bills only: 21 is inpatient (住院) med_type.
        '21',
      );
      return ok();
    }

    // The rehearsal faults staff switched on (the simulator starts with none from here).
    let simFaults: SimFaultPreset = 'none';
    const rehearsal = platformSim && hisSim ? createRehearsal({ fixturesDir: options.fixturesDir, his: hisSim, mintEcQr: (key) => platformSim.mintEcQr(key) }) : null;
    async function executeAdmin(command: Extract<Command, { pin: string }>): Promise<CommandResult> {
      const refused = pinRefusal(command.pin);
      if (refused) return refused;
      // Staff may look (overview, full check) but not move money on a journal not yet walked or found damaged.
      const held = engine.journalHealth();
      if ((held.state === 'journal-checking' || held.state === 'journal-damaged') && MOVES_MONEY.has(command.type)) {
        return { ok: false, error: { code: 'admin-refused', message: held.state === 'journal-checking' ? 'the journal is still being checked after the start; try again when it has passed' : `the journal is damaged: ${held.error ?? ''}` } };
      }
      try {
        switch (command.type) {
          case 'admin.retry':
            await admin.retry(command.settlementId, command.reason);
            break;
          case 'admin.cancel':
            await admin.cancel(command.settlementId, command.reason);
            break;
          case 'admin.forward':
            await admin.forward();
            break;
          case 'admin.reconcile':
            await admin.reconcile(command.date);
            break;
          case 'admin.refund': {
            const { slip } = await admin.refund(command.settlementId, command.reason);
            // The slip is printed when the refund is done; a printer fault is the printer's health, not the refund's.
            if (slip) {
              void devices?.printRefundSlip(slip).then((r) => {
                if (!r.ok) console.error(`refund slip not printed: ${r.reason}`);
              });
            }
            break;
          }
          case 'admin.creditRepaid':
            admin.creditRepaid(command.settlementId, command.reason);
            break;
          case 'admin.overview':
            break;
          case 'admin.integrityCheck':
            upkeep.integrity = { ...journal.integrityCheck(), at: (options.now?.() ?? new Date()).toISOString() };
            break;
          case 'admin.simFaults':
            if (!platformSim) return { ok: false, error: { code: 'admin-refused', message: 'faults are for the embedded simulator; this terminal talks to a real platform' } };
            platformSim.setFaults(simFaultPlans[command.preset]);
            simFaults = command.preset;
            break;
        }
      } catch (err) {
        if (err instanceof StaffActionError || err instanceof StaleTransitionError || err instanceof StaffActionRefused) return { ok: false, error: { code: 'admin-refused', message: err.message } };
        throw err;
      }
      emitStatus();
      const alerts = { recent: alertWatch.recent(50), counts: alertWatch.alertCounts() };
      return { ...ok(), admin: { ...admin.overview(), alerts, config: { ...configCheck(config, upkeep, devices?.health()), simulatorFaults: platformSim ? simFaults : null } } } as CommandResult;
    }
    const api: TerminalApi = {
      async execute(command: Command): Promise<CommandResult> {
        switch (command.type) {
          case 'session.begin': {
            // Refused while the journal holds payments (not writing, being checked, damaged): the screen says why.
            const begun = session.begin(command.service);
            return begun.ok ? ok() : begun;
          }
          case 'credential.text':
            // Text typed on a screen that does not listen for it is dropped, as a stray scan is: not an error to show.
            await session.credential(command.text, devices?.classify(command.text) ?? 'unknown');
            return ok();
          case 'session.confirm': {
            const started = performance.now();
            const result = await session.confirm(command.settlementId, command.method, command.confirmedFen);
            metrics?.observeSettlement((performance.now() - started) / 1000, result.ok && !session.current().error ? 'ok' : 'error');
            return result.ok ? ok() : result;
          }
          case 'session.confirmOffline': {
            const result = await session.confirmOffline(command.billId);
            return result.ok ? ok() : result;
          }
          case 'session.reset':
            await session.reset(command.reason);
            return ok();
          case 'camera.frame': {
            // Decoded only while a step looks: the face step, or the identify step when a camera is
            // configured for QR (source push). A renderer cannot make the core decode at will.
            const step = session.current().step;
            const forQr = step === 'identify' && hasHostCamera;
            if (step !== 'face' && !forQr) return ok();
            // Imported here, not at start: the image decoders (pngjs, jpeg-js) serve only a camera step.
            const { decodeImage } = await import('../../drivers/camera/frame');
            let frame;
            try {
              frame = decodeImage(Buffer.from(command.jpegBase64, 'base64'));
            } catch {
              return { ok: false, error: { code: 'bad-request', message: 'camera frame is not an image' } };
            }
            if (forQr) devices?.cameraFrame(frame);
            else session.cameraFrame(frame);
            return ok();
          }
          case 'face.staffConfirm': {
            const badPin = pinRefusal(command.pin, 'nurse');
            if (badPin) return badPin;
            if (session.current().error?.code !== 'face-needs-staff') return { ok: false, error: userError('wrong-step') };
            try {
              // The audit row first: a confirmation that cannot be recorded is not given.
              const audit = { at: (options.now?.() ?? new Date()).toISOString(), outcome: 'staff-verified', reason: command.reason };
              journal.recordFaceAudit(audit);
            } catch {
              return { ok: false, error: { code: 'bad-request', message: 'the reason must not carry an ID number or a name' } };
            }
            const result = session.staffConfirmFace();
            return result.ok ? ok() : result;
          }
          case 'face.enrol': {
            const result = session.enrolFace();
            return result.ok ? ok() : result;
          }
          case 'status.get':
            return ok();
          case 'session.selfPay': {
            const result = await session.changeSelfPay(command.settlementId, { usePersonalAccount: command.usePersonalAccount, familyPayer: command.familyPayer });
            return result.ok ? ok() : result;
          }
          case 'bedside.list':
          case 'bedside.begin':
            return executeBedside(command);
          case 'history.begin':
            session.beginHistory();
            return ok();
          case 'session.retry': {
            const result = session.retryDirected();
            return result.ok ? ok() : result;
          }
          case 'rehearsal.people':
          case 'rehearsal.present':
          case 'rehearsal.newBill':
          case 'rehearsal.reset':
            return executeRehearsal(command, {
              rehearsal,
              session,
              ok,
              clearFaults: () => {
                platformSim?.setFaults(simFaultPlans.none);
                simFaults = 'none';
              },
            });
          case 'history.print': {
            const refused = await reprintReceipt(
              {
                journal,
                current: session.current,
                print: (receipt) => devices?.printReceipt(receipt) ?? Promise.resolve({ ok: false, reason: 'devices not started' }),
                printed: session.historyPrinted,
              },
              command.settlementId,
            );
            return refused ? { ok: false, error: userError(refused) } : ok();
          }
          case 'history.repayFor': {
            const result = session.historyRepayFor(command.settlementId);
            return result.ok ? ok() : result;
          }
          case 'history.repay': {
            const result = await session.repayCredit(command.settlementId, command.payCode);
            return result.ok ? ok() : result;
          }
          default:
            return executeAdmin(command);
        }
      },
      subscribe(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };

    return {
      api,
      simulators: { platform: platformSim, hisUrl: hisSim?.url ?? null },
      inRoom,
      alertCounts: () => alertWatch.alertCounts(),
      metrics: metricsServer,
      journalChecked,
      journalWalked: walked,
      logger,
      async close() {
        for (const stop of stops.reverse()) await stop();
      },
    };
  } catch (err) {
    for (const stop of stops.reverse()) {
      await Promise.resolve()
        .then(stop)
        .catch((stopErr: unknown) => logger.warn('cleanup after a failed start failed', errorFields(stopErr)));
    }
    throw err;
  }
}
