// The `vendor-lib` entry of a terminal's devices list: which library file, which interface it
// implements, how long a call may take. The manager embeds these fields in its DeviceConfig.
import { z } from 'zod';
import { VENDOR_INTERFACES } from './interface-names';

/** A C identifier: it goes into a koffi prototype. */
const Symbol = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'a C function name');

export const vendorLibFields = {
  /** The DLL (or .so): an absolute path, or a name the OS finds on its library path. */
  library: z.string().min(1),
  interface: z.enum(VENDOR_INTERFACES),
  /** The exported function when the vendor named it differently (ReadCardBas, EcQuery, NationEcTrans by default). */
  symbol: Symbol.optional(),
  /** One call's limit; past it the library's process is killed and the device shows the error. */
  timeoutMs: z.number().int().positive().default(5000),
  /** Loading the library (and its Init) may take longer than a call: a cold start of a vendor's runtime. */
  openTimeoutMs: z.number().int().positive().optional(),
  pollMs: z.number().int().positive().optional(),
  /** always (card readers, by default) or identify (e-voucher: the library waits for a scan or a face; by default). */
  pollOn: z.enum(['always', 'identify']).optional(),
  /** How long after an identify step the library is called (pollOn identify). */
  windowMs: z.number().int().positive().optional(),
  /** Vendor libraries on Chinese Windows answer in GBK (the ANSI code page). */
  encoding: z.enum(['gbk', 'utf-8']).default('gbk'),
  /** ec-trans: the e-voucher service address the library calls. */
  url: z.string().min(1).optional(),
  /** ec-query / ec-trans: the institution and use of the code, as the platform's e-voucher decode takes them. */
  request: z
    .object({
      orgId: z.string().min(1),
      businessType: z.string().min(1),
      operatorId: z.string().default(''),
      operatorName: z.string().default(''),
      officeId: z.string().default(''),
      officeName: z.string().default(''),
      deviceType: z.string().default(''),
      /** ec.query for a 医保码 scan, cn.nhsa.ec.auth for a face capture (刷脸). */
      transType: z.string().min(1).default('ec.query'),
    })
    .optional(),
  /** A library that needs Init(char*, char*) once before calls (SSCard-style Init(pUrl, pUser)). */
  init: z.object({ symbol: Symbol.optional(), args: z.tuple([z.string(), z.string()]) }).optional(),
};

/** The checks across fields: an e-voucher call needs its request, NationEcTrans its URL. */
export function vendorLibIssues(c: { interface: string; request?: unknown; url?: string }): { message: string; path: string[] } | null {
  if (c.interface !== 'read-card-bas' && !c.request) return { message: `interface ${c.interface} needs a request (orgId, businessType)`, path: ['request'] };
  if (c.interface === 'ec-trans' && !c.url) return { message: 'interface ec-trans needs the service url', path: ['url'] };
  return null;
}
