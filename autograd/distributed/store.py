"""A one-shot TCP rendezvous: rank 0 hands a few bytes (the NCCL unique id) to the others at MASTER_ADDR:PORT."""
import socket
import time


def _recv_exact(conn, n):
    chunks = []
    while n:
        chunk = conn.recv(n)
        if not chunk:
            raise ConnectionError("the rendezvous connection closed early")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def share(value, rank, world_size, addr, port, timeout=300.0):
    """Rank 0 serves the bytes `value` to world_size - 1 peers; every rank returns rank 0's bytes."""
    if rank == 0:
        payload = bytes(value)
        with socket.create_server(("", port)) as server:
            server.settimeout(timeout)
            for _ in range(world_size - 1):
                try:
                    conn, _ = server.accept()
                except socket.timeout:
                    raise RuntimeError(f"rendezvous: rank 0 waited {timeout:.0f} s on port {port} for the other "
                                       f"{world_size - 1} ranks; check WORLD_SIZE and that they started") from None
                with conn:
                    conn.sendall(len(payload).to_bytes(8, "big") + payload)
        return value
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection((addr, port), timeout=max(1.0, deadline - time.monotonic())) as conn:
                size = int.from_bytes(_recv_exact(conn, 8), "big")
                if size > 1 << 20:
                    raise RuntimeError(f"rendezvous: {addr}:{port} sent a {size}-byte value; is it another service?")
                return _recv_exact(conn, size)
        except (ConnectionRefusedError, socket.timeout, OSError) as err:
            if time.monotonic() > deadline:
                raise RuntimeError(f"rendezvous: rank {rank} could not reach rank 0 at {addr}:{port} within "
                                   f"{timeout:.0f} s ({err}); check MASTER_ADDR and MASTER_PORT") from None
            time.sleep(0.1)
