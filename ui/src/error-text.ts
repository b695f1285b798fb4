// What a patient reads when something went wrong: the terminal's UserError translated by its code
// into the kiosk's language, each with what to do next. A code the UI does not know yet falls
// back to the terminal's own message, which is already written for patients.
import type { UserError } from '../../terminal/api/schema';
import type { Lang } from './i18n';

type Texts = Record<Lang, string>;

/** The core's codes (terminal/common/user-errors.ts) and the UI's own transport codes. */
const errorTexts = {
  'qr-expired': {
    zh: '医保码已过期，请在手机上刷新医保码后重新扫码。',
    en: 'Your insurance code has expired. Refresh it on your phone and scan again.',
  },
  'qr-used': {
    zh: '这个医保码已经用过了，请刷新医保码后重新扫码。',
    en: 'This insurance code has already been used. Refresh it on your phone and scan again.',
  },
  'qr-invalid': {
    zh: '没有识别到医保码，请打开医保电子凭证，对准扫码口。',
    en: 'The code could not be read. Open your medical insurance e-voucher and hold it to the scanner.',
  },
  'not-a-qr': {
    zh: '这不是医保码。请打开国家医保服务平台或微信、支付宝中的医保电子凭证。',
    en: 'This is not an insurance code. Open the medical insurance e-voucher in the national app, WeChat or Alipay.',
  },
  'credit-limit-patient': {
    zh: '您的先诊疗后付费（信用）额度已用完，请选择其他方式支付自付部分，或到人工窗口缴费。',
    en: 'Your pay-later (credit) limit is used up. Choose another way to pay your share, or pay at the service desk.',
  },
  'pay-code-scan': {
    zh: '请打开微信或支付宝的付款码，对准扫码口扫一下。',
    en: 'Open the payment code in WeChat or Alipay and hold it to the scanner.',
  },
  'credit-limit-terminal': {
    zh: '本机今天的先诊疗后付费额度已满，请选择其他方式支付自付部分。',
    en: 'This kiosk cannot take more pay-later (credit) today. Choose another way to pay your share.',
  },
  'not-insured': {
    zh: '没有查到您的参保信息，请到人工窗口办理。',
    en: 'We could not find your insurance. Please go to the service desk.',
  },
  'insurance-suspended': {
    zh: '您的医保目前暂停使用，请到人工窗口咨询。',
    en: 'Your insurance is suspended at the moment. Please ask at the service desk.',
  },
  'card-mismatch': {
    zh: '没有读准这张证件，请把证件拿起来，重新平放到读卡区再读一次。',
    en: 'The card was not read correctly. Please lift it and lay it flat on the reader again.',
  },
  'journal-write-failed': {
    zh: '本机暂停缴费：缴费记录写不进去（存储已满或出了故障）。请到人工窗口缴费。',
    en: 'This kiosk has stopped taking payments: it cannot write its payment records (storage full or failing). Please pay at the service desk.',
  },
  'journal-checking': {
    zh: '本机刚刚启动，正在检查缴费记录，请稍候一两分钟再缴费，或到人工窗口缴费。',
    en: 'This kiosk has just started and is checking its payment records. Please wait a minute or two, or pay at the service desk.',
  },
  'journal-damaged': {
    zh: '本机暂停缴费：缴费记录检查没有通过，已通知工作人员。请到人工窗口缴费。',
    en: 'This kiosk has stopped taking payments: its payment records failed their check and staff have been told. Please pay at the service desk.',
  },
  'card-mismatch-staff': {
    zh: '这张证件两次都没有核对上，请不要再试了。请到人工窗口，工作人员会帮您核对身份。您没有被扣费。',
    en: 'This card did not match twice, so please do not try again. Go to the service desk, where staff will check who you are. You have not been charged.',
  },
  'person-not-found': {
    zh: '没有查到您的参保信息，请到人工窗口办理。',
    en: 'We could not find your insurance. Please go to the service desk.',
  },
  'no-bill': {
    zh: '您目前没有需要缴费的项目。如有疑问，请咨询导医台。',
    en: 'You have nothing to pay right now. If in doubt, please ask at the information desk.',
  },
  'platform-unreachable': {
    zh: '医保系统暂时连不上，请稍后再试，或到人工窗口缴费。',
    en: 'The insurance system cannot be reached right now. Please try again later or pay at the service desk.',
  },
  'settlement-refused': {
    zh: '医保结算没有成功，您没有被扣费。请到人工窗口办理。',
    en: 'The insurance payment did not go through and you have not been charged. Please go to the service desk.',
  },
  'needs-staff': {
    zh: '结算需要工作人员确认，请拿好凭条到人工窗口，您不会被重复扣费。',
    en: 'A member of staff needs to check this payment. Take your slip to the service desk; you will not be charged twice.',
  },
  'his-unreachable': {
    zh: '医院系统暂时连不上，请稍后再试。',
    en: 'The hospital system cannot be reached right now. Please try again in a moment.',
  },
  'wrong-step': {
    zh: '操作已过期，请重新开始。',
    en: 'That step has expired. Please start again.',
  },
  'offline-limit-patient': {
    zh: '医保系统暂时连不上，您待结算的金额已达上限。请稍后再试，或到人工窗口缴费。',
    en: 'The insurance system cannot be reached, and your payments waiting to complete have reached the limit. Please try later or pay at the service desk.',
  },
  'offline-limit-terminal': {
    zh: '医保系统暂时连不上，本机暂不能再受理缴费。请到人工窗口缴费。',
    en: 'The insurance system cannot be reached, and this kiosk cannot take more payments for now. Please pay at the service desk.',
  },
  'offline-queue-too-old': {
    zh: '医保系统长时间连不上，本机暂停受理缴费。请到人工窗口缴费。',
    en: 'The insurance system has been unreachable for a long time, so this kiosk has stopped taking payments. Please pay at the service desk.',
  },
  'bill-not-for-patient': {
    zh: '这笔费用不是您的，没有扣费。请确认出示的是患者本人的医保码或证件，或请医生护士核对。',
    en: "This bill is not yours and nothing was charged. Make sure you show the patient's own insurance code or card, or ask the doctor or nurse to check.",
  },
  'bill-not-found': {
    zh: '没有找到这笔待结费用，可能已经结清。请刷新列表后重试。',
    en: 'This bill could not be found; it may be paid already. Refresh the list and try again.',
  },
  'offline-queue-draining': {
    zh: '医保系统刚恢复连接，正在处理之前的缴费。请稍等一两分钟后重新扫码或刷卡。',
    en: 'The insurance system has just come back and is finishing earlier payments. Please wait a minute or two, then scan or present your card again.',
  },
  'bill-already-paid': {
    zh: '这笔费用已经结算过了，不会重复扣费。如有疑问，请到人工窗口查询。',
    en: 'This bill has already been paid, and you will not be charged again. Ask at the service desk if anything is unclear.',
  },
  'bill-in-progress': {
    zh: '这笔费用正在结算中，请不要重复缴费。请拿好凭条，或到人工窗口查询。',
    en: 'This bill is already being paid. Please do not pay it again; keep your slip or ask at the service desk.',
  },
  'bill-claimed-elsewhere': {
    zh: '这笔费用正在其他窗口或机器上缴费，请勿重复缴费。如有疑问请到人工窗口。',
    en: 'This bill is being paid at another window or kiosk. Please do not pay it again; if in doubt, ask at the service desk.',
  },
  'bill-not-admitted': {
    zh: '医院系统还没有为这次住院办理医保入院登记，暂时不能出院结算。请到住院处办理。',
    en: 'The hospital has not registered this stay with the insurance platform yet, so it cannot be settled here. Please go to the inpatient desk.',
  },
  'admin-pin': { zh: '管理密码不正确。', en: 'Wrong staff PIN.' },
  'admin-locked': { zh: '管理密码错误次数过多，请5分钟后再试。', en: 'Too many wrong PINs. Try again in 5 minutes.' },
  'amount-not-confirmed': {
    zh: '这笔金额较大，请先核对并确认扣款金额。没有扣费。',
    en: 'This is a large amount: please check and confirm the amount first. Nothing was charged.',
  },
  'admin-refused': {
    zh: '终端拒绝了这个操作，请刷新后查看该业务的状态。',
    en: 'The terminal refused this action. Refresh and check the state of the visit.',
  },
  'card-removed': {
    zh: '卡片拿开得太早，没有读完。请把卡重新放好，等屏幕上出现下一步再拿开。',
    en: 'The card was taken away before it was read. Put it back on the reader and leave it there until the screen moves on.',
  },
  'card-unreadable': {
    zh: '没有读出这张卡。请把卡拿起来擦一擦，再平放到读卡区；仍不行可改用医保码，或到人工窗口办理。',
    en: 'This card could not be read. Lift it, wipe it and lay it flat on the reader again; if that does not work, use your insurance code or go to the service desk.',
  },
  'face-mismatch': {
    zh: '刷脸没有通过：不是这张身份证的本人。请本人刷脸，或改用医保码，或到人工窗口办理。',
    en: 'The face check did not pass: the face is not the ID card holder\'s. The card holder must look at the camera, or use the insurance code, or go to the service desk.',
  },
  'alert-hold': {
    zh: '这笔缴费需要工作人员核对，请稍候或到人工窗口办理，您没有被扣费。',
    en: 'A member of staff needs to check this payment. Please wait or go to the service desk; you have not been charged.',
  },
  'face-needs-staff': {
    zh: '刷脸没有完成，请稍候，工作人员会来帮您核对身份；也可以改用医保码。',
    en: 'The face check could not be finished. Please wait: a member of staff will check your identity. You can also use your insurance code.',
  },
  'face-not-enrolled': {
    zh: '这张身份证还没有开通刷脸。请先用医保码缴费，缴费后可以开通刷脸。',
    en: 'Paying by face is not set up for this ID card. Please pay with your insurance code first; you can set up face payment after paying.',
  },
  'printer-unavailable': {
    zh: '打印机暂时不能打印，没有打出凭证。请到人工窗口补打。',
    en: 'The printer cannot print right now, so nothing was printed. Please ask at the service desk for a copy.',
  },
  internal: {
    zh: '机器出了点问题，请到人工窗口办理。',
    en: 'Something went wrong with this machine. Please go to the service desk.',
  },
  disconnected: {
    zh: '与终端的连接已断开，请稍候，或到人工窗口办理。',
    en: 'The connection to the terminal was lost. Please wait a moment or go to the service desk.',
  },
  timeout: {
    zh: '终端没有响应，请稍候再试。',
    en: 'The terminal did not answer. Please wait a moment and try again.',
  },
  'bad-request': {
    zh: '这个操作无法完成，请重新开始。',
    en: 'That action could not be done. Please start again.',
  },
  'bad-response': {
    zh: '终端出了点问题，请联系工作人员。',
    en: 'Something went wrong with the terminal. Please ask a member of staff.',
  },
} satisfies Record<string, Texts>;

export type KnownErrorCode = keyof typeof errorTexts;
export const knownErrorCodes = Object.keys(errorTexts) as KnownErrorCode[];

export function errorText(lang: Lang, error: UserError): string {
  const known = (errorTexts as Record<string, Texts | undefined>)[error.code];
  return known ? known[lang] : error.message;
}
