import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { userError, type UserErrorCode } from '../../terminal/common/user-errors';
import { errorText, knownErrorCodes, type KnownErrorCode } from './error-text';

// A compile error here means the core added a UserError code the kiosk cannot translate yet.
type Untranslated = Exclude<UserErrorCode, KnownErrorCode>;
const everyCoreCodeTranslated: [Untranslated] extends [never] ? true : Untranslated = true;

describe('errorText', () => {
  it('translates every code the core sends, in both languages', () => {
    assert.equal(everyCoreCodeTranslated, true);
    for (const code of knownErrorCodes) {
      assert.ok(errorText('zh', { code, message: '' }).length > 0, code);
      assert.ok(/^[A-Z]/.test(errorText('en', { code, message: '' })), code);
    }
    assert.equal(errorText('zh', userError('qr-expired')), userError('qr-expired').message);
    assert.match(errorText('en', userError('qr-expired')), /expired/);
  });

  it('falls back to the terminal message for a code it does not know', () => {
    assert.equal(errorText('en', { code: 'brand-new', message: '请到人工窗口' }), '请到人工窗口');
  });
});
