// An e-voucher a vendor library decoded identifies by its token (1101 with mdtrt_cert_type 01, no
// decode here), and the holder the library names must be the person the platform answers for.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openJournal } from '../journal/journal';
import { formatMsgid } from '../insurance/msgid';
import { simEnvelopeContext } from '../sim/platform/context';
import { startSimAndClient } from '../testing/platform.testkit';
import { identifyByEcToken } from './resolve';

const { sim, client } = await startSimAndClient();
after(() => sim.close());
const journal = openJournal({ dataDir: mkdtempSync(join(tmpdir(), 'ec-token-')), institutionCode: simEnvelopeContext.fixmedins_code, formatMsgid });
after(() => journal.close());
const options = { journal, platform: client, ecBusinessType: '01301', ecDeviceType: 'SelfService' };

/** A token the platform issued, as a vendor library would have it from its own decode. */
async function issuedToken(personKey: string): Promise<string> {
  const decoded = await client.decodeEcQr({ qrCode: sim.mintEcQr(personKey), businessType: '01301', deviceType: 'SelfService' });
  assert.ok(decoded.kind === 'ok');
  return decoded.person.ecToken;
}

test('a vendor-decoded token identifies its holder without a second decode', async () => {
  const ecToken = await issuedToken('card-holder');
  const result = await identifyByEcToken(options, { ecToken, idNo: '440305198001010013', idType: '01', userName: '测试甲' });
  assert.ok(result.kind === 'ok', JSON.stringify(result));
  assert.equal(result.person.certType, '01');
  assert.equal(result.person.certNo, ecToken);
  assert.equal(result.person.name, '测试甲');
});

test('a holder the library names who is not the token\'s person is card-mismatch, naming no one', async () => {
  const ecToken = await issuedToken('card-holder');
  const byName = await identifyByEcToken(options, { ecToken, idNo: '440305198001010013', idType: '01', userName: '测试乙' });
  assert.ok(byName.kind === 'refused' && byName.code === 'card-mismatch');
  assert.doesNotMatch(byName.detail, /测试|440305/);
  const byNumber = await identifyByEcToken(options, { ecToken, idNo: '33010219800101123X', idType: '01', userName: '测试甲' });
  assert.ok(byNumber.kind === 'refused' && byNumber.code === 'card-mismatch');
});

test('a token the platform never issued is refused; an empty one is not sent', async () => {
  const unknown = await identifyByEcToken(options, { ecToken: 'ECTnot-issued', idNo: '440305198001010013', idType: '01', userName: '测试甲' });
  assert.ok(unknown.kind === 'refused' && unknown.code === 'person-not-found');
  const empty = await identifyByEcToken(options, { ecToken: '', idNo: '440305198001010013', idType: '01', userName: '测试甲' });
  assert.ok(empty.kind === 'refused' && empty.code === 'qr-invalid');
});
