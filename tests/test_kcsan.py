"""KCSAN reports (FLAVOR=kcsan): a race in the movable_ops paths fails the
run, an allow-listed one and one elsewhere in the kernel do not."""
import unittest

import kcsan
import splats

REPORT = '[   41.208931] BUG: KCSAN: data-race in {} / {}'


class Kcsan(unittest.TestCase):
    def test_race_in_the_balloon_paths_fails(self):
        line = REPORT.format('balloon_page_isolate', 'balloon_page_putback')
        self.assertEqual(kcsan.judge(line)[0], 'fail')
        self.assertEqual(splats.scan([line])[0][1], 'kcsan')

    def test_one_side_in_scope_is_enough(self):
        self.assertEqual(kcsan.judge(REPORT.format('list_del', 'zs_page_migrate'))[0], 'fail')
        self.assertEqual(kcsan.judge('BUG: KCSAN: data-race in mv_stress_thread+0x1/0x2 [movops]')[0],
                         'fail')

    def test_allow_listed_and_outside_races_do_not_fail(self):
        line = REPORT.format('isolate_migratepages_block', 'zs_free')
        self.assertEqual(kcsan.judge(line)[0], 'allowed')
        self.assertEqual(splats.scan([line]), [])
        line = REPORT.format('tick_sched_do_timer', 'tick_nohz_next_event')
        self.assertEqual(kcsan.judge(line)[0], 'outside')
        self.assertEqual(splats.scan([line]), [])

    def test_every_allow_entry_has_a_reason(self):
        for a, b, reason in kcsan.load_allow():
            self.assertGreater(len(reason.split()), 4, f'{a} / {b}')

    def test_main_counts_each_judgement(self):
        import contextlib
        import io
        import tempfile
        with tempfile.NamedTemporaryFile('w', suffix='.log') as f:
            f.write('\n'.join([REPORT.format('balloon_page_isolate', 'balloon_page_list_dequeue'),
                               REPORT.format('isolate_migratepages_block', 'zs_free'),
                               REPORT.format('tick_sched_do_timer', 'tick_nohz_next_event'),
                               'ok 1 x']) + '\n')
            f.flush()
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                rc = kcsan.main(['kcsan.py', f.name])
        self.assertEqual(rc, 1)
        self.assertIn('3 reports: 1 in the movable_ops paths (failures), 1 allow-listed, 1 outside',
                      out.getvalue())
        self.assertIn(f'{f.name}:1: data race in the movable_ops paths', out.getvalue())

    def test_module_functions_keep_both_sides(self):
        """A module's function carries its module's name in the title
        ('f [mod]', as KCSAN reports of i915 and of our own movops.ko
        print it): the other side must still be read."""
        line = ('[   41.2][    C1] BUG: KCSAN: data-race in zs_page_isolate [zsmalloc] / '
                'isolate_migratepages_block')
        self.assertEqual(kcsan.judge(line), ('allowed', 'zs_page_isolate / isolate_migratepages_block: '
                                                        + kcsan.load_allow()[0][2]))
        line = 'BUG: KCSAN: data-race in mv_tballoon_migratepage [movops] / balloon_page_isolate'
        self.assertEqual(kcsan.judge(line),
                         ('fail', 'data race in the movable_ops paths: '
                                  'mv_tballoon_migratepage / balloon_page_isolate'))

    def test_recorded_race_ends_the_run(self):
        """A real console (tests/test_data/README.md): the
        balloon-isolate-no-lock mutant under make stress FLAVOR=kcsan.
        Fed to vm.py's Watch a line a second, the run ends on the race's
        first line, as it did in the guest; kcsan.py counts it a failure."""
        import contextlib
        import io
        import os
        import vm
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'test_data',
                            'kcsan-race-console.log')
        with open(path, errors='replace') as f:
            lines = f.read().splitlines()
        w = vm.Watch(0, 0)
        for t, line in enumerate(lines):
            w.feed(line.encode() + b'\n', t)
            if w.verdict(t):
                break
        first = next(i for i, l in enumerate(lines) if 'BUG: KCSAN: ' in l)
        self.assertEqual(w.fatal[:2], (first, 'kcsan'))
        self.assertTrue(w.verdict(first + vm.FATAL_GRACE_S).startswith(
            'data race in the movable_ops paths: '))
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            self.assertEqual(kcsan.main(['kcsan.py', path]), 1)
        self.assertIn('data race in the movable_ops paths: balloon_', out.getvalue())

    def test_not_a_report(self):
        self.assertIsNone(kcsan.judge('BUG: kernel NULL pointer dereference'))


if __name__ == '__main__':
    unittest.main()
