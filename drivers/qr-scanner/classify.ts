// Tells what a scanned text is (医保码, payment code, hospital barcode) from its shape alone, so the
// terminal can route it without ever logging it. Patterns are settings: sites and simulators differ.

export type ScanKind = 'ec-qr' | 'pay-code' | 'hospital-barcode' | 'unknown';

export interface ScanPatterns {
  /** 医保电子凭证 payloads. The national format is not public; each source (simulator, vendor) adds its own. */
  ecQr: RegExp[];
  /** WeChat / Alipay / UnionPay payment codes shown by a patient's phone. */
  payCode: RegExp[];
  /** The hospital's own patient / visit barcodes; checked last. */
  hospitalBarcode: RegExp[];
}

/**
 * The platform simulator's 医保码 payload, NHSAEC1.<ecIndexNo>.<issued s>.<nonce>.<mac>; the source of
 * truth is EC_QR_PATTERN in terminal/sim/platform/ecqr.ts (copied: drivers import nothing from
 * terminal/ but API types). A site with a real vendor's codes adds its patterns via classifierWith.
 */
export const SIM_EC_QR_PATTERN = /^NHSAEC1\.[A-Za-z0-9]{1,64}\.\d{1,12}\.[0-9a-f]{16}\.[0-9a-f]{32}$/;

export const defaultScanPatterns: ScanPatterns = {
  ecQr: [SIM_EC_QR_PATTERN],
  payCode: [
    // WeChat: 18 digits starting 10..15.
    /^1[0-5]\d{16}$/,
    // Alipay: starts 25..30, 16 to 24 digits in all.
    /^(?:2[5-9]|30)\d{14,22}$/,
  ],
  hospitalBarcode: [/^[0-9A-Za-z]{6,20}$/],
};

export function classifyScan(text: string, patterns: ScanPatterns = defaultScanPatterns): ScanKind {
  if (patterns.ecQr.some((p) => matches(p, text))) return 'ec-qr';
  if (patterns.payCode.some((p) => matches(p, text))) return 'pay-code';
  if (patterns.hospitalBarcode.some((p) => matches(p, text))) return 'hospital-barcode';
  return 'unknown';
}

/** Builds a classifier with extra 医保码 patterns in front of the defaults (a site's own source). */
export function classifierWith(extra: Partial<ScanPatterns>): (text: string) => ScanKind {
  const patterns: ScanPatterns = {
    ecQr: [...(extra.ecQr ?? []), ...defaultScanPatterns.ecQr],
    payCode: [...(extra.payCode ?? []), ...defaultScanPatterns.payCode],
    hospitalBarcode: extra.hospitalBarcode ?? defaultScanPatterns.hospitalBarcode,
  };
  return (text) => classifyScan(text, patterns);
}

// A /g or /y pattern keeps lastIndex between calls and would match every other time.
function matches(pattern: RegExp, text: string): boolean {
  pattern.lastIndex = 0;
  return pattern.test(text);
}
