# A minimal authoritative DNS responder (RFC 1035 §4.1) for tests: answers every A question with 198.51.100.N,
# N = length of the name, TTL 60. Usage: dns_server.py ADDRESS PORT SECONDS
import socket, struct, sys, time

addr, port, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((addr, port))
s.settimeout(0.2)
end = time.time() + seconds
while time.time() < end:
    try:
        data, peer = s.recvfrom(512)
    except socket.timeout:
        continue
    off = 12
    labels = []
    while data[off] != 0:
        labels.append(data[off + 1:off + 1 + data[off]].decode())
        off += 1 + data[off]
    qtype = struct.unpack('>H', data[off + 1:off + 3])[0]
    question = data[12:off + 5]
    name = '.'.join(labels)
    answers = struct.pack('>HHHIH', 0xc00c, 1, 1, 60, 4) + bytes([198, 51, 100, len(name)]) if qtype == 1 else b''
    header = data[:2] + struct.pack('>HHHHH', 0x8180, 1, 1 if answers else 0, 0, 0)
    s.sendto(header + question + answers, peer)
