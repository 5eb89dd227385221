#!/usr/bin/env python3
"""Opens COUNT kept-alive HTTP/1.1 connections to HOST:PORT, sends one GET on each and reads its answer (the
whole body, or for a text/event-stream the first event), then holds them all open until stdin closes. Prints
"held N" once they are all answered. For scripts/bench's memory step.
  hold_connections.py HOST PORT COUNT PATH [HEADER]...   PATH may hold {i}, the connection's number (0-based)."""
import socket
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
    host, port, count, path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    headers = "".join(h + "\r\n" for h in sys.argv[5:])
    held = []
    for i in range(count):
        s = socket.create_connection((host, port))
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
