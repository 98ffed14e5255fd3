#!/usr/bin/env python3
"""A TCP proxy on loopback for tests in which a database goes away and comes back.

usage: tcp_proxy.py TARGET_PORT [LISTEN_PORT]
Prints the port it listens on (LISTEN_PORT, or one the system picks). Stopping the process drops every connection
through it; starting it again on the same port brings the database back. It also stops when its standard input
closes, so it never outlives the test that started it (also behind an interpreter shim such as pyenv's).
"""
import asyncio
import os
import sys
import threading

target_port = int(sys.argv[1])
listen_port = int(sys.argv[2]) if len(sys.argv) > 2 else 0


async def pipe(reader, writer):
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


async def handle(client_reader, client_writer):
    try:
        server_reader, server_writer = await asyncio.open_connection("127.0.0.1", target_port)
    except OSError:
        client_writer.close()
        return
    await asyncio.gather(pipe(client_reader, server_writer), pipe(server_reader, client_writer))


def exit_when_stdin_closes():
    sys.stdin.buffer.read()
    os._exit(0)


async def main():
    threading.Thread(target=exit_when_stdin_closes, daemon=True).start()
    server = await asyncio.start_server(handle, "127.0.0.1", listen_port, reuse_address=True)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


asyncio.run(main())
