# A DHCP client's DISCOVER (scapy), sent COUNT times a second apart. Usage: dhcp_client.py IFACE COUNT
import sys, time
from scapy.all import sendp, Ether, IP, UDP, BOOTP, DHCP, get_if_hwaddr, conf

conf.verb = 0
iface, count = sys.argv[1], int(sys.argv[2])
mac = get_if_hwaddr(iface)
raw = bytes.fromhex(mac.replace(':', ''))
for i in range(count):
    sendp(Ether(src=mac, dst='ff:ff:ff:ff:ff:ff') / IP(src='0.0.0.0', dst='255.255.255.255') / UDP(sport=68, dport=67)
          / BOOTP(chaddr=raw, xid=0x1000 + i, flags=0x8000) / DHCP(options=[('message-type', 'discover'), 'end']), iface=iface)
    time.sleep(1)
