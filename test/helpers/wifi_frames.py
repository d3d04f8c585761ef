#!/usr/bin/python3
"""802.11 test captures built frame by frame with scapy (Debian python3-scapy) and written by scapy's own wrpcap.

Usage: wifi_frames.py SCENARIO OUT.pcap   (scenarios: inventory, attacks, clean, flood-big COUNT)
Element bodies are the bytes IEEE 802.11-2020 §9.4.2 defines (RSN, RSNXE) and the Wi-Fi Alliance vendor elements
(WPA 00-50-F2:1, WPS 00-50-F2:4); no helper of ours is used, so the decoder under test never checks itself.
"""
import struct
import sys

from scapy.all import Dot11, Dot11Beacon, Dot11Elt, Dot11ProbeReq, Dot11ProbeResp, Dot11Auth, Dot11AssoReq, Dot11Deauth, Dot11Disas, RadioTap, LLC, SNAP, EAPOL, wrpcap, Raw

T0 = 1_700_000_000.0
IEEE = b"\x00\x0f\xac"
MS = b"\x00\x50\xf2"


def suite(oui, t):
    return oui + bytes([t])


def rsn(pairwise=(4,), akms=(2,), group=4, caps=0, gmc=None):
    body = struct.pack("<H", 1) + suite(IEEE, group)
    body += struct.pack("<H", len(pairwise)) + b"".join(suite(IEEE, p) for p in pairwise)
    body += struct.pack("<H", len(akms)) + b"".join(suite(IEEE, a) for a in akms)
    body += struct.pack("<H", caps)
    if gmc is not None:
        body += struct.pack("<H", 0) + suite(IEEE, gmc)
    return Dot11Elt(ID=48, info=body)


def wpa_ie(pairwise=(2,), akms=(2,), group=2):
    body = MS + b"\x01" + struct.pack("<H", 1) + suite(MS, group)
    body += struct.pack("<H", len(pairwise)) + b"".join(suite(MS, p) for p in pairwise)
    body += struct.pack("<H", len(akms)) + b"".join(suite(MS, a) for a in akms)
    return Dot11Elt(ID=221, info=body)


def wps_ie(state=2, locked=False):
    tlv = lambda t, v: struct.pack(">HH", t, len(v)) + v
    body = MS + b"\x04" + tlv(0x104A, b"\x10") + tlv(0x1044, bytes([state]))
    if locked:
        body += tlv(0x1057, b"\x01")
    body += tlv(0x1011, b"TestAP")
    return Dot11Elt(ID=221, info=body)


def rsnxe(h2e=True):
    return Dot11Elt(ID=244, info=bytes([0x20 if h2e else 0x00]))


MFPC, MFPR = 0x80, 0x40
# name: (bssid, ssid, channel, privacy, elements)
NETWORKS = {
    "open": ("02:00:00:00:00:01", "CafeOpen", 1, False, []),
    "wep": ("02:00:00:00:00:02", "OldWep", 6, True, []),
    "wpa-tkip": ("02:00:00:00:00:03", "LegacyWpa", 11, True, [wpa_ie()]),
    "wpa2-psk": ("02:00:00:00:00:04", "HomeWpa2", 1, True, [rsn(akms=(2,))]),
    "wpa2-psk-pmfc": ("02:00:00:00:00:05", "HomeWpa2Pmf", 6, True, [rsn(akms=(2, 6), caps=MFPC)]),
    "wpa3-sae": ("02:00:00:00:00:06", "CorpSae", 36, True, [rsn(akms=(8,), caps=MFPC | MFPR), rsnxe(True)]),
    "wpa3-transition": ("02:00:00:00:00:07", "CorpMixed", 40, True, [rsn(akms=(2, 8), caps=MFPC), rsnxe(False)]),
    "wpa2-eap": ("02:00:00:00:00:08", "CorpEap", 44, True, [rsn(akms=(1,))]),
    "wpa3-eap": ("02:00:00:00:00:09", "CorpEap3", 48, True, [rsn(akms=(5,), caps=MFPC | MFPR, gmc=6)]),
    "wpa3-192": ("02:00:00:00:00:0a", "CorpSuiteB", 149, True, [rsn(pairwise=(9,), group=9, akms=(12,), caps=MFPC | MFPR, gmc=12)]),
    "owe": ("02:00:00:00:00:0b", "CafeOwe", 153, True, [rsn(akms=(18,), caps=MFPC | MFPR)]),
    "wps": ("02:00:00:00:00:0c", "PrinterWps", 11, True, [rsn(akms=(2,)), wps_ie()]),
    "ft-sae-ext": ("02:00:00:00:00:0d", "CorpSaeExt", 157, True, [rsn(pairwise=(9,), group=9, akms=(24, 25), caps=MFPC | MFPR), rsnxe(True)]),
    "wpa-wpa2": ("02:00:00:00:00:0e", "MixedWpa", 3, True, [rsn(pairwise=(2, 4), group=2, akms=(2,)), wpa_ie(pairwise=(2, 4))]),
}

