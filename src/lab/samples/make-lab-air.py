#!/usr/bin/python3
"""Writes src/lab/samples/lab-air.pcap, the lab's 802.11 capture (issue 14), with scapy's wrpcap.

Run once (python3-scapy): /usr/bin/python3 src/lab/samples/make-lab-air.py src/lab/samples/lab-air.pcap
The frames come from test/helpers/wifi_frames.py (element bodies as IEEE 802.11-2020 §9.4.2 lays them out). The lab's
network LabCorp (WPA3-SAE, PMF required, lab-air.yaml is its baseline) is seen with a full association, then attacked:
an open evil twin of LabCorp, a KARMA responder, and a broadcast deauthentication flood spoofed from the real AP.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "test", "helpers"))
from wifi_frames import MFPC, MFPR, T0, auth, assoc_req, beacon, eapol_key, probe_req, probe_resp, radio, rsn, rsnxe  # noqa: E402
from scapy.all import Dot11, Dot11Deauth, wrpcap  # noqa: E402

AP, SSID, CH = "02:00:00:00:1a:01", "LabCorp", 36
STA = "02:00:00:00:1a:50"
ELTS = [rsn(akms=(8,), caps=MFPC | MFPR), rsnxe(True)]

pkts, t = [], T0
for _ in range(3):
    pkts.append(beacon(AP, SSID, CH, True, ELTS, t)); t += 0.1024
pkts.append(probe_req(STA, SSID, CH, t)); t += 0.001
pkts.append(probe_resp(AP, STA, SSID, CH, True, ELTS, t)); t += 0.001
pkts.append(auth(STA, AP, AP, CH, t, 1)); t += 0.001
pkts.append(auth(AP, STA, AP, CH, t, 2)); t += 0.001
pkts.append(assoc_req(STA, AP, SSID, CH, ELTS, t)); t += 0.001
for m in (1, 2, 3, 4):
    pkts.append(eapol_key(AP, STA, CH, t, m)); t += 0.001
# evil twin: LabCorp, open, on a BSSID the baseline does not list
for _ in range(3):
    pkts.append(beacon("02:00:00:00:66:01", SSID, 11, False, [], t, signal=-25)); t += 0.1024
# KARMA: one BSSID answering probe requests for four SSIDs
for name in ("HomeWifi", "Airport_Free", "Hotel-Guest", SSID):
    pkts.append(probe_req("02:00:00:00:bb:02", name, 1, t)); t += 0.001
    pkts.append(probe_resp("02:00:00:00:77:01", "02:00:00:00:bb:02", name, 1, False, [], t)); t += 0.001
# deauthentication flood: 24 broadcast frames in 0.24 s from the real AP's address
for _ in range(24):
    d = radio(CH) / Dot11(type=0, subtype=12, addr1="ff:ff:ff:ff:ff:ff", addr2=AP, addr3=AP) / Dot11Deauth(reason=7)
    d.time = t; pkts.append(d); t += 0.01

wrpcap(sys.argv[1], pkts, linktype=127)
