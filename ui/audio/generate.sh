#!/bin/sh
# Generates the kiosk's voice prompts once, offline, into ui/public/audio/<lang>/<prompt>.ogg.
# Electron on Linux has no speech-synthesis voices, so the prompts ship as small audio files and
# nothing calls a voice service at run time. Needs espeak-ng and sox with Vorbis support
# (Debian: apt-get install espeak-ng sox libsox-fmt-all). The prompt names must match
# ui/src/voice-prompts.ts; a test checks that every prompt has a file in both languages.
# Speed 140 words a minute: slower than espeak's default, for older patients.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../public/audio"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

say() { # lang voice name text
  mkdir -p "$out/$1"
  espeak-ng -v "$2" -s 140 -w "$tmp/$3.wav" "$4"
  # 16 kHz mono Vorbis: a few kilobytes a second, enough for speech.
  sox "$tmp/$3.wav" -r 16000 -c 1 -C 0 "$out/$1/$3.ogg"
}

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
