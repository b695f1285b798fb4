// The msgid clock: every platform call's msgid, fixed when the call is queued and persisted in the
// meta table, so that a replay after a crash or an outage sends the same msgid as the first try and
// no two calls of this terminal ever share one.
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

export function msgidClock(meta: MetaStore, options: MsgidClockOptions) {
  const slot = options.msgidSlot ?? '';
  if (!/^\d{0,2}$/.test(slot)) throw new Error('msgidSlot is at most 2 digits');
  const perSecond = 10 ** (4 - slot.length);

  return {
    /**
     * A msgid never repeats for this terminal: within one second the counter runs up to the slot's
     * capacity, and past it the msgid takes the next second (a burst borrows time; it never wraps).
     * Called inside the transaction that queues the call, so the clock and the call commit together.
     */
    next(at: Date): string {
      const last = JSON.parse(meta.value('msgid_clock') ?? '{"second":0,"count":0}') as { second: number; count: number };
      let second = Math.max(Math.floor(at.getTime() / 1000), last.second);
      let count = second === last.second ? last.count + 1 : 0;
      if (count >= perSecond) {
        second += 1;
        count = 0;
      }
      meta.set('msgid_clock', JSON.stringify({ second, count }));
      const sequence = slot === '' ? count : Number(slot) * perSecond + count;
      return options.formatMsgid(options.institutionCode, new Date(second * 1000), sequence);
    },
  };
}

export type MsgidClock = ReturnType<typeof msgidClock>;
