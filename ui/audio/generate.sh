#!/bin/sh
# Generates the kiosk's voice prompts once, offline, into ui/public/audio/<lang>/<prompt>.ogg.
# Electron on Linux has no speech-synthesis voices, so the prompts ship as small audio files and
# nothing calls a voice service at run time. Needs espeak-ng and sox with Vorbis support
# (Debian: apt-get install espeak-ng sox libsox-fmt-all). The prompt names must match
# ui/src/voice-prompts.ts; a test checks that every prompt has a file in both languages.
# Speed 140 words a minute: slower than espeak's default, for older patients.
# The number clips (audio/<lang>/n/) say an amount to pay: ui/src/voice-amount.ts composes them and
# a test checks that every clip it names exists. `generate.sh --numbers` makes only those, so the
# prompts already shipped are not rewritten byte for byte by another espeak-ng build.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../public/audio"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

say() { # lang voice name text
  mkdir -p "$(dirname "$out/$1/$3")"
  espeak-ng -v "$2" -s 140 -w "$tmp/clip.wav" "$4"
  # 16 kHz mono Vorbis: a few kilobytes a second, enough for speech.
  sox "$tmp/clip.wav" -r 16000 -c 1 -C 0 "$out/$1/$3.ogg"
}

number() { # lang voice name text: one word of an amount, its silence trimmed so clips run together
  mkdir -p "$out/$1/n"
  espeak-ng -v "$2" -s 140 -w "$tmp/clip.wav" "$4"
  sox "$tmp/clip.wav" -r 16000 -c 1 -C 0 "$out/$1/n/$3.ogg" silence 1 0.02 0.5% reverse silence 1 0.02 0.5% reverse
}

numbers() {
  number zh cmn pay-now '您需要支付'
  i=0
  for w in 零 一 二 三 四 五 六 七 八 九; do number zh cmn "$i" "$w"; i=$((i + 1)); done
  number zh cmn liang 两
  number zh cmn shi 十
  number zh cmn bai 百
  number zh cmn qian 千
  number zh cmn wan 万
  number zh cmn yi 亿
  number zh cmn yuan 元
  number zh cmn jiao 角
  number zh cmn fen 分
  number zh cmn zheng 整

  number en en-us pay-now 'You need to pay'
  i=0
  for w in zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen \
    fifteen sixteen seventeen eighteen nineteen; do number en en-us "$i" "$w"; i=$((i + 1)); done
  for t in 20:twenty 30:thirty 40:forty 50:fifty 60:sixty 70:seventy 80:eighty 90:ninety; do
    number en en-us "${t%%:*}" "${t#*:}"
  done
  number en en-us hundred hundred
  number en en-us thousand thousand
  number en en-us million million
  number en en-us point point
  number en en-us yuan yuan
}

if [ "${1:-}" = "--numbers" ]; then
  numbers
  exit 0
fi

say zh cmn identify '请打开手机上的医保码，对准下方的扫码口。'
say zh cmn confirm '请核对费用。确认无误后，请点击确认支付。'
say zh cmn receipt '缴费成功。请带好您的随身物品。'
say zh cmn pending '网络暂时中断。您的费用已经登记，网络恢复后自动完成，不会重复扣费。请保留凭条。'
say zh cmn error '没有办成，请看屏幕上的提示。'
say zh cmn idle-warning '您还在吗？如需继续，请点击屏幕。'
say zh cmn history '这是您的缴费记录和检查报告。需要凭条，请点击打印。'
say zh cmn face-look '请正对摄像头，摘下帽子和口罩。'
say zh cmn face-closer '请再靠近一点。'
say zh cmn face-turn-left '请慢慢向左转头，再转回来。'
say zh cmn face-turn-right '请慢慢向右转头，再转回来。'
say zh cmn face-hold-still '请保持不动。'

say en en-us identify 'Please open the medical insurance code on your phone and hold it to the scanner below.'
say en en-us confirm 'Please check your bill, then touch Confirm payment.'
say en en-us receipt 'Payment complete. Please take your belongings.'
say en en-us pending 'The network is down for now. Your bill is recorded and will complete when it is back. You will not be charged twice. Please keep this slip.'
say en en-us error 'That did not work. Please read the message on the screen.'
say en en-us idle-warning 'Are you still there? Touch the screen to continue.'
say en en-us history 'These are your past payments and reports. To print a receipt, touch Print.'
say en en-us face-look 'Please look straight at the camera, without hat or mask.'
say en en-us face-closer 'Please come a little closer.'
say en en-us face-turn-left 'Slowly turn your head to the left, then back.'
say en en-us face-turn-right 'Slowly turn your head to the right, then back.'
say en en-us face-hold-still 'Please hold still.'

numbers
