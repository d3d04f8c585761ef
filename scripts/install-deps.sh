#!/usr/bin/env bash
# Installs the Debian peers the tests run against, when they are missing. Idempotent and quiet when all are present.
# One line per peer: the command the tests run, and the Debian package that brings it (the package's status decides,
# so two packages behind one command, like dovecot-imapd and dovecot-pop3d, are each installed).
set -euo pipefail

PEERS=(
  "openssl openssl"
  "curl curl"
  "wget wget"
  "git git"
  "sslscan sslscan"
  "testssl testssl.sh"
  "nmap nmap"
  "nginx nginx-light"
  "knotd knot"
  "kdig knot-dnsutils"
  "delv bind9-dnsutils"
  "unbound unbound"
  "redis-cli redis-tools"
  "psql postgresql-client"
  "swaks swaks"
  "chromium chromium"
  "python3 python3"
  "ip iproute2"
  "postfix postfix"
  "dovecot dovecot-imapd"
  "dovecot dovecot-pop3d"
  "vsftpd vsftpd"
  "slapd slapd"
  "ldapsearch ldap-utils"
  "prosody prosody"
  "pg_ctlcluster postgresql"
  "mariadbd mariadb-server"
  "redis-server redis-server"
  "javac openjdk-17-jdk-headless"
  "go golang-go"
  "bgpdump bgpdump"
  "bird bird2"
  "gobgpd gobgpd"
  "bzip2 bzip2"
  "stayrtr stayrtr"
  "exabgp exabgp"
)

missing=()
for entry in "${PEERS[@]}"; do
  cmd=${entry%% *}
  pkg=${entry#* }
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  elif ! command -v "$cmd" >/dev/null 2>&1 && ! [ -x "/usr/sbin/$cmd" ]; then
    echo "install-deps: $pkg is installed but $cmd is not on PATH" >&2
  fi
done

if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
echo "install-deps: installing ${missing[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: not root; install these Debian packages yourself: ${missing[*]}" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
started=$SECONDS
# A mirror that hiccups once must not fail the run: apt retries each download, and the whole step is tried twice.
for attempt in 1 2; do
  if apt-get -o Acquire::Retries=3 update -qq >/dev/null &&
     apt-get -o Acquire::Retries=3 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
    echo "install-deps: installed ${#missing[@]} package(s) in $((SECONDS - started)) s" >&2
    exit 0
  fi
  echo "install-deps: apt-get failed (attempt $attempt)" >&2
  sleep 5
done
exit 1
