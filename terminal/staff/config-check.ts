// The admin screen's configuration check: what this terminal is set up to talk to, and what in that
// set-up a hospital should not go live with. Names and modes only: no token, key, PIN or URL path.
import type { ConfigCheck } from '../api/schema';
import type { TerminalConfig } from '../config/config';
import type { DeviceHealth } from '../common/vocabulary';
import { fenToYuanString } from '../common/money';

/** The embedded default PIN (000000): fine for the simulated demo, never for a ward. */
const DEMO_PIN_SCRYPT = '73696d756c61746564:6883fe296fc96a1fc406f15c3b4b298257d2366550bfc8e4b10ccd1dfe4aabe3';

const host = (url: string) => {
  try {
    return new URL(url).host;
  } catch {
    return '?';
  }
};

/** What the journal's upkeep reports: the key's fingerprint, the last full check, the last backup. */
export interface JournalUpkeep {
  keyFingerprint: string;
  integrity: { ok: boolean; problems: string[]; at: string } | null;
  /** The page walk (quick_check): at open for a small journal, else after the start ('running', 'ok after 1.8 s', 'DAMAGED: …'). */
  quickCheck?: string;
  lastBackup: { at: string; file: string } | null;
  lastBackupError: string | null;
}

/**
 * `devices`: the device manager's health, when running. A config entry it could not use (a misspelt
 * kind, a missing path) is there as a device in error; counted by it, a misspelt scanner is one fault
 * (the entry), not also "no scanner configured".
 */
export function configCheck(config: TerminalConfig, journal?: JournalUpkeep, devices?: readonly DeviceHealth[]): Omit<ConfigCheck, 'simulatorFaults'> {
  const configured = config.devices as Array<{ kind?: unknown }>;
  const kinds = (kind: string) => (devices ? devices.filter((d) => d.kind === kind).length : configured.filter((d) => d.kind === kind).length);
  const yuan = (fen: number) => `¥${fenToYuanString(fen)}`;
  const platform = config.platform;
  const remote = platform.mode === 'remote';
  const items: ConfigCheck['items'] = [
    { key: 'terminal', value: `${config.terminal.id} · ${config.terminal.institutionCode} · ${config.terminal.areaCode}` },
    { key: 'platform', value: platform.mode === 'remote' ? `remote ${host(platform.baseUrl)} · ${platform.signer.type}` : 'embedded simulator' },
    { key: 'his', value: config.his.mode === 'remote' ? `remote ${host(config.his.baseUrl)}` : 'embedded simulator' },
    { key: 'devices', value: ['qr-scanner', 'card-reader', 'id-card', 'camera', 'printer'].map((k) => `${k} ${kinds(k)}`).join(' · ') },
    // Amounts as staff read them (yuan); the config file keeps fen.
    { key: 'offline', value: config.settlement.offline.enabled ? `on · ${yuan(config.settlement.offline.maxPerPatientFen)} / ${yuan(config.settlement.offline.maxTotalFen)} · ${config.settlement.offline.maxAgeHours} h` : 'off' },
    { key: 'face', value: config.face.enabled ? `on · ID card: ${config.face.idCard}` : 'off' },
    { key: 'in-room', value: config.inRoom.enabled ? `on · ${config.inRoom.host}:${config.inRoom.port} · ${config.inRoom.workstations.length} workstations` : 'off' },
  ];
  if (journal) {
    const backup = config.journal.backup;
    // Staff compare the fingerprint with the one written on the key's backup.
    items.push({ key: 'journal key', value: `fingerprint ${journal.keyFingerprint}` });
    items.push({
      key: 'journal check',
      value: journal.integrity ? `${journal.integrity.ok ? 'ok' : `DAMAGED: ${journal.integrity.problems.slice(0, 3).join('; ')}`} · ${journal.integrity.at}` : `quick check ${journal.quickCheck ?? 'ok at start'} · full check not run`,
    });
    items.push({
      key: 'journal backup',
      value: backup.dir
        ? `every ${backup.intervalMinutes} min · keep ${backup.keep} · ${journal.lastBackupError ? `FAILED: ${journal.lastBackupError}` : journal.lastBackup ? `last ${journal.lastBackup.at}` : 'none yet'}`
        : 'off',
    });
    items.push({ key: 'journal retention', value: config.journal.retentionDays === null ? 'keep everything' : `${config.journal.retentionDays} days, then archived` });
  }
  const warnings: ConfigCheck['warnings'] = [];
  if (config.admin.pinScrypt === DEMO_PIN_SCRYPT) warnings.push('demo-admin-pin');
  if (!remote) warnings.push('embedded-platform');
  if (config.his.mode !== 'remote') warnings.push('embedded-his');
  if (remote && config.platform.signer.type === 'none') warnings.push('unsigned-platform');
  if (remote && config.terminal.msgidSlot === '') warnings.push('no-msgid-slot');
  if (devices?.some((d) => d.state === 'error' && d.lastError?.startsWith('config:'))) warnings.push('device-config');
  if (kinds('qr-scanner') + kinds('camera') === 0) warnings.push('no-scanner');
  if (kinds('printer') === 0) warnings.push('no-printer');
  if (config.inRoom.enabled && (config.inRoom.host === '127.0.0.1' || config.inRoom.host === 'localhost')) warnings.push('in-room-loopback');
  if (config.inRoom.enabled && config.inRoom.workstations.length === 0) warnings.push('in-room-no-workstation');
  return { items, warnings };
}
