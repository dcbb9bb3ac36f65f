"""The guest's memory offline round (scripts/guest/scenario.sh): which
blocks begin with a balloon page, read from /proc/kpagecount and
/proc/kpageflags as the guest does (mv_balloon_first), on made-up files."""
import os
import struct
import tempfile
import unittest

from fakes import guest_sh

KPF_LRU, KPF_OFFLINE = 1 << 5, 1 << 23


class BalloonFirst(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        d = self.tmp.name
        os.makedirs(os.path.join(d, 'sys/devices/system/memory'))
        os.makedirs(os.path.join(d, 'proc'))
        # 8 pages of 4 KiB a block; block 0 empty, block 1 begins (pfn 10)
        # with a balloon page, block 2 (pfn 17) with an LRU page and has a
        # balloon page behind it, block 3 a balloon page with no reference.
        with open(os.path.join(d, 'sys/devices/system/memory/block_size_bytes'), 'w') as f:
            f.write('8000\n')
        count, flags = [0] * 32, [0] * 32
        count[10], flags[10] = 1, KPF_OFFLINE
        count[17], flags[17] = 2, KPF_LRU
        count[19], flags[19] = 1, KPF_OFFLINE
        flags[25] = KPF_OFFLINE
        for name, vals in (('kpagecount', count), ('kpageflags', flags)):
            with open(os.path.join(d, 'proc', name), 'wb') as f:
                f.write(struct.pack('<32Q', *vals))
        self.env = {'MV_SYS': os.path.join(d, 'sys'), 'MV_PROC': os.path.join(d, 'proc')}

    def tearDown(self):
        self.tmp.cleanup()

    def first(self, block):
        r = guest_sh('scenario.sh', ['mv_balloon_first'], f'mv_balloon_first {block}', self.env,
                     prelude='PAGE_KB=4\n')
        self.assertEqual(r.stderr, '')
        return r.returncode == 0

    def test_only_a_block_led_by_a_balloon_page(self):
        self.assertEqual([self.first(b) for b in range(4)], [False, True, False, False])


if __name__ == '__main__':
    unittest.main()
