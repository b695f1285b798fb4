// An envelope context that the simulator accepts: a kiosk of the simulated hospital in area 330100.
// For tests and local runs; a real terminal takes these from its config.
import type { EnvelopeContext } from '../../insurance/envelope';

export const simEnvelopeContext: EnvelopeContext = {
  mdtrtarea_admvs: '330100',
  recer_sys_code: 'FSI_LOCAL',
  dev_no: 'KIOSK-01',
  dev_safe_info: '',
  cainfo: '',
  signtype: 'SM2',
  infver: 'V1.0',
  opter_type: '2',
  opter: 'KIOSK-01',
  opter_name: '自助机01',
  fixmedins_code: 'H33010000001',
  fixmedins_name: '模拟医院',
};
