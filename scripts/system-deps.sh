#!/bin/sh
# Debian packages outside Python that the project uses:
#   fonts-wqy-zenhei  a CJK font: Chinese on printed labels (qr/fonts.py) and screenshots
#   chromium          headless page tests at phone width (tests marked `browser`)
#   poppler-utils     pdftoppm/pdftotext: tests render the label PDFs as a printer would
#   wrk               HTTP load generator for `make bench`
# `system-deps.sh runtime` only what serving needs (the font); no argument: everything.
# Installs what is missing when running as root with apt; otherwise says what to run.
set -eu
missing=""
[ -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || missing="$missing fonts-wqy-zenhei"
if [ "${1:-all}" != "runtime" ]; then
  command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
  command -v pdftoppm >/dev/null 2>&1 || missing="$missing poppler-utils"
  command -v wrk >/dev/null 2>&1 || missing="$missing wrk"
fi
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian packages:$missing"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
  echo "note: missing Debian packages:$missing (sudo apt-get install$missing); labels, browser tests or benchmarks need them"
fi
