#!/bin/sh
# Prints webhook.yaml with the CA from DIR (default ./certs) filled in: sh render.sh | kubectl apply -f -
set -eu
DIR=${1:-certs}
HERE=$(dirname "$0")
sed "s|CA_BUNDLE|$(base64 < "$DIR/ca.crt" | tr -d '\n')|" "$HERE/webhook.yaml"
