# Servers that only take logins, for capturing real clients' login bytes: LDAP (answers every BindRequest with
# invalidCredentials, RFC 4511 §4.2.2) and PostgreSQL (refuses SSL, asks for a cleartext password, then fails the
# login). Usage: fake_login_servers.py ADDRESS LDAP_PORT PG_PORT SECONDS
import socket, struct, sys, threading, time

addr, ldap_port, pg_port, seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])

def serve(port, handle):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(8)
    s.settimeout(0.5)
    end = time.time() + seconds
    while time.time() < end:
        try:
            c, _ = s.accept()
        except socket.timeout:
            continue
        c.settimeout(3)
        try:
            handle(c)
        except OSError:
            pass
        finally:
            c.close()

def ldap(c):
    while True:
        data = c.recv(4096)
        if not data:
            return
        msgid = data[4] if len(data) > 4 else 1
        if len(data) > 5 and data[5] == 0x60:
            c.sendall(bytes([0x30, 0x0c, 0x02, 0x01, msgid, 0x61, 0x07, 0x0a, 0x01, 49, 0x04, 0x00, 0x04, 0x00]))
        else:
            return

def recv_exact(c, n):
    b = b''
    while len(b) < n:
        chunk = c.recv(n - len(b))
        if not chunk:
            raise OSError('closed')
        b += chunk
    return b

def pg(c):
    while True:
        length, code = struct.unpack('>II', recv_exact(c, 8))
        recv_exact(c, length - 8)
        if code == 80877103:
            c.sendall(b'N')
            continue
        break
    c.sendall(b'R' + struct.pack('>II', 8, 3))
    t = recv_exact(c, 1)
    (length,) = struct.unpack('>I', recv_exact(c, 4))
    recv_exact(c, length - 4)
    msg = b'SFATAL\0C28P01\0Mpassword authentication failed\0\0'
    c.sendall(b'E' + struct.pack('>I', 4 + len(msg)) + msg)

threads = [threading.Thread(target=serve, args=(ldap_port, ldap)), threading.Thread(target=serve, args=(pg_port, pg))]
for t in threads:
    t.start()
for t in threads:
    t.join()
