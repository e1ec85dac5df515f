#!/usr/bin/env bash
# Makes the X.509 test certificates of tests/compat/test_node24_x509.py with OpenSSL 3:
# RSA/EC/Ed25519/Ed448 roots, an intermediate, leaves with every kind of SAN, odd
# subjects, expired and not-yet-valid certificates, long serials. The outputs are
# committed (*.pem, *.key); run this again only to change the set:
#   bash tests/compat/x509/make_certs.sh
# `openssl ca` rather than `req -x509`: it sets exact validity dates and serials.
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rm -f ./*.pem ./*.key

cat > "$work/ca.cnf" <<'CNF'
[ ca ]
default_ca = test_ca
[ test_ca ]
database = $ENV::WORK/index.txt
serial = $ENV::WORK/serial
new_certs_dir = $ENV::WORK
default_md = default
policy = anything
unique_subject = no
email_in_dn = yes
copy_extensions = none
[ anything ]
[ ext_ca ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ ext_inter ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign, digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
authorityInfoAccess = caIssuers;URI:http://ca.example.com/root.crt
[ ext_leaf ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth, codeSigning, 1.3.6.1.4.1.311.10.3.4
subjectAltName = @sans
authorityInfoAccess = OCSP;URI:http://ocsp.example.com/, caIssuers;URI:http://ca.example.com/inter.crt
[ sans ]
DNS.1 = www.example.com
DNS.2 = *.example.org
DNS.3 = foo*.example.net
DNS.4 = *.a.b.example.io
DNS.5 = localhost
DNS.6 = xn--bcher-kva.example
IP.1 = 192.0.2.10
IP.2 = 2001:db8::1
IP.3 = ::ffff:10.0.0.1
email.1 = admin@example.com
email.2 = Ops@Example.COM
URI.1 = https://example.com/path?q=1
URI.2 = spiffe://cluster.local/ns/default/sa/web
[ ext_odd_san ]
basicConstraints = CA:FALSE
subjectAltName = @odd_sans
[ odd_sans ]
URI.1 = http://example.com/a,b
DNS.1 = quote\\".example.com
email.1 = o'brien@example.com
dirName.1 = dir_sect
RID.1 = 1.2.3.4.5
otherName.1 = 1.3.6.1.4.1.311.20.2.3;UTF8:user@example.com
otherName.2 = 1.2.3.4;UTF8:some other
IP.1 = 0.0.0.0
DNS.2 = Mixed.Case.Example.COM
[ dir_sect ]
C = DE
O = Dir, Inc.
CN = dir name
[ ext_plain ]
basicConstraints = CA:FALSE
[ ext_none ]
[ ext_cn_only ]
keyUsage = digitalSignature, nonRepudiation, dataEncipherment, keyAgreement, encipherOnly, decipherOnly
[ ext_wild ]
subjectAltName = DNS:*.wild.test, DNS:*, DNS:*.com, DNS:w*.partial.test, DNS:*w.partial2.test, DNS:a*b.partial3.test, DNS:*.*.double.test, DNS:.dot.test, email:@bad, email:user@sub.example.com, IP:10.1.2.3, IP:fe80::1:2
CNF
cat > "$work/req.cnf" <<'CNF'
oid_section = new_oids
[ new_oids ]
customAttr = 1.2.3.4.5
[ req ]
distinguished_name = dn
[ dn ]
CNF
# OpenSSL's "default" string mask: PrintableString, T61String (for '*' and '@'), BMPString.
sed 's/^\[ req \]$/[ req ]\nstring_mask = default/' "$work/req.cnf" > "$work/req-bmp.cnf"
export WORK="$work"
touch "$work/index.txt"

key() { # name algorithm [options...]
  local name=$1; shift
  openssl genpkey -quiet -algorithm "$@" -out "$name.key"
}
# sign NAME KEY SUBJECT ISSUER_CERT|self ISSUER_KEY EXTENSION SERIAL_HEX START END [ca options...]
sign() {
  local name=$1 key=$2 subject=$3 issuer=$4 issuer_key=$5 ext=$6 serial=$7 start=$8 end=$9; shift 9
  echo "$serial" > "$work/serial"
  openssl req -new -config "$work/${REQ_CONFIG:-req.cnf}" -key "$key.key" -subj "$subject" -utf8 -multivalue-rdn -out "$work/$name.csr"
  local issuer_args=(-cert "$issuer")
  [ "$issuer" = self ] && issuer_args=(-selfsign)
  openssl ca -batch -notext -config "$work/ca.cnf" -in "$work/$name.csr" -out "$name.pem" \
    "${issuer_args[@]}" -keyfile "$issuer_key" -extensions "$ext" -preserveDN -utf8 -multivalue-rdn \
    -startdate "$start" -enddate "$end" "$@" 2>"$work/err" || { cat "$work/err"; exit 1; }
}

key root-rsa RSA -pkeyopt rsa_keygen_bits:2048
key inter-ec EC -pkeyopt ec_paramgen_curve:P-384
key leaf-ec EC -pkeyopt ec_paramgen_curve:P-256
key leaf-rsa RSA -pkeyopt rsa_keygen_bits:2048
key root-ed25519 ED25519
key leaf-ed25519 ED25519
key root-ed448 ED448
key root-p521 EC -pkeyopt ec_paramgen_curve:P-521
key odd-rsa RSA -pkeyopt rsa_keygen_bits:1024
key k256 EC -pkeyopt ec_paramgen_curve:secp256k1

T0=20240101000000Z
sign root-rsa root-rsa "/C=US/O=Flow Test/CN=Flow Test Root RSA" self root-rsa.key ext_ca 01 $T0 20440101000000Z -md sha256
sign inter-ec inter-ec "/C=US/O=Flow Test/OU=Intermediates/CN=Flow Test Intermediate EC" root-rsa.pem root-rsa.key ext_inter 1000 $T0 20400101000000Z -md sha384
sign leaf-ec leaf-ec "/C=US/ST=California/L=San Francisco/O=Example Corp/CN=www.example.com" inter-ec.pem inter-ec.key ext_leaf 7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF 20250101000000Z 20350101000000Z -md sha384
sign leaf-rsa-pss leaf-rsa "/C=GB/O=PSS Ltd/CN=pss.example.com" root-rsa.pem root-rsa.key ext_leaf 00FF $T0 20350101000000Z -md sha256 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32
sign leaf-rsa-sha512 leaf-rsa "/CN=sha512.example.com" root-rsa.pem root-rsa.key ext_plain 02 $T0 20350101000000Z -md sha512
sign leaf-rsa-sha1 leaf-rsa "/CN=sha1.example.com" root-rsa.pem root-rsa.key ext_none 03 $T0 20350101000000Z -md sha1
sign root-ed25519 root-ed25519 "/O=Edwards/CN=Ed25519 Root" self root-ed25519.key ext_ca 0A $T0 20440101000000Z
sign leaf-ed25519 leaf-ed25519 "/O=Edwards/CN=ed.example.com" root-ed25519.pem root-ed25519.key ext_leaf 0B $T0 20350101000000Z
sign root-ed448 root-ed448 "/O=Edwards/CN=Ed448 Root" self root-ed448.key ext_ca 0C $T0 20440101000000Z
sign root-p521 root-p521 "/C=FR/O=Big Curve/CN=P-521 Root" self root-p521.key ext_ca 0D $T0 20440101000000Z -md sha512
sign k256 k256 "/CN=secp256k1 self-signed" self k256.key ext_plain 0E $T0 20350101000000Z -md sha256
# Odd subjects: a multi-valued RDN, UTF-8, RFC 2253 specials, an email address, a number-only OID.
sign odd-subject odd-rsa "/C=CN/O=Plus \\+ Comma\\, Inc./OU=One+OU=Two/CN=日本語 名前 ü/emailAddress=ops@example.com/customAttr=custom oid/serialNumber=12345/DC=example/DC=com" root-rsa.pem root-rsa.key ext_odd_san 7F $T0 20350101000000Z -md sha256
sign odd-escapes odd-rsa "/CN=#hash \\\\ back\"quote<lt>gt;semi /O= leading space/L=trailing space /title=Ünïcödé/street=a\\,b" root-rsa.pem root-rsa.key ext_none 80 $T0 20350101000000Z -md sha256
sign cn-only odd-rsa "/C=US/CN=cnonly.example.com" root-rsa.pem root-rsa.key ext_cn_only 00 $T0 20350101000000Z -md sha256
sign cn-wild odd-rsa "/CN=*.cnwild.example.com/CN=second.example.com" root-rsa.pem root-rsa.key ext_none 0100 $T0 20350101000000Z -md sha256
sign wildcards odd-rsa "/CN=wild.test" root-rsa.pem root-rsa.key ext_wild 0123456789ABCDEF0123456789ABCDEF01234567 $T0 20350101000000Z -md sha256
sign expired leaf-ec "/CN=expired.example.com" inter-ec.pem inter-ec.key ext_leaf 11 20000101000000Z 20010101120000Z -md sha256
sign not-yet-valid leaf-ec "/CN=future.example.com" inter-ec.pem inter-ec.key ext_leaf 12 20900615083009Z 21000101000000Z -md sha256
sign empty-subject leaf-ed25519 "/" root-ed25519.pem root-ed25519.key ext_odd_san 13 $T0 20350101000000Z
sign ec-sha224 inter-ec "/C=US/O=Flow Test/CN=P-384 with SHA-224" inter-ec.pem inter-ec.key ext_plain 14 $T0 20350101000000Z -md sha224
# A version 1 certificate (no extensions at all), self-signed.
openssl req -new -x509 -config "$work/req.cnf" -key odd-rsa.key -subj "/CN=v1 self-signed/O=Old School" -set_serial 21 \
  -days 3650 -sha256 -out v1-self.pem
# T61String, BMPString and PrintableString values (OpenSSL's "default" string mask), and one
# certificate with no subject alternative names but an email address in its subject.
REQ_CONFIG=req-bmp.cnf sign strings-bmp odd-rsa "/CN=*.t61.example.com/O=Ünïcödé BMP 名前/OU=T61 Ünïcödé/OU=plain printable/emailAddress=ops@example.com" root-rsa.pem root-rsa.key ext_none 15 $T0 20350101000000Z -md sha256
