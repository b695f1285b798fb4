// The JSON-lines log: levels, size rotation with a fixed number of old files, and redaction of
// secrets and patient data before anything reaches the disk (the log is shipped off the kiosk).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, errorFields, redactText } from './logger';

const lines = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('logger', () => {
  it('writes JSON lines at or above its level, with child bindings', () => {
    const dir = mkdtempSync(join(tmpdir(), 'log-'));
    const log = createLogger({ dir, level: 'info', now: () => new Date('2026-01-02T03:04:05Z') });
    log.debug('not written');
    log.child({ component: 'devices' }).warn('scanner reconnecting', { device: 'qr-1' });
    const [line, ...rest] = lines(join(dir, 'terminal.log'));
    assert.equal(rest.length, 0);
    assert.deepEqual(line, { time: '2026-01-02T03:04:05.000Z', level: 'warn', msg: 'scanner reconnecting', component: 'devices', device: 'qr-1' });
  });

  it('rotates by size and keeps only `keep` old files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'log-rotate-'));
    const log = createLogger({ dir, maxBytes: 1000, keep: 2 });
    for (let i = 0; i < 60; i++) log.info(`line ${i}`, { pad: 'x'.repeat(60) });
    assert.deepEqual(readdirSync(dir).sort(), ['terminal.1.log', 'terminal.2.log', 'terminal.log']);
    for (const f of readdirSync(dir)) assert.ok(readFileSync(join(dir, f)).length <= 1000, f);
    assert.equal(lines(join(dir, 'terminal.log')).at(-1)?.msg, 'line 59');
    assert.ok(!existsSync(join(dir, 'terminal.3.log')));
  });

  it('redacts secrets and patient data by field name and ID or phone numbers in any text, causes included', () => {
    const dir = mkdtempSync(join(tmpdir(), 'log-redact-'));
    const log = createLogger({ dir });
    const cause = new Error('HIS said: 110101199003074514 not found');
    log.error('identify failed for 110101199003074514, phone 13912345678', {
      pin: '000000', appSecret: 's3cret', patient: { name: '张三', idNo: '110101199003074514', age: 40 },
      ...errorFields(new Error('lookup failed', { cause })),
    });
    const text = readFileSync(join(dir, 'terminal.log'), 'utf8');
    for (const leaked of ['199003074', '000000', 's3cret', '张三', '12345678']) assert.ok(!text.includes(leaked), `${leaked} leaked: ${text}`);
    const [line] = lines(join(dir, 'terminal.log'));
    assert.match(String(line?.msg), /110101\*{8}4514/);
    assert.equal((line?.patient as { age: number }).age, 40);
    assert.match(JSON.stringify(line?.err), /lookup failed.*cause.*HIS said/s);
    assert.equal(redactText('order 20260101123456789'), 'order 20260101123456789'.replace(/\d{15}/, (m) => m), 'a 17-digit order number is not an ID');
  });
});
