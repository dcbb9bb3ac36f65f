"""The guest's memory diagnostics (scripts/guest/movops-run.sh): what
movops_memfree_restored prints when it fails (meminfo_moved: the
/proc/meminfo lines, the stack depot and the slab caches that moved by
1 MiB or more), on made-up files."""
import os
import tempfile
import unittest

from fakes import guest_sh

SLABINFO = ('slabinfo - version: 2.1\n# name <active_objs> ...\n'
            'kmalloc-64 100 128 64 64 1 : tunables 0 0 0 : slabdata 2 {kmalloc} 0\n'
            'kmemleak_object 10 20 300 13 2 : tunables 0 0 0 : slabdata 7 {leak} 0\n')


class MeminfoMoved(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        d = self.tmp.name
        for sub in ('proc', 'sys/kernel/debug/stackdepot', 'tmp'):
            os.makedirs(os.path.join(d, sub))
        self.env = {'MV_PROC': os.path.join(d, 'proc'), 'MV_SYS': os.path.join(d, 'sys'),
                    'TMPDIR': os.path.join(d, 'tmp')}
        self.state(1000000, 50000, pools=10, kmalloc=2, leak=9)

    def tearDown(self):
        self.tmp.cleanup()

    def state(self, free, sunreclaim, pools, kmalloc, leak):
        d = self.tmp.name
        with open(os.path.join(d, 'proc', 'meminfo'), 'w') as f:
            f.write(f'MemTotal: 1500000 kB\nMemFree: {free} kB\nSUnreclaim: {sunreclaim} kB\n')
        with open(os.path.join(d, 'proc', 'slabinfo'), 'w') as f:
            f.write(SLABINFO.format(kmalloc=kmalloc, leak=leak))
        with open(os.path.join(d, 'sys/kernel/debug/stackdepot/stats'), 'w') as f:
            f.write(f'pools: {pools}\nrefcounted_allocations: 0\n')

    def run_sh(self, call):
        r = guest_sh('movops-run.sh', ['stackdepot_kb', 'mv_meminfo', 'meminfo_moved'], call, self.env,
                     prelude='PAGE_KB=4\n')
        self.assertEqual(r.stderr, '')
        return r.stdout

    def test_what_moved_by_a_mib(self):
        before = self.run_sh('mv_meminfo')
        self.assertIn('StackDepot: 160 kB', before)
        self.assertIn('slab:kmemleak_object: 72 kB', before)
        # 20 MB less free, 22 MB more unreclaimable slab, all of it in one
        # cache; the depot and kmalloc-64 moved by less than a MiB.
        self.state(980000, 72000, pools=20, kmalloc=200, leak=2825)
        with open(os.path.join(self.tmp.name, 'before'), 'w') as f:
            f.write(before)
        out = self.run_sh('meminfo_moved "$(cat "$TMPDIR/../before")"').splitlines()
        self.assertEqual(out, ['# meminfo MemFree: 1000000 kB -> 980000 kB (-20000)',
                               '# meminfo SUnreclaim: 50000 kB -> 72000 kB (+22000)',
                               '# meminfo slab:kmemleak_object: 72 kB -> 22600 kB (+22528)'])


if __name__ == '__main__':
    unittest.main()
