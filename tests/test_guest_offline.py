"""The guest's memory offline round (scripts/guest/scenario.sh): which
blocks begin with a balloon page, read from /proc/kpageflags as the guest
does (mv_balloon_first), on a made-up file."""
import os
import struct
import tempfile
import unittest

from fakes import guest_sh

KPF_UPTODATE, KPF_LRU, KPF_BUDDY, KPF_OFFLINE = 1 << 3, 1 << 5, 1 << 10, 1 << 23


class BalloonFirst(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        d = self.tmp.name
        os.makedirs(os.path.join(d, 'sys/devices/system/memory'))
        os.makedirs(os.path.join(d, 'proc'))
        # 8 pages of 4 KiB a block. Block 0 free (a free range's first page
        # says KPF_BUDDY, the rest nothing); block 1 begins (pfn 10, behind
        # a free range) with a balloon page (KPF_OFFLINE, and PG_movable_ops
        # is PG_uptodate on 7.3); block 2 with an LRU page (pfn 17) and a
        # balloon page behind it; block 3 with a page the kernel holds
        # unmapped, flags but no KPF_OFFLINE (pfn 24), then a balloon page.
        with open(os.path.join(d, 'sys/devices/system/memory/block_size_bytes'), 'w') as f:
            f.write('8000\n')
        flags = [0] * 32
        flags[0] = flags[8] = KPF_BUDDY
        flags[10] = KPF_OFFLINE | KPF_UPTODATE
        flags[16] = KPF_BUDDY
        flags[17], flags[19] = KPF_LRU | KPF_UPTODATE, KPF_OFFLINE
        flags[24], flags[25] = KPF_UPTODATE, KPF_OFFLINE
        with open(os.path.join(d, 'proc', 'kpageflags'), 'wb') as f:
            f.write(struct.pack('<32Q', *flags))
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