FREQ = {c: (2407 + 5 * c) for c in range(1, 14)}
FREQ.update({c: 5000 + 5 * c for c in range(36, 166)})


def radio(channel, signal=-40, fcs=False):
    flags = "FCS" if fcs else 0
    return RadioTap(present="Flags+Channel+dBm_AntSignal", Flags=flags, ChannelFrequency=FREQ[channel], ChannelFlags=0x00A0 if channel < 15 else 0x0140, dBm_AntSignal=signal)


def beacon(bssid, ssid, channel, privacy, elts, t, signal=-40, fcs=False):
    cap = "ESS+privacy" if privacy else "ESS"
    p = radio(channel, signal, fcs) / Dot11(type=0, subtype=8, addr1="ff:ff:ff:ff:ff:ff", addr2=bssid, addr3=bssid) / Dot11Beacon(cap=cap, beacon_interval=100)
    p = p / Dot11Elt(ID=0, info=ssid.encode()) / Dot11Elt(ID=1, info=b"\x82\x84\x8b\x96") / Dot11Elt(ID=3, info=bytes([channel]))
    for e in elts:
        p = p / e
    if fcs:
        p = p / Raw(b"\xde\xad\xbe\xef")
    p.time = t
    return p


def probe_resp(bssid, sta, ssid, channel, privacy, elts, t):
    cap = "ESS+privacy" if privacy else "ESS"
    p = radio(channel) / Dot11(type=0, subtype=5, addr1=sta, addr2=bssid, addr3=bssid) / Dot11ProbeResp(cap=cap, beacon_interval=100)
    p = p / Dot11Elt(ID=0, info=ssid.encode()) / Dot11Elt(ID=3, info=bytes([channel]))
    for e in elts:
        p = p / e
    p.time = t
    return p


def probe_req(sta, ssid, channel, t):
    p = radio(channel) / Dot11(type=0, subtype=4, addr1="ff:ff:ff:ff:ff:ff", addr2=sta, addr3="ff:ff:ff:ff:ff:ff") / Dot11ProbeReq() / Dot11Elt(ID=0, info=ssid.encode())
    p.time = t
    return p


def eapol_key(ap, sta, channel, t, message, pmkid=False):
    # IEEE 802.11-2020 §12.7.2: descriptor 2, key info, key length, replay counter, nonce, IV, RSC, reserved, MIC(16), key data.
    info = {1: 0x008A, 2: 0x010A, 3: 0x13CA, 4: 0x030A}[message]
    key_data = b""
    if pmkid:
        key_data = b"\xdd\x14" + IEEE + b"\x04" + bytes(range(16))
    if message == 2:
        key_data = bytes(rsn(akms=(8,), caps=MFPC | MFPR))  # M2 carries the station's RSN element (§12.7.6.3)
    if message == 3:
        key_data = b"\x00" * 56  # wrapped GTK: opaque here
    body = bytes([2]) + struct.pack(">HH", info, 16 if message in (1, 3) else 0) + struct.pack(">Q", 1 if message < 3 else 2)
    body += (b"\x11" * 32 if message in (1, 3) else b"\x22" * 32 if message == 2 else b"\x00" * 32)
    body += b"\x00" * 16 + b"\x00" * 8 + b"\x00" * 8
    body += (b"\x00" * 16 if message == 1 else b"\x33" * 16)
    body += struct.pack(">H", len(key_data)) + key_data
    from_ap = message in (1, 3)
    fc = "from-DS" if from_ap else "to-DS"
    a1, a2 = (sta, ap) if from_ap else (ap, sta)
    p = radio(channel) / Dot11(type=2, subtype=8, FCfield=fc, addr1=a1, addr2=a2, addr3=ap) / Raw(b"\x06\x00") / LLC(dsap=0xAA, ssap=0xAA, ctrl=3) / SNAP(OUI=0, code=0x888E) / EAPOL(version=2, type=3, len=len(body)) / Raw(body)
    p.time = t
    return p


def auth(src, dst, bssid, channel, t, seq):
    p = radio(channel) / Dot11(type=0, subtype=11, addr1=dst, addr2=src, addr3=bssid) / Dot11Auth(algo=0, seqnum=seq, status=0)
    p.time = t
    return p


def assoc_req(sta, ap, ssid, channel, elts, t):
    p = radio(channel) / Dot11(type=0, subtype=0, addr1=ap, addr2=sta, addr3=ap) / Dot11AssoReq(cap="ESS+privacy", listen_interval=10) / Dot11Elt(ID=0, info=ssid.encode())
    for e in elts:
        p = p / e
    p.time = t
    return p


def inventory():
    pkts = []
    t = T0
    for i, (name, (bssid, ssid, ch, priv, elts)) in enumerate(NETWORKS.items()):
        for k in range(2):
            pkts.append(beacon(bssid, ssid, ch, priv, elts, t, signal=-30 - i, fcs=(name == "wpa2-psk")))
            t += 0.1024
    return pkts


CORP = ("02:00:00:00:10:01", "CorpNet", 6)
CORP_ELTS = [rsn(akms=(8,), caps=MFPC | MFPR), rsnxe(True)]
STA = "02:00:00:00:aa:01"


