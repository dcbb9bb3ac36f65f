#!/usr/bin/env python3
"""Usage: pvh-vmlinux.py BZIMAGE OUT

Write the kernel ELF (vmlinux) that an x86 bzImage carries, if QEMU can
boot it directly: through its PVH entry (the ELF note XEN_ELFNOTE_PHYS32_ENTRY,
CONFIG_PVH). Exit 0 and OUT written; exit 1 with the reason on stderr and
no OUT otherwise.

Why (KERNEL=debian, docs/debian-kernels.md): booting Debian's 12 MB
zstd-compressed vmlinuz under TCG spends about 1.5 s in its real-mode set-up
and decompressor before the kernel's first line; the same kernel through
its PVH entry starts at once. The kernel's code is the same bytes: the
payload is the compressed vmlinux itself (arch/x86/boot/compressed/:
vmlinux.bin, objcopy -S of vmlinux), found by the boot protocol's
payload_offset and payload_length (2.08+, Documentation/arch/x86/boot.rst).
What the PVH entry leaves out is the decompressor's work, KASLR included:
the decompressor sets KASLR_FLAG, without which kaslr_enabled() is false and
neither the image nor the memory regions move (as with nokaslr).

Checked: the boot protocol's magic and version, the payload's format (gzip,
xz, zstd, lzma, lz4, bzip2), its length against the size the build appends
(the payload's last 4 bytes, little endian: size_append, or gzip's ISIZE),
an ELF header, and the PVH note.
"""
import gzip
import bz2
import lzma
import os
import struct
import subprocess
import sys

ELFNOTE_PHYS32_ENTRY = 18  # XEN_ELFNOTE_PHYS32_ENTRY, include/xen/interface/elfnote.h

# (magic, name, decompress(payload without the 4-byte size) -> bytes)
def _cli(*argv):
    def run(data):
        r = subprocess.run(list(argv), input=data, capture_output=True)
        if r.returncode != 0:
            raise ValueError(f'{argv[0]}: {r.stderr.decode(errors="replace").strip()}')
        return r.stdout
    return run


FORMATS = [
    (b'\x1f\x8b', 'gzip', None),          # gzip's own trailer holds the size
    (b'\xfd7zXZ\x00', 'xz', lambda d: lzma.decompress(d, format=lzma.FORMAT_XZ)),
    (b'\x28\xb5\x2f\xfd', 'zstd', _cli('zstd', '-dcq')),
    (b'\x5d\x00\x00', 'lzma', lambda d: lzma.decompress(d, format=lzma.FORMAT_ALONE)),
    (b'\x02\x21\x4c\x18', 'lz4', _cli('lz4', '-dcq')),
    (b'BZh', 'bzip2', bz2.decompress),
]


def payload(image):
    """The compressed kernel inside a bzImage, by its boot header."""
    if len(image) < 0x250 or image[0x202:0x206] != b'HdrS':
        raise ValueError('not a bzImage (no HdrS boot header)')
    version = struct.unpack_from('<H', image, 0x206)[0]
    if version < 0x208:
        raise ValueError(f'boot protocol {version >> 8}.{version & 0xff}: no payload fields (2.08+)')
    setup_sects = image[0x1f1] or 4
    offset, length = struct.unpack_from('<II', image, 0x248)
    start = (setup_sects + 1) * 512 + offset
    if length < 8 or start + length > len(image):
        raise ValueError(f'payload {start}+{length} outside the {len(image)}-byte image')
    return image[start:start + length]


def decompress(data):
    """The payload's contents, checked against the size its last 4 bytes give."""
    size = struct.unpack('<I', data[-4:])[0]
    for magic, name, fn in FORMATS:
        if data.startswith(magic):
            break
    else:
        raise ValueError(f'payload in an unknown format (magic {data[:6].hex()})')
    try:
        out = gzip.decompress(data) if fn is None else fn(data[:-4])
    except (OSError, ValueError, EOFError, lzma.LZMAError) as e:
        raise ValueError(f'{name} payload does not decompress: {e}') from e
    if len(out) & 0xffffffff != size:
        raise ValueError(f'{name} payload gave {len(out)} bytes, its size field says {size}')
    return out


def pvh_entry(elf):
    """The PVH entry address of a 64-bit little-endian ELF, or None."""
    if elf[:4] != b'\x7fELF' or elf[4] != 2 or elf[5] != 1:
        raise ValueError('the payload is not a 64-bit little-endian ELF')
    phoff, = struct.unpack_from('<Q', elf, 0x20)
    phentsize, phnum = struct.unpack_from('<HH', elf, 0x36)
    for i in range(phnum):
        p_type, _, p_offset, _, _, p_filesz = struct.unpack_from(
            '<IIQQQQ', elf, phoff + i * phentsize)
        if p_type != 4:  # PT_NOTE
            continue
        pos, end = p_offset, p_offset + p_filesz
        while pos + 12 <= end:
            namesz, descsz, ntype = struct.unpack_from('<III', elf, pos)
            name = elf[pos + 12:pos + 12 + namesz].rstrip(b'\0')
            desc = pos + 12 + ((namesz + 3) & ~3)
            if name == b'Xen' and ntype == ELFNOTE_PHYS32_ENTRY and descsz >= 4:
                return struct.unpack_from('<I', elf, desc)[0]
            pos = desc + ((descsz + 3) & ~3)
    return None


def main(argv):
    if len(argv) != 3:
        print(__doc__.split('\n\n')[0], file=sys.stderr)
        return 2
    src, out = argv[1], argv[2]
    try:
        with open(src, 'rb') as f:
            elf = decompress(payload(f.read()))
        if pvh_entry(elf) is None:
            raise ValueError('the kernel has no PVH entry (CONFIG_PVH)')
    except (OSError, ValueError) as e:
        print(f'movops: {src}: {e}', file=sys.stderr)
        return 1
    tmp = f'{out}.tmp{os.getpid()}'
    with open(tmp, 'wb') as f:
        f.write(elf)
    os.replace(tmp, out)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
