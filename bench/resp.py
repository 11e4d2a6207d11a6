"""A pipelined RESP2 client for the benchmarks: seeding a million timers one round trip at a
time would measure the loopback, not Redis, so commands go out in chunks and replies are read
back in order."""

import socket


class RespError(Exception):
    """An error reply (`-ERR ...`); pipelined calls return it in place instead of raising."""


def encode(args):
    out = [b"*%d\r\n" % len(args)]
    for arg in args:
        data = arg if isinstance(arg, bytes) else str(arg).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(out)


class Resp:
    def __init__(self, port, host="127.0.0.1", timeout=120):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.reader = self.sock.makefile("rb", buffering=1 << 20)

    def call(self, *args):
        self.sock.sendall(encode(args))
        reply = self._reply()
        if isinstance(reply, RespError):
            raise reply
        return reply

    def pipeline(self, commands, chunk=1000):
        """Replies to `commands` (an iterable of argument lists), in order. One chunk is kept in
        flight while the previous one's replies are read, so Redis never waits for Python to
        encode the next."""
        replies = []
        pending = 0
        batch = []
        for args in commands:
            batch.append(encode(args))
            if len(batch) == chunk:
                self.sock.sendall(b"".join(batch))
                batch = []
                if pending:
                    replies.extend(self._reply() for _ in range(pending))
                pending = chunk
        if batch:
            self.sock.sendall(b"".join(batch))
        replies.extend(self._reply() for _ in range(pending + len(batch)))
        return replies

    def _reply(self):
        line = self.reader.readline()
        if not line.endswith(b"\r\n"):
            raise ConnectionError("redis closed the connection mid-reply")
        kind, rest = line[:1], line[1:-2]
        if kind == b"$":
            size = int(rest)
            return None if size < 0 else self.reader.read(size + 2)[:-2].decode()
        if kind == b":":
            return int(rest)
        if kind == b"*":
            size = int(rest)
            return None if size < 0 else [self._reply() for _ in range(size)]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            return RespError(rest.decode())
        raise ConnectionError(f"unexpected RESP reply {line!r}")

    def close(self):
        self.reader.close()
        self.sock.close()
