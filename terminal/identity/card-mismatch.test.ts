// A card read as someone else is refused before any bill: the platform answers for the number read,
// and the card's own name (and number) must be that person's.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openJournal } from '../journal/journal';
import { formatMsgid } from '../insurance/msgid';
import { simEnvelopeContext } from '../sim/platform/context';
import { startSimAndClient } from '../testing/platform.testkit';
import { identifyByIdCard } from './resolve';

const { sim, client } = await startSimAndClient();
after(() => sim.close());
const journal = openJournal({ dataDir: mkdtempSync(join(tmpdir(), 'card-mismatch-')), institutionCode: simEnvelopeContext.fixmedins_code, formatMsgid });
after(() => journal.close());
const options = { journal, platform: client, ecBusinessType: '01101', ecDeviceType: 'kiosk', personCacheMaxAgeMs: 86_400_000 };

test('the card holder is found when name and number match the platform', async () => {
  const result = await identifyByIdCard(options, { idNo: '440305198001010013', name: '测试甲' });
  assert.equal(result.kind, 'ok');
});

test("a card whose name differs from the person the platform found is card-mismatch, naming no one", async () => {
  const result = await identifyByIdCard(options, { idNo: '440305198001010013', name: '测试乙' });
  assert.ok(result.kind === 'refused');
  assert.equal(result.code, 'card-mismatch');
  assert.doesNotMatch(result.detail, /测试|440305/);
});
