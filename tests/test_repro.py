"""repro.py judges a reproducer run: the bug without its patch, a clean run
with it, and says what it saw otherwise (recorded runs of make repro)."""
import os
import unittest
from unittest import mock

import repro

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'test_data')
P2 = repro.BUGS['dma-pageblock']['patch']
P3 = repro.BUGS['isolate-undo']['patch']


def read(name):
    with open(os.path.join(DATA, name), errors='replace') as f:
        return f.read().splitlines()


def clean_ktap(test, diag):
    return ['KTAP version 1', f'# {test}: {diag}', f'ok 1 {test}', '1..1',
            '# movops-done failed=0']


class Judge(unittest.TestCase):
    def test_crash_without_patch_is_the_bug(self):
        for bug, line in (('isolate-undo', 'mm/page_isolation.c:349'),
                          ('dma-pageblock', 'mm/page_alloc.c:373'),
                          ('compact-offline', 'mm/page_alloc.c:373')):
            ok, word, msg = repro.judge(bug, read(f'repro-{bug}-console.log'),
                                        read(f'repro-{bug}-runner.ktap'), [])
            self.assertTrue(ok, msg)
            self.assertEqual(word, 'REPRODUCED')
            self.assertIn(line, msg)

    def test_crash_with_patch_fails(self):
        ok, word, msg = repro.judge('isolate-undo', read('repro-isolate-undo-console.log'),
                                    read('repro-isolate-undo-runner.ktap'), [P2, P3])
        self.assertFalse(ok)
        self.assertEqual(word, 'FAIL')
        self.assertIn('expected a clean run', msg)
        self.assertIn('kernel BUG at mm/page_isolation.c:349', msg)

    def test_clean_run(self):
        k = clean_ktap('repro_isolate-undo', 'isolate-undo: clean: B returned -16')
        console = ['movops_repro: isolate-undo: clean: B returned -16, no splat']
        ok, word, _ = repro.judge('isolate-undo', console, k, [P3])
        self.assertTrue(ok)
        self.assertEqual(word, 'FIXED')
        # The same clean run on a kernel said to lack the patch: not reproduced.
        ok, word, msg = repro.judge('isolate-undo', console, k, [P2])
        self.assertFalse(ok)
        self.assertEqual(word, 'NOT REPRODUCED')

    def test_no_fix_yet(self):
        # A bug with no patch written: a clean run is never FIXED.
        nofix = dict(repro.BUGS['compact-offline'], patch=None)
        k = clean_ktap('repro_compact-offline', 'compact-offline: clean')
        with mock.patch.dict(repro.BUGS, {'compact-offline': nofix}):
            ok, word, msg = repro.judge('compact-offline', [], k, [P2, P3])
        self.assertFalse(ok)
        self.assertEqual(word, 'NOT REPRODUCED')
        self.assertIn('no fix written yet', msg)

    def test_other_splat_with_patch_fails(self):
        k = clean_ktap('repro_dma-pageblock', 'dma-pageblock: clean')
        console = ['WARNING: CPU: 0 PID: 1 at mm/page_alloc.c:100 f+0x1/0x2']
        ok, word, msg = repro.judge('dma-pageblock', console, k, [P2])
        self.assertFalse(ok)
        self.assertIn('splat: WARNING', msg)

    def test_no_result_fails(self):
        ok, word, msg = repro.judge('dma-pageblock', [], [], [])
        self.assertFalse(ok)
        self.assertIn('no result for repro_dma-pageblock', msg)

    def test_kunit_case_recorded(self):
        # A whole make run on 7.3.4: the case fails with its message.
        k = read('full-pass-runner.ktap')
        ok, word, _ = repro.judge('balloon-stat', read('full-pass-console.log'), k, [])
        self.assertTrue(ok)
        self.assertEqual(word, 'REPRODUCED')

    def test_kunit_case(self):
        b = repro.BUGS['balloon-stat']
        failing = ['KTAP version 1', '    # Subtest: movops_balloon',
                   f'    # balloon_enoent_balloon_pages_stat: {b["failure"]}',
                   '    not ok 1 balloon_enoent_balloon_pages_stat',
                   'not ok 1 movops_balloon', '1..1']
        ok, word, _ = repro.judge('balloon-stat', [], failing, [])
        self.assertTrue(ok)
        self.assertEqual(word, 'REPRODUCED')
        ok, word, _ = repro.judge('balloon-stat', [], failing, [b['patch']])
        self.assertFalse(ok)
        # Failing for another reason is not the bug.
        other = [ln.replace(b['failure'], 'Expected 1 == 2') for ln in failing]
        self.assertFalse(repro.judge('balloon-stat', [], other, [])[0])
        passing = ['KTAP version 1', '    ok 1 balloon_enoent_balloon_pages_stat',
                   'ok 1 movops_balloon', '1..1']
        self.assertEqual(repro.judge('balloon-stat', [], passing, [b['patch']])[1], 'FIXED')
        self.assertEqual(repro.judge('balloon-stat', [], passing, [])[1], 'NOT REPRODUCED')

    def test_failing_line_case(self):
        # optprobe-paca fails its KTAP line with the reproducer's result.
        b = repro.BUGS['optprobe-paca']
        diag = ('optprobe-paca: fail: 3 of 9000 calls came back with the per-CPU '
                'base of another CPU (first: on CPU 1, base of CPU 0)')
        failing = ['KTAP version 1', f'# repro_optprobe-paca: {diag} (Input/output error)',
                   'not ok 1 repro_optprobe-paca', '1..1']
        ok, word, _ = repro.judge('optprobe-paca', [], failing, [])
        self.assertTrue(ok)
        self.assertEqual(word, 'REPRODUCED')
        # The same with a splat beside it is not this bug alone.
        splat = ['BUG: scheduling while atomic: sh/1/0x00000002']
        self.assertFalse(repro.judge('optprobe-paca', splat, failing, [])[0])
        self.assertFalse(repro.judge('optprobe-paca', [], failing, [b['patch']])[0])
        k = clean_ktap('repro_optprobe-paca', 'optprobe-paca: clean: 9000 calls')
        self.assertEqual(repro.judge('optprobe-paca', [], k, [b['patch']])[1], 'FIXED')
        self.assertEqual(repro.judge('optprobe-paca', [], k, [])[1], 'NOT REPRODUCED')


if __name__ == '__main__':
    unittest.main()
