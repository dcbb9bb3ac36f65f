"""scripts/host/pvh-vmlinux.py: the vmlinux a bzImage carries is written only
when it is whole (its size field) and has a PVH entry (fake bzImages here)."""
import gzip
import lzma
import os
import struct
import subprocess
import sys
import tempfile
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(TOP, 'scripts', 'host', 'pvh-vmlinux.py')


def elf(note_type=18):
    """A 64-bit ELF with one PT_NOTE: 'Xen' NOTE_TYPE, an entry address."""
    note = struct.pack('<III', 4, 4, note_type) + b'Xen\0' + struct.pack('<I', 0x1000000)
    phoff, phentsize = 64, 56
    noteoff = phoff + phentsize
    hdr = (b'\x7fELF' + bytes([2, 1, 1]) + bytes(9) +
           struct.pack('<HHIQQQIHHHHHH', 2, 62, 1, 0, phoff, 0, 0, 64, phentsize, 1, 0, 0, 0))
    ph = struct.pack('<IIQQQQQQ', 4, 4, noteoff, 0, 0, len(note), len(note), 4)
    return hdr + ph + note + bytes(64)


def bzimage(payload):
    """A bzImage: one setup sector after the boot sector, the payload at
    offset 16 of the protected-mode part."""
    img = bytearray(2 * 512 + 16)
    img[0x1f1] = 1
    img[0x202:0x206] = b'HdrS'
    struct.pack_into('<H', img, 0x206, 0x20f)
    struct.pack_into('<II', img, 0x248, 16, len(payload))
    return bytes(img) + payload + bytes(32)


def xz_payload(data, size=None):
    return lzma.compress(data, format=lzma.FORMAT_XZ) + struct.pack('<I', len(data) if size is None else size)


class PvhVmlinux(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.out = os.path.join(self.tmp.name, 'vmlinux')

    def tearDown(self):
        self.tmp.cleanup()

    def run_on(self, image):
        src = os.path.join(self.tmp.name, 'vmlinuz')
        with open(src, 'wb') as f:
            f.write(image)
        return subprocess.run([sys.executable, SCRIPT, src, self.out], capture_output=True, text=True)

    def test_xz_and_gzip_payloads_give_the_elf(self):
        for payload in (xz_payload(elf()), gzip.compress(elf())):
            r = self.run_on(bzimage(payload))
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(self.out, 'rb') as f:
                self.assertEqual(f.read(), elf())
            os.remove(self.out)

    def test_no_pvh_note_no_file(self):
        r = self.run_on(bzimage(xz_payload(elf(note_type=5))))
        self.assertEqual(r.returncode, 1)
        self.assertIn('no PVH entry', r.stderr)
        self.assertFalse(os.path.exists(self.out))

    def test_size_field_must_match(self):
        r = self.run_on(bzimage(xz_payload(elf(), size=len(elf()) + 1)))
        self.assertEqual(r.returncode, 1)
        self.assertIn('its size field says', r.stderr)
        self.assertFalse(os.path.exists(self.out))

    def test_truncated_payload_refused(self):
        p = xz_payload(elf())
        r = self.run_on(bzimage(p[:len(p) // 2] + p[-4:]))
        self.assertEqual(r.returncode, 1)
        self.assertIn('does not decompress', r.stderr)
        self.assertFalse(os.path.exists(self.out))

    def test_not_a_bzimage(self):
        r = self.run_on(elf())
        self.assertEqual(r.returncode, 1)
        self.assertIn('not a bzImage', r.stderr)


if __name__ == '__main__':
    unittest.main()
