# Tagged frames on the wire (scapy): an 802.1Q VLAN 100 UDP datagram and ARP reply, and the same inside QinQ
# (802.1ad service tag 200, customer tag 300). Usage: vlan_frames.py IFACE
import sys
from scapy.all import sendp, Ether, Dot1Q, Dot1AD, IP, UDP, ARP, Raw, get_if_hwaddr, conf

conf.verb = 0
iface = sys.argv[1]
mac = get_if_hwaddr(iface)
peer = '02:00:00:00:00:01'
frames = [
    Ether(src=mac, dst=peer) / Dot1Q(vlan=100) / IP(src='198.18.100.66', dst='198.18.100.1') / UDP(sport=40000, dport=4000) / Raw(b'tagged'),
    Ether(src=mac, dst=peer) / Dot1Q(vlan=100) / ARP(op=2, hwsrc=mac, psrc='198.18.100.66', hwdst=peer, pdst='198.18.100.1'),
    Ether(src=mac, dst=peer) / Dot1AD(vlan=200) / Dot1Q(vlan=300) / IP(src='198.18.200.66', dst='198.18.200.1') / UDP(sport=40001, dport=4001) / Raw(b'qinq'),
    Ether(src=mac, dst=peer) / Dot1AD(vlan=200) / Dot1Q(vlan=300) / ARP(op=2, hwsrc=mac, psrc='198.18.200.66', hwdst=peer, pdst='198.18.200.1'),
]
for f in frames:
    sendp(f, iface=iface)
