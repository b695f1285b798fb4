// The vendor-library interfaces by name and the device each shows as, apart from their codecs
// (interfaces.ts, with iconv-lite under it): the config's schema and a broken entry's health need
// only the names, at every start, whatever devices the terminal has.
import type { DeviceHealth } from '../../terminal/common/vocabulary';

export const VENDOR_INTERFACES = ['read-card-bas', 'ec-query', 'ec-trans'] as const;
export type VendorInterface = (typeof VENDOR_INTERFACES)[number];

const HEALTH_KIND: Record<VendorInterface, DeviceHealth['kind']> = { 'read-card-bas': 'card-reader', 'ec-query': 'qr-scanner', 'ec-trans': 'qr-scanner' };

/** The health kind a vendor library shows as: the device it stands for (the API's kinds, so screens need nothing new). */
export function vendorHealthKind(iface: unknown): DeviceHealth['kind'] {
  return typeof iface === 'string' && iface in HEALTH_KIND ? HEALTH_KIND[iface as VendorInterface] : 'card-reader';
}
