// The decoders that are not framed byte streams (HID reports, key bursts, ESC/POS on the printer's
// side, the two base-info parsers) under the same rule as the codecs: typed results only, no hang,
// good input still read. A few thousand cases each here; the bench runs 100,000.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzHidReports } from './hid-target';
import { fuzzWedge } from './keyboard-wedge-target';
import { fuzzEscPos } from './printer-target';
import { fuzzBaseInfo } from './id-card-target';
import { fuzzCardBaseInfo } from './card-reader-target';
import { createEscPosDecoder } from '../../printer/escpos';

describe('fuzzing the other decoders', () => {
  for (const fuzz of [fuzzHidReports, fuzzWedge, fuzzEscPos, fuzzBaseInfo, fuzzCardBaseInfo]) {
    it(`${fuzz.name}: 3000 cases, typed results only`, () => {
      const result = fuzz(3000, 7);
      assert.equal(result.failures, 0, result.counterexample ?? '');
      assert.ok(result.cases >= 3000);
    });
  }

  it('the ESC/POS decoder takes a 1 MB chunk and a long text run without a stack overflow or quadratic time', () => {
    const decoder = createEscPosDecoder(2 * 1024 * 1024);
    // CPU time: on shared cores wall time measures the neighbours as much as the decoder.
    const started = process.cpuUsage();
    const events = decoder.push(new Uint8Array(1024 * 1024).fill(0x41));
    const cpu = process.cpuUsage(started);
    assert.ok((cpu.user + cpu.system) / 1000 < 2000);
    // 1 MB of text without LF: one too-long error a 4 KB line, no exception.
    assert.ok(events.length > 200 && events.every((e) => e.type === 'error' && e.code === 'too-long'));
  });
});
