// The vendor interfaces' parsers on what libraries really write: good answers, refusals, and output
// that is cut, unterminated, in the wrong encoding or not what the interface says; then fuzzed.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { encodeCardBaseInfo } from '../card-reader/codec';
import { SYNTHETIC_SS_CARD } from '../card-reader/sim-reader';
import { CARD_OUT_BYTES, EC_OUT_BYTES, cString, ecInData, parseEcQuery, parseReadCardBas, prototypeOf } from './interfaces';

/** A C buffer of `size` bytes holding `text` in GBK and its NUL. */
function cBuffer(text: string | Uint8Array, size: number, encoding = 'gbk'): Uint8Array {
  const bytes = typeof text === 'string' ? iconv.encode(text, encoding) : text;
  const out = new Uint8Array(size);
  out.set(bytes.subarray(0, size));
  return out;
}

const ecAnswer = (data: Record<string, unknown>, extra: Record<string, unknown> = {}) => JSON.stringify({ code: 0, message: '成功', data, ...extra });
const person = { ecToken: '440300EC00000000000001', idNo: '44030019900101123X', idType: '01', userName: '张三', insuOrg: '440300', ecIndexNo: 'X' };

describe('ReadCardBas output', () => {
  it('reads the standard\'s pipe-separated fields (GBK name) into the card the serial reader gives', () => {
    const result = parseReadCardBas(0, cBuffer(encodeCardBaseInfo(SYNTHETIC_SS_CARD), CARD_OUT_BYTES));
    assert.deepEqual(result, { type: 'card', card: SYNTHETIC_SS_CARD });
  });

  it('a non-zero return is the library saying no (no card), not an error', () => {
    assert.deepEqual(parseReadCardBas(-11, cBuffer('无卡', CARD_OUT_BYTES)), { type: 'refused', rc: '-11', detail: 'ReadCardBas returned -11' });
  });

  it('output that is empty, unterminated, short of fields or not GBK is bad output, and says so without the data', () => {
    const cases: Array<[Uint8Array, RegExp]> = [
      [new Uint8Array(CARD_OUT_BYTES), /empty/],
      [new Uint8Array(CARD_OUT_BYTES).fill(0x41), /without an end/],
      [cBuffer('440300|44030019900101123X|A1|', CARD_OUT_BYTES), /fields/],
      [cBuffer('44030|44030019900101123X|A12345678|440300D156000005A1B2C3D4|张三|3B|3.00|20200101|20300101|K|D|', CARD_OUT_BYTES), /area code/],
      [cBuffer(Uint8Array.from([...Buffer.from('440300|44030019900101123X|A12345678|440300D156000005A1B2C3D4|'), 0xff, 0xff, ...Buffer.from('|3B|3.00|1|2|K|D|')]), CARD_OUT_BYTES), /GBK/],
    ];
    for (const [out, why] of cases) {
      const result = parseReadCardBas(0, out);
      assert.equal(result.type, 'error');
      assert.match(result.type === 'error' ? result.detail : '', why);
      assert.doesNotMatch(JSON.stringify(result), /44030019900101123X|张三/);
    }
  });

  it('text after the NUL (a reused buffer) is not read', () => {
    const out = cBuffer(encodeCardBaseInfo(SYNTHETIC_SS_CARD), CARD_OUT_BYTES);
    out.set(Buffer.from('|stale|garbage|'), encodeCardBaseInfo(SYNTHETIC_SS_CARD).length + 1);
    assert.equal(parseReadCardBas(0, out).type, 'card');
    assert.equal(cString(out).terminated, true);
  });
});

