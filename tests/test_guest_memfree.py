"""The guest's memory diagnostics (scripts/guest/movops-run.sh): what
movops_memfree_restored prints when it fails (meminfo_moved: the
/proc/meminfo lines, the stack depot and the slab caches that moved by
1 MiB or more), on made-up files; and how long it lets free memory
settle before judging (free_kb_settled), on made-up readings."""
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

    def state(self, free, sunreclaim, pools, kmalloc, leak, tasks=('init', 'kworker/0:1', 'kworker/u4:0')):
        d = self.tmp.name
        for e in os.listdir(os.path.join(d, 'proc')):
            if e.isdigit():
                os.remove(os.path.join(d, 'proc', e, 'comm'))
                os.rmdir(os.path.join(d, 'proc', e))
        for pid, comm in enumerate(tasks, 1):
            os.makedirs(os.path.join(d, 'proc', str(pid)))
            with open(os.path.join(d, 'proc', str(pid), 'comm'), 'w') as f:
                f.write(comm + '\n')
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
        self.assertIn('tasks:kworker: 2', before.splitlines())
        # 20 MB less free, 22 MB more unreclaimable slab, all of it in one
        # cache; the depot and kmalloc-64 moved by less than a MiB.
        self.state(980000, 72000, pools=20, kmalloc=200, leak=2825)
        with open(os.path.join(self.tmp.name, 'before'), 'w') as f:
            f.write(before)
        out = self.run_sh('meminfo_moved "$(cat "$TMPDIR/../before")"').splitlines()
        self.assertEqual(out, ['# meminfo MemFree: 1000000 kB -> 980000 kB (-20000)',
                               '# meminfo SUnreclaim: 50000 kB -> 72000 kB (+22000)',
                               '# meminfo slab:kmemleak_object: 72 kB -> 22600 kB (+22528)'])

    def test_tasks_that_stayed(self):
        # Five more kworkers and six of a task that was not there before
        # are named; three more of another (under 5) and the cache that
        # moved by less than a MiB are not.
        before = self.run_sh('mv_meminfo')
        with open(os.path.join(self.tmp.name, 'before'), 'w') as f:
            f.write(before)
        self.state(1000000, 50000, pools=10, kmalloc=2, leak=9,
                   tasks=('init',) * 4 + ('kworker/1:2',) * 7 + ('my task',) * 6)
        out = self.run_sh('meminfo_moved "$(cat "$TMPDIR/../before")"').splitlines()
        self.assertEqual(sorted(out), ['# meminfo tasks:kworker: 2 -> 7 (+5)',
                                       '# meminfo tasks:my_task: 0 -> 6 (+6)'])


class FreeSettled(unittest.TestCase):
    """free_kb_settled TARGET on a free_kb that returns the next of a list
    of readings, one per call; sleep does nothing and is counted."""

    def settle(self, target, readings, scale=1):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, 'r'), 'w') as f:
                f.write(''.join(f'{x}\n' for x in readings))
            prelude = ('free_kb() { n=$(($(cat "$D/n" 2>/dev/null || echo 0) + 1)); echo $n > "$D/n"; '
                       'sed -n "${n}p" "$D/r"; }\n'
                       'sleep() { echo >> "$D/slept"; }\n')
            r = guest_sh('movops-run.sh', ['free_kb_settled'], f'free_kb_settled {target}',
                         {'D': d, 'MOVOPS_WAIT_SCALE': str(scale)}, prelude=prelude)
            self.assertEqual(r.stderr, '')
            slept = os.path.getsize(os.path.join(d, 'slept')) if os.path.exists(os.path.join(d, 'slept')) else 0
            kb, s = r.stdout.split()
            self.assertEqual(int(s), slept)
            return int(kb), int(s)

    def test_at_target_at_once(self):
        self.assertEqual(self.settle(1000, [1000, 2000]), (1000, 0))

    def test_waits_while_rising_until_target(self):
        # One read that rose by less than 512 kB does not end the wait.
        self.assertEqual(self.settle(1000, [100, 700, 720, 1300, 1400, 5000]), (1300, 3))

    def test_stops_after_two_flat_reads(self):
        # A real leak: nothing comes back; two reads that rose by less than
        # 512 kB end the wait.
        self.assertEqual(self.settle(10000, [100, 200, 300, 9000, 9000]), (300, 2))

    def test_bounded_by_scale(self):
        rising = [i * 1000 for i in range(100)]
        self.assertEqual(self.settle(10 ** 9, rising), (5000, 5))
        self.assertEqual(self.settle(10 ** 9, rising, scale=3), (15000, 15))


if __name__ == '__main__':
    unittest.main()
