#!/usr/bin/env bash
# Installs the Debian peers the tests run against, when they are missing. Idempotent and quiet when all are present.
# One line per peer: the command the tests run, and the Debian package that brings it (the package's status decides,
# so two packages behind one command, like dovecot-imapd and dovecot-pop3d, are each installed).
# Packages come with --no-install-recommends, so a capability that Debian ships as a Recommends (swaks' TLS is
# libnet-ssleay-perl) is a line of its own here, and after installing, every peer that is present is asked whether it
# can do what the tests need (CAPABILITIES below): one that cannot fails the run here, with the reason, rather than
# tests failing later with a peer's own message.
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
  "perl libnet-ssleay-perl"
  "chromium chromium"
  "pdftoppm poppler-utils"
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
  "tcpdump tcpdump"
  "tshark tshark"
  "arpspoof dsniff"
  "arpwatch arpwatch"
  "python3 python3-scapy"
  "stunnel4 stunnel4"
  "haproxy haproxy"
  "wrk wrk"
  "certbot certbot"
  "wpa_supplicant wpasupplicant"
  "hostapd hostapd"
  "openvpn openvpn"
  "wireguard-go wireguard-go"
  "wg wireguard-tools"
  "ping iputils-ping"
  "swanctl strongswan-swanctl"
  "swanctl strongswan-charon"
  "swanctl libstrongswan-standard-plugins"
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

# What the tests need of a peer beyond its command, and how to ask it: "command|question|what brings the answer" (the
# question is a shell command that exits 0 when the peer can; it may contain pipes, the other two fields may not).
# Only peers whose command is present are asked (an absent one is reported above or installed below).
CAPABILITIES=(
  "swaks|swaks --support 2>&1 | grep -q '=== TLS supported'|libnet-ssleay-perl (a Recommends of swaks): swaks --tls needs Net::SSLeay"
  "postfix|/usr/sbin/postconf -d smtpd_tls_security_level|postfix built with TLS (Debian's is)"
  "dovecot|/usr/sbin/dovecot --build-options 2>/dev/null | grep -qw openssl|dovecot-core built with OpenSSL (Debian's is)"
  "prosody|lua5.4 -e 'require(\"ssl\")'|lua-sec for prosody's STARTTLS (a Depends of prosody)"
  "chromium|fc-list | grep -q .|at least one font for Chromium to render text (fonts-dejavu-core through fontconfig, or fonts-liberation, chromium's Recommends)"
  "go|GOFLAGS= GOPROXY=off GOTOOLCHAIN=local go list std 2>/dev/null | grep -qx crypto/tls|Go's standard library (golang-1.19-src, a Depends of golang-go): the Go client builds offline from it"
  "nmap|ls /usr/share/nmap/scripts/ssl-enum-ciphers.nse|nmap's NSE script ssl-enum-ciphers (nmap-common)"
  "perl|perl -MNet::SSLeay -e 1|libnet-ssleay-perl"
)

check_capabilities() {
  local unable=() entry cmd question what
  for entry in "${CAPABILITIES[@]}"; do
    # The question may hold pipes; the command and the explanation do not.
    cmd=${entry%%|*}; question=${entry#*|}; what=${question##*|}; question=${question%|*}
    if ! command -v "$cmd" >/dev/null 2>&1 && ! [ -x "/usr/sbin/$cmd" ]; then continue; fi
    if ! bash -c "$question" >/dev/null 2>&1; then unable+=("$cmd cannot do what the tests need: \`$question\` failed; needs $what"); fi
  done
  if [ ${#unable[@]} -gt 0 ]; then
    printf 'install-deps: %s\n' "${unable[@]}" >&2
    echo "install-deps: ${#unable[@]} peer(s) present but unable; install what is named above (as root: bash scripts/install-deps.sh)" >&2
    return 1
  fi
}

if [ ${#missing[@]} -eq 0 ]; then check_capabilities; exit $?; fi
echo "install-deps: installing ${missing[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: not root; install these Debian packages yourself: ${missing[*]}" >&2
  check_capabilities
  exit $?
fi
export DEBIAN_FRONTEND=noninteractive
# tshark: no setuid dumpcap (the tests read files; the question would block a non-interactive install otherwise).
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections 2>/dev/null || true
started=$SECONDS
# A mirror that hiccups once must not fail the run: apt retries each download, and the whole step is tried twice.
# Another apt on the machine (a second checkout running this script) holds the lock for a while: wait for it.
for attempt in 1 2; do
  if apt-get -o Acquire::Retries=3 -o DPkg::Lock::Timeout=600 update -qq >/dev/null &&
     apt-get -o Acquire::Retries=3 -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
    echo "install-deps: installed ${#missing[@]} package(s) in $((SECONDS - started)) s" >&2
    check_capabilities
    exit $?
  fi
  echo "install-deps: apt-get failed (attempt $attempt)" >&2
  sleep 5
done
exit 1
