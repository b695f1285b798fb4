// The platform's sender message id: institution code (12) + local time yyyyMMddHHmmss (14) + sequence (4).
// The sequence counter lives in the journal so that a replay after a restart keeps its msgid.

export function formatMsgid(institutionCode: string, at: Date, sequence: number): string {
  if (institutionCode.length !== 12) {
    throw new Error(`institution code must be 12 characters, got ${institutionCode.length}`);
  }
  if (!Number.isSafeInteger(sequence) || sequence < 0) throw new Error('sequence must be a non-negative integer');
  return institutionCode + formatCompactTime(at) + String(sequence % 10000).padStart(4, '0');
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** yyyyMMddHHmmss in the terminal's local time, as the platform expects. */
export function formatCompactTime(at: Date): string {
  return (
    pad(at.getFullYear(), 4) + pad(at.getMonth() + 1) + pad(at.getDate()) +
    pad(at.getHours()) + pad(at.getMinutes()) + pad(at.getSeconds())
  );
}

/** yyyy-MM-dd HH:mm:ss, the envelope's inf_time and most *_time fields. */
export function formatWireTime(at: Date): string {
  return (
    `${pad(at.getFullYear(), 4)}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ` +
    `${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`
  );
}

/** yyyyMMddHHmmssSSS, the response's refmsg_time / respond_time. */
export function formatMillisTime(at: Date): string {
  return formatCompactTime(at) + pad(at.getMilliseconds(), 3);
}
