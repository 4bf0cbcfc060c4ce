#!/bin/sh
# Debian's Chromium for the browser tests (Playwright drives it; no browser download).
set -eu
if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" = "0" ]; then
        apt-get update -qq >/dev/null && apt-get install -y -qq chromium >/dev/null
    else
        echo "note: /usr/bin/chromium missing and not root: browser tests will be skipped" >&2
    fi
fi
