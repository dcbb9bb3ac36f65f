"""zblk (scripts/guest/zblk.c), the zram writer and checker of the VM run:
what it writes reads back clean, and one changed byte is found and named."""
import os
import subprocess
import tempfile
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(TOP, 'build')


class Zblk(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        os.makedirs(BUILD, exist_ok=True)
        cls.tmp = tempfile.TemporaryDirectory(dir=BUILD)
        cls.bin = os.path.join(cls.tmp.name, 'zblk')
        subprocess.run(['gcc', '-O2', '-Wall', '-Werror', '-o', cls.bin,
                        os.path.join(TOP, 'scripts', 'guest', 'zblk.c')], check=True)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def zblk(self, *args):
        return subprocess.run([self.bin, *args], capture_output=True, text=True)

    def image(self, mib=4):
        path = os.path.join(self.tmp.name, 'img')
        with open(path, 'wb') as f:
            f.truncate(mib << 20)
        w = self.zblk('write', path, str(mib))
        self.assertEqual(w.returncode, 0, w.stderr)
        return path, w.stdout

    def test_written_data_verifies(self):
        path, out = self.image()
        # Every kind is there (1024 blocks of 4 KiB in 4 MiB).
        fields = out.split()
        counts = dict(zip(fields[0::2], map(int, fields[1::2])))
        self.assertEqual(counts['blocks'], 1024)
        for kind in ('zero', 'text', 'random', 'partial'):
            self.assertGreater(counts[kind], 0, out)
        self.assertEqual(sum(counts[k] for k in ('zero', 'text', 'random', 'partial')), 1024)
        v = self.zblk('verify', path, '4')
        self.assertEqual((v.returncode, v.stdout), (0, 'blocks 1024 differing 0\n'))

    def test_one_changed_byte_is_named(self):
        path, _ = self.image()
        with open(path, 'r+b') as f:
            f.seek(300 * 4096 + 5)
            b = f.read(1)
            f.seek(300 * 4096 + 5)
            f.write(bytes([b[0] ^ 0x40]))
        v = self.zblk('verify', path, '4')
        self.assertEqual(v.returncode, 1)
        self.assertEqual(v.stdout, 'block 300 (offset 1200 KiB) differs\nblocks 1024 differing 1\n')

    def test_bad_usage_and_missing_device(self):
        self.assertEqual(self.zblk('write').returncode, 2)
        self.assertEqual(self.zblk('read', 'x', '4').returncode, 2)
        self.assertEqual(self.zblk('verify', 'x', '0').returncode, 2)
        r = self.zblk('verify', os.path.join(self.tmp.name, 'none'), '4')
        self.assertEqual(r.returncode, 1)
        self.assertIn('No such file', r.stderr)


if __name__ == '__main__':
    unittest.main()
