// The msgid clock: every platform call's msgid, fixed when the call is queued and persisted with the
// call, so that a replay after a crash or an outage sends the same msgid as the first try and no two
// calls of this terminal ever share one.
//
// Where the clock stands is read, inside the transaction that queues a call, from what is committed:
// the newest call's tick (outbox.clock, migration 12) or the floor in meta, whichever is higher. The
// clock used to be written to meta with every call: one more page in every commit that queued one
// (bench:journal-bytes' frames). The floor is written only when the newest call is about to be
// deleted (a finished probe forgotten, retention), so the clock never goes back.
import type { MetaStore } from './meta';

export interface MsgidClockOptions {
  institutionCode: string;
  /** Builds the wire msgid from the persisted sequence; the insurance layer owns the format. */
  formatMsgid: (institutionCode: string, at: Date, sequence: number) => string;
  /**
   * This terminal's digits at the head of the 4-digit sequence. The msgid is only institution code +
   * second + sequence, so two kiosks of one hospital would collide without it: slot '07' leaves each
   * terminal 100 msgids a second, '' (one terminal) all 10,000.
   */
  msgidSlot?: string;
}

/** One msgid's place on the clock as an integer, stored with its call: second * 10,000 + count. */
const TICKS_A_SECOND = 10_000;
const FLOOR_KEY = 'msgid_clock';

/** The clock's place as meta has always kept it, and as a tick. */
interface Place {
  second: number;
  count: number;
}
const tickOf = (place: Place): number => place.second * TICKS_A_SECOND + place.count;
const placeOf = (tick: number): Place => ({ second: Math.floor(tick / TICKS_A_SECOND), count: tick % TICKS_A_SECOND });

/** The newest call's tick, or null (no call, or one queued before migration 12: the floor covers it). */
export type NewestTick = () => number | null;

export function msgidClock(meta: MetaStore, newestTick: NewestTick, options: MsgidClockOptions) {
  const slot = options.msgidSlot ?? '';
  if (!/^\d{0,2}$/.test(slot)) throw new Error('msgidSlot is at most 2 digits');
  const perSecond = 10 ** (4 - slot.length);

  /** The floor: what an older terminal wrote with every call, or the tick of a newest call since deleted. */
  function floor(): number {
    return tickOf(JSON.parse(meta.value(FLOOR_KEY) ?? '{"second":0,"count":0}') as Place);
  }

  const current = (): number => Math.max(floor(), newestTick() ?? 0);

  return {
    /**
     * Before the newest call is deleted, its tick goes to the floor (in the same transaction), so the
     * clock reads no lower after it.
     */
    holdFloor(): void {
      const tick = current();
      if (tick > floor()) meta.set(FLOOR_KEY, JSON.stringify(placeOf(tick)));
    },

    /**
     * A msgid never repeats for this terminal: within one second the counter runs up to the slot's
     * capacity, and past it the msgid takes the next second (a burst borrows time; it never wraps).
     * Called inside the transaction that queues the call, whose row keeps the tick: the clock and the
     * call commit together.
     */
    next(at: Date): { msgid: string; tick: number } {
      const last = placeOf(current());
      let second = Math.max(Math.floor(at.getTime() / 1000), last.second);
      let count = second === last.second ? last.count + 1 : 0;
      if (count >= perSecond) {
        second += 1;
        count = 0;
      }
      const sequence = slot === '' ? count : Number(slot) * perSecond + count;
      return { msgid: options.formatMsgid(options.institutionCode, new Date(second * 1000), sequence), tick: tickOf({ second, count }) };
    },
  };
}

export type MsgidClock = ReturnType<typeof msgidClock>;
