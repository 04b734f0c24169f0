#!/usr/bin/env bash
# Certificates for the compose file's Temporal frontend (mutual TLS), made with openssl into the
# folder given (TEMPORAL_CERTS_DIR): a CA of KiAP's own, the frontend's certificate for the
# name "temporal", and one client certificate the workers, the web app and the UI present.
# Keep ca.key off the servers; renew before the certificates' 825 days run out.
set -euo pipefail
dir=${1:?usage: scripts/temporal-certs.sh FOLDER}
mkdir -p "$dir" && cd "$dir"
[ -e ca.pem ] && { echo "$dir har allerede ca.pem – slet mappen for at lave nye" >&2; exit 1; }
openssl req -x509 -newkey rsa:4096 -sha256 -days 825 -nodes -subj "/CN=klyngepakke-ca" \
    -keyout ca.key -out ca.pem 2>/dev/null
make() {  # name, subject CN, extensions
    openssl req -newkey rsa:2048 -nodes -subj "/CN=$2" -keyout "$1.key" -out "$1.csr" 2>/dev/null
    openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 825 -sha256 \
        -extfile <(printf '%s' "$3") -out "$1.pem" 2>/dev/null
    rm "$1.csr"
}
make server temporal "subjectAltName=DNS:temporal
extendedKeyUsage=serverAuth,clientAuth"
make client klyngepakke "extendedKeyUsage=clientAuth"
chmod 600 ./*.key
echo "Certifikater i $dir: ca.pem, server.pem/.key (temporal), client.pem/.key"
