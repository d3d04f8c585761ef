# A DHCPv6 client's SOLICIT (scapy), COUNT times a second apart. Usage: dhcp6_client.py IFACE COUNT
import sys, time
from scapy.all import sendp, Ether, IPv6, UDP, DHCP6_Solicit, DHCP6OptClientId, DHCP6OptIA_NA, DHCP6OptElapsedTime, DUID_LL, get_if_hwaddr, conf

conf.verb = 0
iface, count = sys.argv[1], int(sys.argv[2])
mac = get_if_hwaddr(iface)
ll = 'fe80::ff:fe00:' + mac.split(':')[-1]
for i in range(count):
    sendp(Ether(src=mac, dst='33:33:00:01:00:02') / IPv6(src=ll, dst='ff02::1:2') / UDP(sport=546, dport=547)
          / DHCP6_Solicit(trid=0x100 + i) / DHCP6OptElapsedTime() / DHCP6OptClientId(duid=DUID_LL(lladdr=mac)) / DHCP6OptIA_NA(iaid=1), iface=iface)
    time.sleep(1)
