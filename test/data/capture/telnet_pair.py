# A Telnet login (RFC 854) on loopback: a login-only server that negotiates an option, prompts "login:" and
# "Password:" and refuses, and a client (Python's telnetlib) that types one character per write, as a person does.
# Usage: telnet_pair.py PORT USER PASSWORD
import socket, sys, threading, time, warnings
warnings.simplefilter('ignore', DeprecationWarning)
import telnetlib

port, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(('127.0.0.1', port))
srv.listen(1)

def serve():
    c, _ = srv.accept()
    c.settimeout(5)
    c.sendall(bytes([255, 253, 24]) + b'\r\nlab router\r\nrouter login: ')
    def line():
        b = b''
        while not b.endswith(b'\n') and not b.endswith(b'\r\x00'):
            chunk = c.recv(1)
            if not chunk:
                break
            b += chunk
        return b
    line()
    c.sendall(b'Password: ')
    line()
    c.sendall(b'\r\nLogin incorrect\r\n')
    time.sleep(0.2)
    c.close()

t = threading.Thread(target=serve)
t.start()
tn = telnetlib.Telnet('127.0.0.1', port, timeout=5)
tn.read_until(b'login: ', timeout=5)
for ch in user + '\r\n':
    tn.write(ch.encode())
    time.sleep(0.01)
tn.read_until(b'Password: ', timeout=5)
for ch in password + '\r\n':
    tn.write(ch.encode())
    time.sleep(0.01)
tn.read_until(b'incorrect', timeout=5)
tn.close()
t.join()
