// Which bill a pass pays. A patient who began 缴费 themselves pays the first bill of the service they
// chose; a payment someone else started (诊间支付 from a doctor's workstation, or a nurse at the
// bed) pays the one bill it was started for, and only for the person it belongs to. The in-room
// request that follows such a visit is in-room-requests.ts.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { DirectedPayment, ServiceKind } from '../api/schema';
import type { HisBill } from '../his/client';

const medTypesFor: Record<ServiceKind, readonly string[]> = {
  outpatient: ['11', '13', '14'],
  registration: ['12'],
  // 52: a maternity (生育) stay is discharged like any other, then paid by the maternity fund.
  discharge: ['21', '52'],
};

/** The service a directed bill's med_type belongs to (outpatient when the HIS names another). */
export function serviceOfMedType(medType: string): ServiceKind {
  return (Object.keys(medTypesFor) as ServiceKind[]).find((k) => medTypesFor[k].includes(medType)) ?? 'outpatient';
}

export function chooseBill(bills: HisBill[], service: ServiceKind): HisBill | null {
  return bills.find((b) => medTypesFor[service].includes(b.medType)) ?? null;
}

/**
 * A directed visit takes only the bill it was started for, and only from the person it belongs to:
 * the workstation may name the patient it meant by a hash of the certno, so a different person's
 * code is refused.
 */
export function directedBill(bills: HisBill[], directed: DirectedPayment, certno: string, certnoSha256: string | null): HisBill | null {
  if (certnoSha256 !== null) {
    const seen = createHash('sha256').update(certno).digest();
    if (!timingSafeEqual(seen, Buffer.from(certnoSha256, 'hex'))) return null;
  }
  return bills.find((b) => b.billId === directed.billId) ?? null;
}