describe('EcQuery / NationEcTrans output', () => {
  it('reads ecToken and the person (GBK JSON), the credential for mdtrt_cert_type 01', () => {
    const result = parseEcQuery(0, cBuffer(ecAnswer(person), EC_OUT_BYTES), 'gbk');
    assert.deepEqual(result, { type: 'ec-voucher', voucher: { ecToken: person.ecToken, idNo: person.idNo, idType: '01', userName: '张三', insuOrg: '440300' } });
  });

  it('takes a UTF-8 library, a string code, and a missing idType or insuOrg', () => {
    const { idType: _t, insuOrg: _o, ...bare } = person;
    const result = parseEcQuery(0, cBuffer(JSON.stringify({ code: '0', data: bare }), EC_OUT_BYTES, 'utf-8'), 'utf-8');
    assert.equal(result.type, 'ec-voucher');
    assert.equal(result.type === 'ec-voucher' && result.voucher.idType, '01');
  });

  it('a non-zero code is a refusal carrying the platform\'s message (expired, used), whatever rc says', () => {
    const answer = cBuffer(JSON.stringify({ code: 1001, message: '二维码已过期' }), EC_OUT_BYTES);
    assert.deepEqual(parseEcQuery(-1, answer, 'gbk'), { type: 'refused', rc: '1001', detail: '二维码已过期' });
    assert.deepEqual(parseEcQuery(0, answer, 'gbk'), { type: 'refused', rc: '1001', detail: '二维码已过期' });
    // rc non-zero with an empty or non-JSON buffer: still a refusal, the library's own code.
    assert.equal(parseEcQuery(-3, new Uint8Array(EC_OUT_BYTES), 'gbk').type, 'refused');
    assert.equal(parseEcQuery(-3, cBuffer('读卡失败', EC_OUT_BYTES), 'gbk').type, 'refused');
  });

  it('cut JSON, no data, no token, a malformed id number or token is bad output', () => {
    const bad: Array<[string, RegExp]> = [
      ['{"code":0,"data":', /not JSON/],
      ['[]', /not a JSON object/],
      ['{"data":{}}', /no code/],
      ['{"code":0}', /no data/],
      [ecAnswer({ ...person, ecToken: '' }), /ecToken/],
      [ecAnswer({ ...person, ecToken: 'has space' }), /ecToken/],
      [ecAnswer({ ...person, ecToken: 'x'.repeat(300) }), /ecToken/],
      [ecAnswer({ ...person, idNo: '123' }), /idNo/],
      [ecAnswer({ ...person, userName: '' }), /userName/],
      [ecAnswer({ ...person, insuOrg: 'Shenzhen' }), /insuOrg/],
    ];
    for (const [text, why] of bad) {
      const result = parseEcQuery(0, cBuffer(text, EC_OUT_BYTES), 'gbk');
      assert.equal(result.type, 'error', text);
      assert.match(result.type === 'error' ? result.detail : '', why);
    }
    assert.match(JSON.stringify(parseEcQuery(0, new Uint8Array(EC_OUT_BYTES).fill(0x7b), 'gbk')), /without an end/);
    assert.match(JSON.stringify(parseEcQuery(0, cBuffer(Uint8Array.of(0x7b, 0xff, 0xff, 0x7d), EC_OUT_BYTES), 'utf-8')), /not utf-8/);
  });

  it('builds the ec.query input the platform\'s decode service takes, face capture by its transType', () => {
    const req = { orgId: 'H44030000001', businessType: '01301', operatorId: 'K1', operatorName: '自助机', officeId: '', officeName: '', deviceType: '7', transType: 'cn.nhsa.ec.auth' };
    assert.deepEqual(JSON.parse(ecInData(req)), {
      data: { orgId: 'H44030000001', businessType: '01301', operatorId: 'K1', operatorName: '自助机', officeId: '', officeName: '', deviceType: '7' },
      orgId: 'H44030000001',
      transType: 'cn.nhsa.ec.auth',
    });
    assert.match(prototypeOf('read-card-bas', 'ReadCardBas'), /^long __stdcall ReadCardBas\(void \*pOutBuff, int nOutBuffLen, void \*pSignBuff, int nSignBuffLen\)$/);
  });
});

describe('fuzzing the vendor parsers', () => {
  const typed = (r: { type: string }) => ['card', 'ec-voucher', 'refused', 'error'].includes(r.type);
  it('any bytes and any return code give a typed result, never a throw', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1000, max: 1000 }), fc.uint8Array({ maxLength: 600 }), fc.boolean(), (rc, bytes, gbk) => {
        assert.ok(typed(parseReadCardBas(rc, bytes)));
        assert.ok(typed(parseEcQuery(rc, bytes, gbk ? 'gbk' : 'utf-8')));
      }),
      { numRuns: 3000, seed: 17 },
    );
  });

  it('any JSON value in the answer gives a typed result; only a well-formed person is a voucher', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (code, data) => {
        const result = parseEcQuery(0, cBuffer(JSON.stringify({ code, data }), EC_OUT_BYTES, 'utf-8'), 'utf-8');
        assert.ok(typed(result));
        if (result.type === 'ec-voucher') assert.ok(result.voucher.ecToken.length > 0 && result.voucher.userName.length > 0);
      }),
      { numRuns: 2000, seed: 17 },
    );
  });

  it('any mangling of a good card line (a field dropped, cut, a byte changed) gives a typed result', () => {
    const good = encodeCardBaseInfo(SYNTHETIC_SS_CARD);
    fc.assert(
      fc.property(fc.nat({ max: good.length }), fc.nat({ max: good.length - 1 }), fc.integer({ min: 0, max: 255 }), (cut, at, byte) => {
        const mangled = good.slice(0, cut);
        if (at < mangled.length) mangled[at] = byte;
        assert.ok(typed(parseReadCardBas(0, cBuffer(mangled, CARD_OUT_BYTES))));
      }),
      { numRuns: 2000, seed: 17 },
    );
  });
});
