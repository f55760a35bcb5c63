#!/bin/sh
# Makes a CA and a serving certificate for the webhook in DIR (default ./certs): the names
# cover the Service the configuration references (sidecar-injector.default.svc) and the
# loopback address a url: reference uses. Needs openssl.
set -eu
DIR=${1:-certs}
NAMESPACE=${NAMESPACE:-default}
mkdir -p "$DIR"
cd "$DIR"
openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=sidecar-injector-ca" \
  -keyout ca.key -out ca.crt 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=sidecar-injector.$NAMESPACE.svc" \
  -keyout server.key -out server.csr 2>/dev/null
printf 'subjectAltName=DNS:sidecar-injector,DNS:sidecar-injector.%s,DNS:sidecar-injector.%s.svc,DNS:localhost,IP:127.0.0.1\n' "$NAMESPACE" "$NAMESPACE" > san.ext
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 365 \
  -extfile san.ext -out server.crt 2>/dev/null
rm -f server.csr san.ext ca.srl
echo "wrote $DIR/ca.crt, $DIR/server.crt, $DIR/server.key"
