#!/usr/bin/env bash
# Debian packages the tests need; installed when missing (as root), otherwise explained.
set -euo pipefail
# python3-uno lets a render worker keep one LibreOffice running (unoserver) for its PDFs;
# postgresql is the server the tests start for the stores several machines share;
# fonts-crosextra-carlito has Calibri's metrics, so the PDFs keep the documents' layout.
PACKAGES=(libreoffice-impress-nogui libreoffice-writer-nogui libreoffice-calc-nogui python3-uno poppler-utils chromium postgresql fonts-crosextra-carlito)
missing=()
for pkg in "${PACKAGES[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
# The Nu HTML Checker (vnu.jar, from npm) runs on Java.
command -v java >/dev/null || missing+=(default-jre-headless)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "Mangler Debian-pakker: ${missing[*]} – installer dem med: sudo apt-get install ${missing[*]}" >&2
    exit 1
fi
echo "Installerer ${missing[*]} ..."
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
