// The insured person as the platform's person query (1101) describes them: who identity finds, and
// whom a visit settles for. Sensitive: name and ID number are never logged, and sealed at rest.

/** What the terminal must remember about the patient to finish a visit; sealed in the journal. */
export interface VisitPerson {
  psnNo: string;
  insutype: string;
  insuplcAdmdvs: string;
  /** mdtrt_cert_type / mdtrt_cert_no / card_sn as presented (01 e-voucher token, 02 ID, 03 card). */
  certType: string;
  certNo: string;
  cardSn: string;
  idNo: string;
  name: string;
  gender: 'male' | 'female' | 'unknown';
  birthday: string;
  balanceFen: number | null;
  /** 家庭共济: relatives whose personal account may pay this person's self-paid part (1101), names masked. */
  familyPayers?: Array<{ psnNo: string; maskedName: string }>;
  /**
   * 就医一卡通: every insutype the person's card settles (1101's active insuinfo rows), e.g. 310 with
   * 510 生育 and 410 工伤. A bill that is for one of those is settled under it (benefitFor).
   */
  coverages?: string[];
}
