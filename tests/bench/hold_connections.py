#!/usr/bin/env python3
"""Opens COUNT kept-alive HTTP/1.1 connections to HOST:PORT, sends one GET on each and reads its answer (the
whole body, or for a text/event-stream the first event), then holds them all open until stdin closes. Prints
"held N" once they are all answered. For scripts/bench's memory step.
  hold_connections.py [--tls] HOST PORT COUNT PATH [HEADER]...   PATH may hold {i}, the connection's number (0-based);
  --tls: over TLS, the server's certificate not checked (a bench's own, on loopback)."""
import socket
import ssl
import sys


def answered(data: bytes) -> bool:
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep:
        return False
    headers = head.lower()
    if b"text/event-stream" in headers:
        return b"\n\n" in body
    for line in headers.split(b"\r\n"):
        if line.startswith(b"content-length:"):
            return len(body) >= int(line.split(b":")[1])
    return False


def main() -> None:
    args = sys.argv[1:]
    tls = None
    if args[0] == "--tls":
        args = args[1:]
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        tls.check_hostname = False
        tls.verify_mode = ssl.CERT_NONE
    host, port, count, path = args[0], int(args[1]), int(args[2]), args[3]
    headers = "".join(h + "\r\n" for h in args[4:])
    held = []
    for i in range(count):
        s = socket.create_connection((host, port))
        if tls:
            s = tls.wrap_socket(s, server_hostname=host)
        s.sendall(f"GET {path.format(i=i)} HTTP/1.1\r\nHost: {host}\r\n{headers}\r\n".encode())
        held.append(s)
    for s in held:
        data = b""
        while not answered(data):
            chunk = s.recv(65536)
            if not chunk:
                sys.exit(f"hold_connections: a connection closed before its answer: {data[:200]!r}")
            data += chunk
        status = data.split(b" ", 2)[1]
        if status != b"200":
            sys.exit(f"hold_connections: answer {data[:300]!r}")
    print(f"held {len(held)}", flush=True)
    sys.stdin.read()


if __name__ == "__main__":
    main()
