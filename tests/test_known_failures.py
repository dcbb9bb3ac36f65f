"""known_failures.py judges kunit.py's JSON with the messages and skip
reasons of kunit.py's console, by the same lists as a VM run."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, 'test_data')
KF = os.path.join(os.path.dirname(HERE), 'scripts', 'report', 'known_failures.py')
ENOENT = 'movops_balloon.balloon_enoent_balloon_pages_stat'
KNOWN = ('* ' + ENOENT + ' match="NR_BALLOON_PAGES still counts the page deflated by -ENOENT"'
         ' the NR_BALLOON_PAGES bug\n')
SKIPS = ('* movops_resolution.resolution_ops_table_direct.* match="balloon_mops are private"'
         ' since 6.17\n')


class KunitJudge(unittest.TestCase):
    def judge(self, console='kunit-pass-console.log', known=KNOWN, skips=SKIPS,
              console_text=None):
        with tempfile.TemporaryDirectory() as d:
            paths = {}
            for name, text in (('known', known), ('skips', skips)):
                paths[name] = os.path.join(d, name + '.txt')
                with open(paths[name], 'w') as f:
                    f.write(text)
            if console_text is not None:
                console = os.path.join(d, 'console.log')
                with open(console, 'w') as f:
                    f.write(console_text)
            else:
                console = os.path.join(DATA, console)
            out = os.path.join(d, 'kunit-verdict.json')
            p = subprocess.run([sys.executable, KF, '--known', paths['known'],
                                '--skips', paths['skips'], '--console', console,
                                '--out', out, 'test', os.path.join(DATA, 'kunit-pass.json')],
                               capture_output=True, text=True)
            with open(out) as f:
                return p.returncode, json.load(f), p.stdout + p.stderr

    def test_recorded_run_passes_with_its_xfail(self):
        rc, res, out = self.judge()
        self.assertEqual(rc, 0, out)
        self.assertEqual([x['name'] for x in res['xfail']], [ENOENT])
        self.assertEqual(res['summary'], {'pass': 31, 'fail': 1, 'skip': 2, 'error': 0})

    def test_unlisted_skip_fails(self):
        rc, res, out = self.judge(skips='')
        self.assertEqual(rc, 1)
        self.assertIn('movops_resolution.resolution_ops_table_direct.balloon skipped, and no '
                      'entry of expected-skips.txt expects it here: precondition: '
                      'page_movable_ops() and balloon_mops are private', out)

    def test_known_failure_failing_earlier_is_real(self):
        # The same console with the -ENOENT migration failing first (the
        # assertion one line before the expectation).
        with open(os.path.join(DATA, 'kunit-pass-console.log')) as f:
            text = f.read()
        broken = text.replace(
            '    # balloon_enoent_balloon_pages_stat: EXPECTATION FAILED at movops/balloon_test.c:243\n'
            '    Expected mk_balloon_pages_stat() - stat == 32 - 1, but\n'
            '        mk_balloon_pages_stat() - stat == 32 (0x20)\n'
            '        32 - 1 == 31 (0x1f)\n'
            'NR_BALLOON_PAGES still counts the page deflated by -ENOENT\n',
            '    # balloon_enoent_balloon_pages_stat: ASSERTION FAILED at movops/balloon_test.c:242\n'
            '    Expected mk_migrate_pfn(mk_balloon_slot_pfn(mb, 0)) == 0, but\n'
            '        mk_migrate_pfn(mk_balloon_slot_pfn(mb, 0)) == -11 (0xfffffffffffffff5)\n')
        self.assertNotEqual(broken, text)
        rc, res, out = self.judge(console_text=broken)
        self.assertEqual(rc, 1)
        self.assertEqual(res['xfail'], [])
        self.assertIn(f'{ENOENT} failed, but not as the known failure', out)

    def test_without_the_console_a_known_failure_cannot_be_confirmed(self):
        rc, res, out = self.judge(console_text='')
        self.assertEqual(rc, 1)
        self.assertIn(f'{ENOENT} failed, but not as the known failure', out)


if __name__ == '__main__':
    unittest.main()
