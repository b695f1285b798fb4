// What a patient is told when something goes wrong: plain words and the next step, never a code
// path or a stack trace. The UI may translate by `code`; the message is the Chinese default.
import type { UserError } from './vocabulary';

const messages = {
  'qr-expired': '医保码已过期，请在手机上刷新医保码后重新扫码。',
  'qr-used': '这个医保码已经用过了，请刷新医保码后重新扫码。',
  'qr-invalid': '没有识别到医保码，请打开医保电子凭证，对准扫码口。',
  'not-a-qr': '这不是医保码。请打开国家医保服务平台或微信、支付宝中的医保电子凭证。',
  'not-insured': '没有查到您的参保信息，请到人工窗口办理。',
  'insurance-suspended': '您的医保目前暂停使用，请到人工窗口咨询。',
  'person-not-found': '没有查到您的参保信息，请到人工窗口办理。',
  'no-bill': '您目前没有需要缴费的项目。如有疑问，请咨询导医台。',
  'platform-unreachable': '医保系统暂时连不上，请稍后再试，或到人工窗口缴费。',
  'settlement-refused': '医保结算没有成功，您没有被扣费。请到人工窗口办理。',
  'needs-staff': '结算需要工作人员确认，请拿好凭条到人工窗口，您不会被重复扣费。',
  'his-unreachable': '医院系统暂时连不上，请稍后再试。',
  'wrong-step': '操作已过期，请重新开始。',
  'credit-limit-patient': '您的先诊疗后付费（信用）额度已用完，请选择其他方式支付自付部分，或到人工窗口缴费。',
  'pay-code-scan': '请打开微信或支付宝的付款码，对准扫码口扫一下。',
  'credit-limit-terminal': '本机今天的先诊疗后付费额度已满，请选择其他方式支付自付部分。',
  'offline-limit-patient': '医保系统暂时连不上，您待结算的金额已达上限。请稍后再试，或到人工窗口缴费。',
  'offline-limit-terminal': '医保系统暂时连不上，本机暂不能再受理缴费。请到人工窗口缴费。',
  'offline-queue-too-old': '医保系统长时间连不上，本机暂停受理缴费。请到人工窗口缴费。',
  'bill-not-for-patient': '这笔费用不是您的，没有扣费。请确认出示的是患者本人的医保码或证件，或请医生护士核对。',
  'bill-not-found': '没有找到这笔待结费用，可能已经结清。请刷新列表后重试。',
  'offline-queue-draining': '医保系统刚恢复连接，正在处理之前的缴费。请稍等一两分钟后重新扫码或刷卡。',
  'bill-already-paid': '这笔费用已经结算过了，不会重复扣费。如有疑问，请到人工窗口查询。',
  'bill-in-progress': '这笔费用正在结算中，请不要重复缴费。请拿好凭条，或到人工窗口查询。',
  'bill-claimed-elsewhere': '这笔费用正在其他窗口或机器上缴费，请勿重复缴费。如有疑问请到人工窗口。',
  'bill-not-admitted': '医院系统还没有为这次住院办理医保入院登记，暂时不能出院结算。请到住院处办理。',
  'card-removed': '卡片拿开得太早，没有读完。请把卡重新放好，等屏幕上出现下一步再拿开。',
  'face-mismatch': '刷脸没有通过：不是这张身份证的本人。请本人刷脸，或改用医保码，或到人工窗口办理。',
  'alert-hold': '这笔缴费需要工作人员核对，请稍候或到人工窗口办理，您没有被扣费。',
  'face-needs-staff': '刷脸没有完成，请稍候，工作人员会来帮您核对身份；也可以改用医保码。',
  'face-not-enrolled': '这张身份证还没有开通刷脸。请先用医保码缴费，缴费后可以开通刷脸。',
  'card-mismatch': '没有读准这张证件，请把证件拿起来，重新平放到读卡区再读一次。',
  'card-mismatch-staff': '这张证件两次都没有核对上，请不要再试了。请到人工窗口，工作人员会帮您核对身份。您没有被扣费。',
  'card-unreadable': '没有读出这张卡。请把卡拿起来擦一擦，再平放到读卡区；仍不行可改用医保码，或到人工窗口办理。',
  'printer-unavailable': '打印机暂时不能打印，没有打出凭证。请到人工窗口补打。',
  internal: '机器出了点问题，请到人工窗口办理。',
  'journal-write-failed': '本机暂停缴费：缴费记录写不进去（存储已满或出了故障）。请到人工窗口缴费。',
  'journal-checking': '本机刚刚启动，正在检查缴费记录，请稍候一两分钟再缴费，或到人工窗口缴费。',
  'journal-damaged': '本机暂停缴费：缴费记录检查没有通过，已通知工作人员。请到人工窗口缴费。',
  'admin-pin': '管理密码不正确。',
  'admin-locked': '管理密码错误次数过多，请5分钟后再试。',
  'amount-not-confirmed': '这笔金额较大，请先核对并确认扣款金额。没有扣费。',
} as const;

export type UserErrorCode = keyof typeof messages;

export function userError(code: UserErrorCode): UserError {
  return { code, message: messages[code] };
}
