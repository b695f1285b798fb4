// The terminal's configuration: one validated file that says who this terminal is, where the
// platform and the HIS are, and which devices it has. Every field has an embedded default, so a
// fresh install runs fully simulated; a hospital overrides what differs, and a wrong value stops
// the start with a message that names the field.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const Digits = (n: number) => z.string().regex(new RegExp(`^\\d{${n}}$`), `${n} digits`);

/** A pattern as text: refused at start when it does not compile, not at the first scan. */
const RegexSource = z.string().min(1).refine((source) => {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}, 'not a valid regular expression');

const SignerConfig = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }),
  z.object({ type: z.literal('x-tif'), paasid: z.string().min(1), token: z.string().min(1) }),
  z.object({ type: z.literal('csb'), apiName: z.string().min(1), apiVersion: z.string().min(1), accessKey: z.string().min(1), secretKey: z.string().min(1) }),
  z.object({ type: z.literal('sm2'), privateKeyFile: z.string().min(1), userId: z.string().min(1).optional() }),
]);
export type SignerConfig = z.infer<typeof SignerConfig>;

const EndpointConfig = z.discriminatedUnion('mode', [
  /** Start the bundled simulator in-process on loopback (the default: no hospital network needed). */
  z.object({ mode: z.literal('embedded-sim'), timeoutMs: z.number().int().positive().default(10_000) }),
  z.object({ mode: z.literal('remote'), baseUrl: z.string().url(), timeoutMs: z.number().int().positive().default(10_000) }),
]);

