"""The allocator tuning every ``clearinghouse`` process applies (core.allocator)."""

import subprocess
import sys

from clearinghouse.core import allocator


def test_glibc_takes_the_thresholds():
    assert allocator.tune() is True


def test_blocks_of_megabytes_come_from_the_heap_once_tuned():
    """Once tuned, glibc serves a 4 MiB block from the heap: its chunk header (the size
    word just before the block) no longer carries the flag of an mmapped chunk."""
    probe = (
        "import ctypes, sys\n"
        "from clearinghouse.core import allocator\n"
        "libc = ctypes.CDLL('libc.so.6')\n"
        "libc.malloc.restype = ctypes.c_void_p\n"
        "def mmapped(size):\n"
        "    block = libc.malloc(size)\n"
        "    header = block - ctypes.sizeof(ctypes.c_size_t)\n"
        "    flag = ctypes.c_size_t.from_address(header).value & 2\n"
        "    libc.free(ctypes.c_void_p(block))\n"
        "    return bool(flag)\n"
        "before = mmapped(4 << 20)\n"
        "allocator.tune()\n"
        "print(before, mmapped(4 << 20))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "False"]