def clean():
    bssid, ssid, ch = CORP
    pkts, t = [], T0
    for _ in range(5):
        pkts.append(beacon(bssid, ssid, ch, True, CORP_ELTS, t)); t += 0.1024
    pkts.append(probe_req(STA, ssid, ch, t)); t += 0.001
    pkts.append(probe_resp(bssid, STA, ssid, ch, True, CORP_ELTS, t)); t += 0.001
    pkts.append(auth(STA, bssid, bssid, ch, t, 1)); t += 0.001
    pkts.append(auth(bssid, STA, bssid, ch, t, 2)); t += 0.001
    pkts.append(assoc_req(STA, bssid, ssid, ch, CORP_ELTS, t)); t += 0.001
    for m in (1, 2, 3, 4):
        pkts.append(eapol_key(bssid, STA, ch, t, m)); t += 0.001
    for _ in range(5):
        pkts.append(beacon(bssid, ssid, ch, True, CORP_ELTS, t)); t += 0.1024
    # one deauthentication when the station leaves: not a flood
    d = radio(ch) / Dot11(type=0, subtype=12, addr1=bssid, addr2=STA, addr3=bssid) / Dot11Deauth(reason=3)
    d.time = t
    pkts.append(d)
    return pkts


def attacks():
    bssid, ssid, ch = CORP
    pkts, t = clean(), T0 + 10
    # evil twin: CorpNet, open, unknown BSSID
    for _ in range(3):
        pkts.append(beacon("02:00:00:00:66:66", ssid, 11, False, [], t, signal=-20)); t += 0.1024
    # KARMA: one BSSID answering probes for four SSIDs
    for name in ("HomeWifi", "Airport_Free", "Hotel-Guest", "CorpNet"):
        pkts.append(probe_req("02:00:00:00:bb:01", name, 1, t)); t += 0.001
        pkts.append(probe_resp("02:00:00:00:77:77", "02:00:00:00:bb:01", name, 1, False, [], t)); t += 0.001
    # deauth flood: 30 broadcast deauthentications in 0.3 s, spoofed from the real AP
    for _ in range(30):
        d = radio(ch) / Dot11(type=0, subtype=12, addr1="ff:ff:ff:ff:ff:ff", addr2=bssid, addr3=bssid) / Dot11Deauth(reason=7)
        d.time = t; pkts.append(d); t += 0.01
    # disassociation flood toward the station
    for _ in range(25):
        d = radio(ch) / Dot11(type=0, subtype=10, addr1=STA, addr2=bssid, addr3=bssid) / Dot11Disas(reason=8)
        d.time = t; pkts.append(d); t += 0.01
    # downgrade: HomeNet advertises WPA2-PSK, then open, from the same BSSID
    pkts.append(beacon("02:00:00:00:88:88", "HomeNet", 1, True, [rsn(akms=(2,), caps=MFPC)], t)); t += 0.1
    pkts.append(beacon("02:00:00:00:88:88", "HomeNet", 1, False, [], t)); t += 0.1
    # PMKID harvesting: M1 with a PMKID to a station that never associated, and no M2
    pkts.append(eapol_key("02:00:00:00:99:99", "02:00:00:00:cc:01", 1, t, 1, pmkid=True)); t += 0.01
    pkts.append(beacon("02:00:00:00:99:99", "Victim", 1, True, [rsn(akms=(2,))], t)); t += 0.01
    # beacon flood: 60 random BSSIDs within one second
    for i in range(60):
        pkts.append(beacon("06:%02x:%02x:00:00:01" % (i // 256, i % 256), "Flood%d" % i, 6, False, [], t)); t += 0.015
    return pkts


def flood_big(count):
    """Beacons, probes and EAPOL frames for the benchmark: COUNT frames."""
    bssid, ssid, ch = CORP
    base = [beacon(bssid, ssid, ch, True, CORP_ELTS, T0), probe_resp(bssid, STA, ssid, ch, True, CORP_ELTS, T0), probe_req(STA, ssid, ch, T0), eapol_key(bssid, STA, ch, T0, 1, pmkid=True)]
    base += [beacon(b, s, c, p, e, T0) for (b, s, c, p, e) in NETWORKS.values()]
    raw = [bytes(p) for p in base]
    return raw


if __name__ == "__main__":
    scenario, out = sys.argv[1], sys.argv[2]
    if scenario == "flood-big":
        # write a large file fast: scapy builds the distinct frames once, the records are repeated with rising times
        count = int(sys.argv[3])
        frames = flood_big(count)
        with open(out, "wb") as f:
            f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 127))
            for i in range(count):
                b = frames[i % len(frames)]
                us = i * 100
                f.write(struct.pack("<IIII", 1_700_000_000 + us // 1_000_000, us % 1_000_000, len(b), len(b)) + b)
        sys.exit(0)
    pkts = {"inventory": inventory, "attacks": attacks, "clean": clean}[scenario]()
    wrpcap(out, pkts, linktype=127)
