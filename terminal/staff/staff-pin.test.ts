// Nurse and admin are distinct roles with their own PINs and their own counts (issue 14 item 6):
// wrong tries say how many are left, lock only their own role's pad, and the admin PIN also opens
// the nurses' pad.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStaffPins, hashPin, lockoutKey } from './staff-pin';
import { openJournal } from '../journal/journal';
import { formatMsgid } from '../insurance/msgid';

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

describe('staff PIN lockouts kept in the journal', () => {
  const pinHashes = { adminPinScrypt: hashPin('246810'), nursePinScrypt: hashPin('135790') };
  const open = (dataDir: string) => openJournal({ dataDir, institutionCode: 'H33010000001', formatMsgid });

  it('each role keeps its own count and lock across a restart, and the lock ends at its time', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'staff-pin-'));
    let t = 1_000_000;
    const first = open(dataDir);
    const before = createStaffPins(pinHashes, () => t, first);
    for (let i = 0; i < 4; i++) before.admin.check('000000');
    assert.deepEqual(before.admin.check('000000'), { result: 'locked', minutesLeft: 5 });
    assert.deepEqual(before.nurse.check('000000'), { result: 'wrong', triesLeft: 4 });
    first.close();

    t += 60_000;
    const second = open(dataDir);
    const after = createStaffPins(pinHashes, () => t, second);
    assert.deepEqual(after.admin.check('246810'), { result: 'locked', minutesLeft: 4 }, 'the restart did not lift the admin lock');
    assert.deepEqual(after.nurse.check('000000'), { result: 'wrong', triesLeft: 3 }, 'the nurse count carried over, apart from the admin lock');
    t += 4 * 60_000;
    assert.deepEqual(after.admin.check('246810'), { result: 'ok' }, 'the lock ended at its time');
    second.close();

    const third = open(dataDir);
    const again = createStaffPins(pinHashes, () => t, third);
    assert.deepEqual(again.admin.check('000000'), { result: 'wrong', triesLeft: 4 }, 'the right PIN cleared the kept count');
    third.close();
  });

  it('an unreadable record locks for one lockout, not forever', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'staff-pin-'));
    const journal = open(dataDir);
    journal.setMetaValue(lockoutKey('admin'), '{not json');
    let t = 5_000_000;
    const guards = createStaffPins(pinHashes, () => t, journal);
    assert.equal(guards.admin.check('246810').result, 'locked');
    t += 5 * 60_000;
    assert.deepEqual(guards.admin.check('246810'), { result: 'ok' });
    journal.close();
  });
});
