#!/usr/bin/env sh
# Makes the TLS fixtures of tests/security.rs: a test CA and a server
# certificate it signs for `localhost` and 127.0.0.1, both valid for 100
# years, with P-256 keys. The keys protect nothing: they exist only for
# these tests. Run from this folder: `sh make.sh`.
set -eu
openssl ecparam -name prime256v1 -genkey -noout -out ca.key
openssl req -x509 -new -key ca.key -sha256 -days 36500 \
  -subj "/CN=generated-client test CA" \
  -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -out ca.pem
openssl ecparam -name prime256v1 -genkey -noout -out server.ec.key
# rustls reads PKCS#8 as well as SEC1; PKCS#8 is the common form.
openssl pkcs8 -topk8 -nocrypt -in server.ec.key -out server.key
rm server.ec.key
openssl req -new -key server.key -subj "/CN=localhost" -out server.csr
printf '%s\n' \
  "basicConstraints=critical,CA:FALSE" \
  "keyUsage=critical,digitalSignature" \
  "extendedKeyUsage=serverAuth" \
  "subjectAltName=DNS:localhost,IP:127.0.0.1" > server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
  -sha256 -days 36500 -extfile server.ext -out server.pem
rm -f server.csr server.ext ca.srl ca.key
