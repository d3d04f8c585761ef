# Ask a DNS server for each name (type A) over UDP, one query each. Usage: dns_client.py SERVER PORT NAME...
import random, socket, struct, sys

server, port, names = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
for n in names:
    q = struct.pack('>HHHHHH', random.randrange(65536), 0x0100, 1, 0, 0, 0) + b''.join(bytes([len(l)]) + l.encode() for l in n.split('.')) + b'\x00' + struct.pack('>HH', 1, 1)
    s.sendto(q, (server, port))
    s.recvfrom(512)
