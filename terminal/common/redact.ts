// Personal data out of anything stored unsealed or shown on the staff screen: a platform error text
// may carry the patient's name, ID number or phone ("张三(33010219800101123X)的就诊记录..."). ID
// numbers (18 and 15 digits) and mainland mobile numbers go by pattern; names only by value, so the
// caller hands in the names it knows (the visit's person, the call's psn_name).
const ID18 = /(?<![0-9])[1-9][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx](?![0-9A-Za-z])/g;
const ID15 = /(?<![0-9])[1-9][0-9]{7}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}(?![0-9])/g;
const MOBILE = /(?<![0-9])(?:\+?86[- ]?)?1[3-9][0-9]{9}(?![0-9])/g;

export function redactPersonalData(text: string, names: ReadonlyArray<string | null | undefined> = []): string {
  let out = text.replace(ID18, '[ID]').replace(ID15, '[ID]').replace(MOBILE, '[phone]');
  // Longest first, so a full name goes before a shorter one inside it; one character alone is too common to cut.
  const known = [...new Set(names.filter((n): n is string => typeof n === 'string' && [...n.trim()].length >= 2).map((n) => n.trim()))].sort((a, b) => b.length - a.length);
  for (const name of known) out = out.split(name).join('[name]');
  return out;
}

/** Values a platform call's input carries that name a person (psn_name, certno and the like), for redaction. */
export function personalValuesIn(value: unknown, into: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) personalValuesIn(v, into);
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (typeof v === 'string' && /(^|_)(psn_name|name|certno|mdtrt_cert_no|idNo|userName)$/i.test(key)) into.push(v);
      else personalValuesIn(v, into);
    }
  }
  return into;
}
