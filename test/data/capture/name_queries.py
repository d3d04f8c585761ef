# A Windows-like client that cannot resolve names through DNS and falls back to LLMNR (RFC 4795) and NBT-NS (RFC 1002):
# one query per name to 224.0.0.252:5355 and the subnet broadcast :137. Usage: name_queries.py BROADCAST NAME...
import socket, struct, sys, time

bcast, names = sys.argv[1], sys.argv[2:]

def llmnr(name, tid):
    q = b''.join(bytes([len(l)]) + l.encode() for l in name.split('.')) + b'\x00'
    return struct.pack('>HHHHHH', tid, 0, 1, 0, 0, 0) + q + struct.pack('>HH', 1, 1)

def nbns(name, tid):
    padded = name.upper().ljust(15)[:15] + '\x00'
    enc = ''.join(chr(65 + (ord(c) >> 4)) + chr(65 + (ord(c) & 15)) for c in padded).encode()
    return struct.pack('>HHHHHH', tid, 0x0110, 1, 0, 0, 0) + bytes([32]) + enc + b'\x00' + struct.pack('>HH', 0x20, 1)

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
b.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
for i, n in enumerate(names):
    s.sendto(llmnr(n, 0x4000 + i), ('224.0.0.252', 5355))
    b.sendto(nbns(n, 0x5000 + i), (bcast, 137))
    time.sleep(0.4)
time.sleep(1)
