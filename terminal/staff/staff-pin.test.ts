// Nurse and admin are distinct roles with their own PINs and their own counts (issue 14 item 6):
// wrong tries say how many are left, lock only their own role's pad, and the admin PIN also opens
// the nurses' pad.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createStaffPins, hashPin } from './staff-pin';

describe('staff PINs by role', () => {
  const pins = () => {
    let t = 0;
    const guards = createStaffPins({ adminPinScrypt: hashPin('246810'), nursePinScrypt: hashPin('135790') }, () => t);
    return { guards, advance: (ms: number) => (t += ms) };
  };

  it('counts down the tries left and locks only the role that was guessed at', () => {
    const { guards, advance } = pins();
    assert.deepEqual(guards.nurse.check('000000'), { result: 'wrong', triesLeft: 4 });
    for (let i = 0; i < 3; i++) guards.nurse.check('000000');
    assert.deepEqual(guards.nurse.check('000000'), { result: 'locked', minutesLeft: 5 });
    assert.equal(guards.nurse.check('135790').result, 'locked', 'the right nurse PIN waits out the lockout');
    assert.deepEqual(guards.admin.check('246810'), { result: 'ok' }, 'the admin is not locked out by wrong nurse PINs');
    advance(5 * 60_000);
    assert.deepEqual(guards.nurse.check('135790'), { result: 'ok' });
  });

  it('keeps the roles apart: the nurse PIN does not open administration; the admin PIN opens the bedside', () => {
    const { guards } = pins();
    assert.equal(guards.admin.check('135790').result, 'wrong');
    assert.equal(guards.nurse.check('246810').result, 'ok');
  });
});
