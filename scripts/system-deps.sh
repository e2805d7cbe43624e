#!/bin/sh
# Debian packages outside Python that the project uses:
#   chromium          headless page tests at phone width (tests marked `browser`)
#   fonts-wqy-zenhei  a CJK font, so Chinese renders in labels and screenshots
# Installs what is missing when running as root with apt; otherwise says what to run.
set -eu
missing=""
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
[ -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || missing="$missing fonts-wqy-zenhei"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian packages:$missing"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
  echo "note: missing Debian packages:$missing (sudo apt-get install$missing); browser tests will be skipped"
fi