export const TerminalConfig = z.object({
  terminal: z
    .object({
      /** Operator id sent as `opter` for a self-service terminal, and the journal's owner. */
      id: z.string().min(1).max(30).default('KIOSK-001'),
      name: z.string().min(1).default('自助机1号'),
      institutionCode: z.string().regex(/^[A-Z0-9]{12}$/, '12 characters, letters and digits').default('H33010000001'),
      institutionName: z.string().min(1).default('模拟医院'),
      /**
       * 就医地医保区划: where this hospital is. The default is the embedded simulator's area
       * (fixtures/platform/config.json admdvs), so a local patient is not taken for 异地.
       */
      areaCode: Digits(6).default('330100'),
      deviceNo: z.string().default(''),
      /** This kiosk's digits (0-2) at the head of the msgid sequence; each kiosk of one hospital needs its own. */
      msgidSlot: z.string().regex(/^\d{0,2}$/, 'at most 2 digits').default(''),
      operatorType: z.enum(['1', '2', '3']).default('2'),
    })
    .prefault({}),
  /** Where the journal and keys live; the Electron host passes its user-data folder. */
  dataDir: z.string().min(1).optional(),
  fixturesDir: z.string().min(1).optional(),
  platform: EndpointConfig.and(
    z.object({
      infver: z.string().default('V1.0'),
      recerSysCode: z.string().default('MBS_LOCAL'),
      signer: SignerConfig.default({ type: 'none' }),
      /** The e-voucher's use, sent to the decode service (01301 outpatient settlement). */
      ecBusinessType: z.string().default('01301'),
      ecDeviceType: z.string().default('SelfService'),
      /**
       * 医保移动支付 (6201-6401): the app credentials the centre issued, this terminal's SM2 key to sign
       * with and the centre's public key to check answers. The defaults are the simulator's; without
       * privateKeyFile the terminal signs with a key made at start (only the simulator accepts that).
       */
      mobilePay: z
        .object({
          appId: z.string().min(1).default('SIMMPAY000000001'),
          appSecret: z.string().min(1).default('sim-only-mobile-pay-secret-7d1e'),
          privateKeyFile: z.string().min(1).optional(),
          centrePublicKeyFile: z.string().min(1).optional(),
        })
        .prefault({}),
    }),
  ).prefault({ mode: 'embedded-sim' }),
  his: EndpointConfig.and(
    z.object({
      /**
       * Whether the HIS registers inpatient stays on the platform itself (2401 at admission, fee lines
       * by 2301 as charged), so a discharge bill carries the stay's mdtrt_id and the terminal only
       * discharges and settles it. Absent: true for a remote HIS (as in a hospital), false for the
       * embedded simulator (its bills carry none, so the kiosk admits at discharge). When true, an
       * inpatient bill without an mdtrt_id is refused rather than admitted a second time.
       */
      registersAdmissions: z.boolean().optional(),
    }),
  ).prefault({ mode: 'embedded-sim' }),
  /**
   * Every device the terminal has. Entries are kept as written and validated one by one by the
   * drivers' manager against its `DeviceConfig` (drivers/manager.ts): one wrong entry is one device
   * in error on the admin screen, not a kiosk that will not start.
   */
  devices: z.array(z.unknown()).default([
    {
      id: 'qr-1',
      kind: 'qr-scanner',
      suffix: 'CRLF',
      transport: { type: 'replay', fixture: 'devices/qr-scanner/fresh-ec-qr.jsonl', playOn: 'identify', delayMs: 1500, speed: 1 },
    },
  ]),
  /**
   * What a scanned text is, by regular expressions (JavaScript syntax, whole-text anchors are yours
   * to write): a site's 医保码 vendor and payment codes go in front of the built-in ones, hospital
   * barcodes replace them. Applies to every scanner, the camera and typed/keyboard-wedge text.
   */
  scanPatterns: z
    .object({
      ecQr: z.array(RegexSource).default([]),
      payCode: z.array(RegexSource).default([]),
      hospitalBarcode: z.array(RegexSource).optional(),
    })
    .prefault({}),
  admin: z
    .object({
      /**
       * The staff PIN as scrypt `salt-hex:hash-hex` (make one with `npm run admin-pin -- 123456`). The
       * embedded default is the PIN 000000, for the simulated demo only: a hospital sets its own.
       */
      pinScrypt: z
        .string()
        .regex(/^[0-9a-f]{8,64}:[0-9a-f]{64}$/, 'salt-hex:hash-hex from npm run admin-pin')
        .default('73696d756c61746564:6883fe296fc96a1fc406f15c3b4b298257d2366550bfc8e4b10ccd1dfe4aabe3'),
      /**
       * The nurses' PIN (bedside discharge, the face check in person), a role of its own: its wrong
       * tries lock the nurses' pad only. Made the same way; the embedded default is 111111, for the
       * simulated demo only. The admin PIN opens the nurses' pads too.
       */
      nursePinScrypt: z
        .string()
        .regex(/^[0-9a-f]{8,64}:[0-9a-f]{64}$/, 'salt-hex:hash-hex from npm run admin-pin')
        .default('73696d6e75727365:232dc45552fe2684997bdab4723e868a07624d8b34efacdccf868903829ddbf1'),
    })
    .prefault({}),
  /**
   * Prometheus scrape endpoint (GET /metrics): outbox depth, dead letters, offline capture age,
   * platform and HIS reachability, devices and paper, settlement latency. Off (null) by default; a
   * hospital whose Prometheus watches the fleet sets a port (and the host to listen on).
   */
  metrics: z
    .object({
      port: z.number().int().min(0).max(65535).nullable().default(null),
      host: z.string().min(1).default('0.0.0.0'),
    })
    .prefault({}),
  /** The JSON-lines log in <dataDir>/logs (terminal/app/logger.ts): level and size-based rotation. */
  log: z
    .object({
      level: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
      maxBytes: z.number().int().min(65_536).default(10 * 1024 * 1024),
      keep: z.number().int().min(1).max(100).default(5),
    })
    .prefault({}),
  /**
   * 诊间支付: the HTTP API through which a doctor's workstation asks this device to collect payment
   * for one HIS bill. Off by default: a hall kiosk has no business listening on the LAN.
   */
  inRoom: z
    .object({
      enabled: z.boolean().default(false),
      /** Loopback by default; a room device sets its LAN address so only that interface listens. */
      host: z.string().min(1).default('127.0.0.1'),
      /** 0 lets the system choose (tests); a hospital fixes one for its workstations. */
      port: z.number().int().min(0).max(65535).default(0),
      /** Each workstation's bearer token, stored only as its SHA-256 (hex), so the config file holds no usable secret. */
      workstations: z
        .array(
          z.object({
            id: z.string().regex(/^[\w.-]{1,40}$/, 'letters, digits, . _ - (at most 40)'),
            tokenSha256: z.string().regex(/^[0-9a-f]{64}$/, '64 lowercase hex digits: sha256 of the token'),
          }),
        )
        .default([])
        .refine((ws) => new Set(ws.map((w) => w.id)).size === ws.length, 'workstation ids must be unique'),
      /** Requests a workstation may make a minute (a token bucket: short bursts allowed, floods answered 429). */
      ratePerMinute: z.number().int().positive().max(6000).default(60),
      /** A request no patient took up in this time is given up, so a forgotten one does not hold the device. */
      requestTtlSeconds: z.number().int().positive().default(600),
      /** 医保支付找人: the pay link shown as a QR is this base followed by the request id. */
      payLinkBase: z.string().url().default('https://pay.hospital.invalid/in-room/'),
      /** 医保支付找人 pushed: each request's pay link is POSTed (JSON, no name or ID number) to the hospital's messaging endpoint. */
      payLinkPush: z
        .object({
          url: z.string().url(),
          timeoutMs: z.number().int().positive().default(5000),
          attempts: z.number().int().min(1).max(10).default(3),
        })
        .nullable()
        .default(null),
      maxBodyBytes: z.number().int().min(256).max(65_536).default(4096),
    })
    .prefault({}),
  /**
   * 刷脸: the camera checks a patient who identified by ID card against the face they enrolled here
   * (人证核验), with a head-turn challenge as the liveness check. Off by default: a kiosk needs a
   * camera for it, and the patient's consent before a face is kept.
   */
  face: z
    .object({
      enabled: z.boolean().default(false),
      /** never: an ID card alone identifies; if-enrolled: checked when the holder enrolled a face; always: no face, no ID-card payment. */
      idCard: z.enum(['never', 'if-enrolled', 'always']).default('if-enrolled'),
      /** At the receipt of a visit identified by 医保码 or social security card, offer paying by face next time. */
      offerEnrolment: z.boolean().default(true),
      /** No camera frame for this long ends the check with staff (a camera that stopped). */
      frameTimeoutMs: z.number().int().positive().default(5000),
    })
    .prefault({}),
  /** The journal's upkeep: backups to a second place, and how long finished visits stay in it. */
  journal: z
    .object({
      /**
       * An online backup (SQLite's backup API) every intervalMinutes into dir (a hospital share or a
       * second disk), keeping the newest `keep`. No dir: no backups (the configuration check warns).
       */
      backup: z
        .object({
          dir: z.string().min(1).optional(),
          intervalMinutes: z.number().int().positive().default(60),
          keep: z.number().int().min(1).max(1000).default(48),
        })
        .prefault({}),
      /**
       * Visits closed (and reconciled) longer ago than this are exported to <data>/archive/ (JSON
       * lines, one file a day, patient data still sealed) and removed, so the journal stays small.
       * null keeps everything.
       */
      retentionDays: z.number().int().min(1).nullable().default(180),
    })
    .prefault({}),
  /**
   * 电子哨兵: suspicious-use alerts (terminal/staff/alerts.ts). Each rule's threshold is here; `hold`
   * sends the patient to staff before the confirm (nothing is settled at the kiosk). Alerts show on
   * the staff screen and as a metric; the person is kept only as an HMAC.
   */
  alerts: z
    .object({
      enabled: z.boolean().default(true),
      /** The same person settling this many times (this visit included) within the window, any service. */
      rapidRepeat: z.object({ windowMinutes: z.number().positive().default(120), maxVisits: z.number().int().min(2).default(3), hold: z.boolean().default(true) }).prefault({}),
      /** Card or face mismatches (per person, or per terminal when no one is known) within the window. */
      identityMismatch: z.object({ windowMinutes: z.number().positive().default(60), minCount: z.number().int().positive().default(1) }).prefault({}),
      /** A 谈判药 line (the HIS marks it negotiated) with a quantity above this. */
      negotiatedDrug: z.object({ maxQuantity: z.number().nonnegative().default(10), hold: z.boolean().default(true) }).prefault({}),
      /** One family account (家庭共济) paying for this many people (the patient included) within the window. */
      familyPayer: z.object({ windowHours: z.number().positive().default(720), maxPeople: z.number().int().min(2).default(3), hold: z.boolean().default(false) }).prefault({}),
      /** This many offline captures on this terminal within the window. */
      offlineCluster: z.object({ windowMinutes: z.number().positive().default(60), maxCaptures: z.number().int().positive().default(5) }).prefault({}),
    })
    .prefault({}),
  settlement: z
    .object({
      /** acct_used_flag: pay the self-paid part from the personal account where the hospital allows it. */
      usePersonalAccount: z.boolean().default(true),
      /** How long a patient may take on one step before the outcome is treated as abandoned. */
      stepTimeoutMs: z.number().int().positive().default(120_000),
      /**
       * How long a call whose answer was lost (a settlement, a registration) may stay unresolved,
       * its query (5203) or reversal (2601) unanswered, before the visit goes to staff with the
       * reason. The spec wants a reversal within the business day; 6 h leaves room for an outage.
       */
      unknownOutcomeDeadlineMs: z.number().int().positive().default(6 * 3_600_000),
      /** How often the replay worker looks at the queue (and probes the platform while it is down); also how long the platform may go unasked before a probe keeps the status bar true. */
      replayIntervalMs: z.number().int().positive().default(5_000),
      /**
       * How many queued visits the replay worker sends at once after an outage. More overlap their
       * round trips and share each journal commit (bench:journal, 2026-12-02: on a quiet machine 8
       * replayed at 0.61-0.62x the simulator's own rate where 4 gave 0.45-0.53x; at load 12-24, 8
       * at a median of 1.08x, 4 at 0.58x, 16 at 0.75x), but every terminal of the hospital drains at
       * once after a shared outage and the platform's limits are not published: 4 until the
       * platform's operator says more is welcome.
       */
      replayConcurrency: z.number().int().min(1).max(32).default(4),
      /** Local time after which the day is reconciled with the platform (3201). */
      reconcileAt: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM').default('23:30'),
      /**
       * How the patient may pay the self-paid part (psn_cash_pay) in the same step. A switch left out
       * follows the platform: on with the embedded simulator (so the demo shows every way), off against
       * a remote platform until the hospital says it has the arrangement. usePersonalAccount stays the
       * source for the personal account; personalAccount here only says whether the patient may turn it
       * off or on at the confirm step. See terminal/settlement/self-pay.ts.
       */
      selfPay: z
        .object({
          personalAccount: z.boolean().optional(),
          familyAccount: z.boolean().optional(),
          credit: z
            .object({
              enabled: z.boolean().optional(),
              limitPerPatientFen: z.number().int().nonnegative().default(50_000),
              limitPerTerminalFen: z.number().int().nonnegative().default(500_000),
            })
            .prefault({}),
          payCode: z.boolean().optional(),
          /**
           * One tap charges the payment account linked to the 医保码 up to this amount (fen); above it
           * the patient confirms the amount itself. null: always one tap.
           */
          confirmAmountAboveFen: z.number().int().nonnegative().nullable().default(100_000),
        })
        .prefault({}),
      /**
       * Taking a bill while the platform is unreachable, as card terminals' offline modes do: the
       * patient is identified by card against a person record this terminal verified before.
       */
      offline: z
        .object({
          enabled: z.boolean().default(true),
          maxPerPatientFen: z.number().int().nonnegative().default(200_000),
          maxTotalFen: z.number().int().nonnegative().default(2_000_000),
          /** Past this age of the oldest unsettled capture, no new capture is taken. */
          maxAgeHours: z.number().positive().default(24),
          /** How old a cached person record may be and still identify someone. */
          personCacheDays: z.number().positive().default(30),
          /** How long an offline capture waits for a drain already running before it is refused. */
          drainWaitMs: z.number().int().positive().default(30_000),
        })
        .prefault({}),
    })
    .prefault({}),
});
export type TerminalConfig = z.infer<typeof TerminalConfig>;

export class ConfigError extends Error {
  constructor(
    message: string,
    readonly problems: string[],
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Validates a parsed config object; the error lists every wrong field by its path. */
export function parseConfig(raw: unknown, source = 'config'): TerminalConfig {
  // Parsed once per start: zod's compiled fast path (generated per object schema at its first
  // parse) would cost more than the one pass it speeds up.
  const result = TerminalConfig.safeParse(raw ?? {}, { jitless: true });
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new ConfigError(`${source} is not valid:\n  ${problems.join('\n  ')}`, problems);
}

/** Reads a JSON config file; no file means the embedded defaults. */
export function loadConfig(file: string | undefined): TerminalConfig {
  if (!file) return parseConfig({}, 'embedded defaults');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${file}: ${(err as Error).message}`, []);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`config file ${file} is not JSON: ${(err as Error).message}`, []);
  }
  return parseConfig(raw, file);
}

/** Whether the HIS admits inpatients on the platform itself (see his.registersAdmissions). */
export const hisRegistersAdmissions = (config: Pick<TerminalConfig, 'his'>): boolean => config.his.registersAdmissions ?? config.his.mode === 'remote';
