// The platform's request and response envelopes (INSURANCE-API.md), validated at the wire boundary.
// Field names are the spec's own; nothing inside the terminal should use them past the client.
import { z } from 'zod';

/** The per-terminal static fields every request carries; they come from the terminal's config. */
export const EnvelopeContext = z.object({
  mdtrtarea_admvs: z.string().regex(/^\d{6}$/),
  recer_sys_code: z.string(),
  dev_no: z.string(),
  dev_safe_info: z.string(),
  cainfo: z.string(),
  signtype: z.string(),
  infver: z.string(),
  opter_type: z.enum(['1', '2', '3']),
  opter: z.string(),
  opter_name: z.string(),
  fixmedins_code: z.string().length(12),
  fixmedins_name: z.string(),
});
export type EnvelopeContext = z.infer<typeof EnvelopeContext>;

export const RequestEnvelope = EnvelopeContext.extend({
  infno: z.string().regex(/^\d{4}$/),
  msgid: z.string().length(30),
  insuplc_admdvs: z.string(),
  inf_time: z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
  sign_no: z.string(),
  input: z.unknown(),
});
export type RequestEnvelope = z.infer<typeof RequestEnvelope>;

// Some gateways send infcode as a string; the meaning is the same number.
const InfCode = z.union([z.number().int(), z.string().regex(/^-?\d+$/).transform(Number)]);

export const ResponseEnvelope = z.looseObject({
  infcode: InfCode,
  inf_refmsgid: z.string().nullish(),
  refmsg_time: z.string().nullish(),
  respond_time: z.string().nullish(),
  err_msg: z.string().nullish(),
  warn_msg: z.string().nullish(),
  output: z.unknown(),
});
export type ResponseEnvelope = z.infer<typeof ResponseEnvelope>;
