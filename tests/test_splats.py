"""splats.py finds what fails a run, on recorded consoles and known formats."""
import os
import unittest

import splats

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'test_data')


def kinds(path):
    with open(os.path.join(DATA, path), errors='replace') as f:
        return [k for _, k, _ in splats.scan(f.read().splitlines())]


class Scan(unittest.TestCase):
    def test_recorded(self):
        self.assertIn('warning', kinds('warning-console.log'))
        self.assertIn('panic', kinds('panic-console.log'))
        self.assertEqual(kinds('fail-console.log'), [])
        self.assertEqual(kinds('hang-console.log'), [])

    def test_blank_pseries_nvram_is_no_splat(self):
        # pseries under x-vof: a printk(KERN_WARNING) of nvram_64.c, no WARN().
        self.assertIsNone(splats.scan_line('WARNING: nvram corruption detected: 0-length partition'))
        self.assertIsNone(splats.scan_line('[    0.5] WARNING: nvram corruption detected: 0-length partition'))
        self.assertEqual(splats.scan_line('WARNING: nvram corruption detected: 0-length partition at x')[0],
                         'warning')

    def test_formats(self):
        cases = {
            '[   12.3] WARNING: CPU: 1 PID: 7 at mm/migrate.c:100 f+0x1/0x2': 'warning',
            'WARNING: mm/balloon.c:12 at balloon_page_migrate+0x1/0x2, CPU#0: sh/1': 'warning',
            '[    3.0] BUG: KASAN: use-after-free in zs_page_migrate+0x10/0x20': 'bug',
            'kernel BUG at mm/balloon.c:42!': 'bug',
            'Oops: general protection fault, probably for non-canonical address': 'oops',
            'general protection fault, probably for non-canonical address 0x1': 'gpf',
            'Kernel panic - not syncing: Fatal exception': 'panic',
            'WARNING: possible circular locking dependency detected': 'warning',
            'possible circular locking dependency detected': 'lockdep',
            'list_add corruption. prev->next should be next': 'list_corruption',
            'rcu: INFO: rcu_preempt self-detected stall on CPU': 'rcu_stall',
            'watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [sh:1]': 'soft_lockup',
            'INFO: task sh:55 blocked for more than 120 seconds.': 'hung_task',
            'movops-hung: task sh:93 in D state, not scheduled for 60 s (wchan 0)': 'hung_task',
            'UBSAN: shift-out-of-bounds in mm/zsmalloc.c:1': 'ubsan',
            'BUG: Bad page state in process sh  pfn:10001d': 'bug',
            'kmemleak: 3 new suspected memory leaks (see /sys/kernel/debug/kmemleak)': 'kmemleak',
        }
        for line, kind in cases.items():
            found = splats.scan([line])
            self.assertEqual([k for _, k, _ in found], [kind], line)

    def test_runner_output_is_not_a_splat(self):
        quiet = ['ok 1 balloon_callback_foreign_zero', 'not ok 2 movops_load',
                 '# counter: ops_mismatch 0', 'movops: runner exited 0',
                 'zs_verify_fail 0 BUG', 'Run /init as init process']
        self.assertEqual(splats.scan(quiet), [])


if __name__ == '__main__':
    unittest.main()
