// The Prometheus endpoint of a running terminal, scraped over loopback as a hospital's Prometheus
// would: the gauges read the journal, the reachability and the devices at scrape time, a settlement
// lands in the latency histogram, and nothing listens when the config leaves metrics off.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionView, TerminalEvent } from '../api/schema';
import { parseConfig } from '../config/config';
import { startTerminal, type RunningTerminal } from './start-terminal';
import { fixturesDir } from '../testing/platform.testkit';

function nextStep(terminal: RunningTerminal, step: SessionView['step']): Promise<SessionView> {
  return new Promise((resolve, reject) => {
    const stop = terminal.api.subscribe((event: TerminalEvent) => {
      if (event.type !== 'session') return;
      if (event.session.step === step) {
        stop();
        resolve(event.session);
      } else if (event.session.step === 'error') {
        stop();
        reject(new Error(`error step: ${event.session.error?.code}`));
      }
    });
  });
}

const value = (text: string, metric: string): number | null => {
  const line = text.split('\n').find((l) => l.startsWith(metric + ' ') || l.startsWith(metric + '{'));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : null;
};

describe('metrics endpoint', () => {
  let terminal: RunningTerminal | undefined;
  after(() => terminal?.close());

  it('serves outbox, dead letters, offline age, reachability, devices, paper, latency and version on GET /metrics', async () => {
    const config = parseConfig({
      metrics: { port: 0, host: '127.0.0.1' },
      devices: [
        { id: 'qr-1', kind: 'qr-scanner', transport: { type: 'replay', fixture: 'devices/qr-scanner/fresh-ec-qr.jsonl', playOn: 'identify', delayMs: 50 } },
      ],
    });
    const dataDir = mkdtempSync(join(tmpdir(), 'metrics-'));
    terminal = await startTerminal({ config, dataDir, fixturesDir, version: '9.8.7' });
    assert.ok(terminal.metrics, 'the endpoint is up when metrics.port is set');
    assert.match(terminal.metrics.url, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);

    const confirm = nextStep(terminal, 'confirm');
    await terminal.api.execute({ type: 'session.begin', service: 'outpatient' });
    const atConfirm = await confirm;
    const result = await terminal.api.execute({ type: 'session.confirm', settlementId: atConfirm.settlementId ?? '' });
    assert.ok(result.ok);

    const res = await fetch(terminal.metrics.url);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
    const text = await res.text();
    assert.equal(value(text, 'terminal_outbox_depth'), 0);
    assert.equal(value(text, 'terminal_dead_letters'), 0);
    assert.equal(value(text, 'terminal_oldest_offline_capture_age_seconds'), 0);
    assert.equal(value(text, 'terminal_platform_up'), 1);
    assert.equal(value(text, 'terminal_his_up'), 1, 'the HIS answered the bill lookup');
    assert.match(text, /terminal_device_state\{device="qr-1",kind="qr-scanner",state="ready",terminal="[^"]+"\} 1/);
    assert.match(text, /terminal_build_info\{version="9\.8\.7",/);
    assert.match(text, /terminal_settlement_seconds_count\{[^}]*outcome="ok"[^}]*\} 1\n/);
    assert.match(text, /terminal_platform_call_seconds_count\{[^}]*infno="2207",outcome="ok"\} 1\n/);
    assert.match(text, /terminal_printer_paper_out|# HELP terminal_printer_paper_out/);
    for (const labels of text.match(/\{[^}]*\}/g) ?? []) assert.doesNotMatch(labels, /\d{17}[\dXx]/, 'no ID number in any label');

    assert.equal((await fetch(terminal.metrics.url.replace('/metrics', '/other'))).status, 404);
    // The log went to <data>/logs as JSON lines.
    const log = readFileSync(join(dataDir, 'logs', 'terminal.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { msg: string });
    assert.ok(log.some((l) => l.msg === 'metrics endpoint listening'));
  });

  it('listens on nothing when metrics.port is left out', async () => {
    const t = await startTerminal({ config: parseConfig({}), dataDir: mkdtempSync(join(tmpdir(), 'metrics-off-')), fixturesDir });
    try {
      assert.equal(t.metrics, null);
    } finally {
      await t.close();
    }
  });
});
