"""verdict.py on recorded guest logs (tests/test_data/README.md says where
each came from). Every case runs the command as the Makefile does."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, 'test_data')
TOP = os.path.dirname(HERE)
VERDICT = os.path.join(TOP, 'scripts', 'report', 'verdict.py')


def data(name):
    return os.path.join(DATA, name)


class Verdict(unittest.TestCase):
    def verdict(self, console, ktap=None, ended='poweroff', expect_fail='',
                ktap_text=None, skips=None, known=None, extra=()):
        with tempfile.TemporaryDirectory() as out:
            rec = os.path.join(out, 'vm.json')
            with open(rec, 'w') as f:
                json.dump({'ended': ended, 'boot_s': 1.5, 'tests_s': 2.5}, f)
            if ktap_text is not None:
                ktap = os.path.join(out, 'runner.ktap')
                with open(ktap, 'w') as f:
                    f.write(ktap_text)
            argv = [sys.executable, VERDICT, '--console', console,
                    '--vm-record', rec, '--out', out, '--kver', 'test',
                    '--expect-fail', expect_fail]
            if ktap:
                argv += ['--ktap', ktap]
            for opt, text in (('--skips', skips), ('--known', known)):
                if text is not None:
                    path = os.path.join(out, opt[2:] + '.txt')
                    with open(path, 'w') as f:
                        f.write(text)
                    argv += [opt, path]
            argv += list(extra)
            p = subprocess.run(argv, capture_output=True, text=True)
            with open(os.path.join(out, 'results.json')) as f:
                res = json.load(f)
            with open(os.path.join(out, 'counters.txt')) as f:
                counters = f.read()
            return p.returncode, res, p.stdout, counters

    def test_passing_log_passes(self):
        rc, res, out, counters = self.verdict(data('pass-console.log'),
                                              data('pass-runner.ktap'))
        self.assertEqual(rc, 0, res['reasons'])
        self.assertEqual(res['verdict'], 'pass')
        self.assertEqual(res['summary']['fail'], 0)
        self.assertGreater(res['summary']['pass'], 10)
        self.assertIn('balloon_held', counters)
        self.assertIn('movops test: PASS', out)
        self.assertEqual(res['phases_s'], {'boot': 1.5, 'tests': 2.5})

    def test_failing_log_fails_naming_the_tests(self):
        rc, res, out, _ = self.verdict(data('fail-console.log'), data('fail-runner.ktap'))
        self.assertEqual(rc, 1)
        # Each named with what its log said (its '# name: ...' line).
        self.assertEqual(res['reasons'],
                         ["compaction_moved_ours failed: got '0', expected more than 0",
                          'movops_kunit_load failed: no movops_kunit.ko in /movops'])
        self.assertEqual(res['summary']['fail'], 2)
        self.assertRegex(out, r'compaction_moved_ours\s+FAIL')

    def test_panic_fails_and_shows_it(self):
        rc, res, out, _ = self.verdict(data('panic-console.log'), ktap_text='')
        self.assertEqual(rc, 1)
        self.assertTrue(any('panic' in r for r in res['reasons']), res['reasons'])
        self.assertIn('sysrq triggered crash', out)     # the console tail

    def test_truncated_log_fails(self):
        with open(data('fail-runner.ktap')) as f:
            lines = f.readlines()
        rc, res, _, _ = self.verdict(data('fail-console.log'),
                                     ktap_text=''.join(lines[:60]))
        self.assertEqual(rc, 1)
        self.assertTrue(any('no test plan' in r for r in res['reasons']), res['reasons'])
        self.assertTrue(any('did not finish' in r for r in res['reasons']), res['reasons'])

    def test_warning_with_all_tests_passing_fails(self):
        rc, res, _, _ = self.verdict(data('warning-console.log'), data('pass-runner.ktap'))
        self.assertEqual(rc, 1)
        self.assertEqual(res['summary']['fail'], 0)
        self.assertTrue(any(r.startswith('kernel warning') for r in res['reasons']),
                        res['reasons'])
        self.assertTrue(any(s['kind'] == 'warning' and 'lkdtm_WARNING' in s['text']
                            for s in res['splats']), res['splats'])

    def test_hang_fails_on_timeout(self):
        rc, res, _, _ = self.verdict(data('hang-console.log'), ktap_text='', ended='timeout')
        self.assertEqual(rc, 1)
        self.assertIn('guest did not power off by itself: timeout', res['reasons'])

    def test_expected_failures_must_be_exact(self):
        both = 'compaction_moved_ours,movops_kunit_load'
        rc, res, _, _ = self.verdict(data('fail-console.log'), data('fail-runner.ktap'),
                                     expect_fail=both)
        self.assertEqual(rc, 0, res['reasons'])
        rc, res, _, _ = self.verdict(data('fail-console.log'), data('fail-runner.ktap'),
                                     expect_fail='compaction_moved_ours')
        self.assertEqual(rc, 1)
        rc, res, _, _ = self.verdict(data('fail-console.log'), data('fail-runner.ktap'),
                                     expect_fail=both + ',movops_load')
        self.assertIn('movops_load was expected to fail but is pass', res['reasons'])
        rc, res, _, _ = self.verdict(data('fail-console.log'), data('fail-runner.ktap'),
                                     expect_fail=both + ',no_such_test')
        self.assertIn('no_such_test was expected to fail but did not run', res['reasons'])

    def test_skip_needs_a_reason_and_an_entry(self):
        base = 'KTAP version 1\nok 1 a\nok 2 b # SKIP\n1..2\n# movops-done failed=0\n'
        listed = '* b match="no kprobes" the kernel has none\n'
        rc, res, _, _ = self.verdict(data('pass-console.log'), ktap_text=base, skips=listed)
        self.assertEqual(rc, 1)
        self.assertIn('b skipped without a reason', res['reasons'])
        reasoned = base.replace('# SKIP', '# SKIP no kprobes')
        rc, res, _, _ = self.verdict(data('pass-console.log'), ktap_text=reasoned, skips=listed)
        self.assertEqual(rc, 0, res['reasons'])
        self.assertEqual(res['summary'], {'pass': 1, 'fail': 0, 'skip': 1})
        # The same skip with no entry for it fails the run and names itself.
        rc, res, out, _ = self.verdict(data('pass-console.log'), ktap_text=reasoned, skips='')
        self.assertEqual(rc, 1)
        self.assertIn('b skipped, and no entry of expected-skips.txt expects it here: '
                      'no kprobes', res['reasons'])
        self.assertRegex(out, r'b\s+SKIP \(unexpected\)')

    ENOENT = 'movops_balloon.balloon_enoent_balloon_pages_stat'
    KNOWN = ('* ' + ENOENT + ' match="NR_BALLOON_PAGES still counts the page deflated by -ENOENT"'
             ' {fixed}the NR_BALLOON_PAGES bug\n')

    CONFIG_734 = '# Linux/x86_64 7.3.4 Kernel Configuration\nCONFIG_X86_64=y\n'

    def full(self, ktap='full-pass-runner.ktap', fixed='', extra=(), **kw):
        """The recorded 7.3.4 run, judged as 7.3.4 (a .config saying so) by
        the repository's expected skips and the given known failure."""
        with tempfile.TemporaryDirectory() as d:
            cfg = os.path.join(d, '.config')
            with open(cfg, 'w') as f:
                f.write(self.CONFIG_734)
            return self.verdict(data('full-pass-console.log'), data(ktap),
                                known=self.KNOWN.format(fixed=fixed),
                                extra=['--config', cfg] + list(extra), **kw)

    def test_recorded_known_failure_is_xfail(self):
        rc, res, out, _ = self.full()
        self.assertEqual(rc, 0, res['reasons'])
        self.assertEqual([x['name'] for x in res['xfail']], [self.ENOENT])
        self.assertRegex(out, self.ENOENT + r'\s+XFAIL')

    def test_recorded_known_failure_with_the_repository_lists(self):
        rc, res, _, _ = self.verdict(data('full-pass-console.log'),
                                     data('full-pass-runner.ktap'),
                                     extra=['--skips', os.path.join(DATA, 'no-such-list')])
        # --kver test: no entry applies; the same log judged as 7.3.4:
        self.assertIn(f'{self.ENOENT} failed at kunit/balloon_test.c:243: Expected '
                      'mk_balloon_pages_stat() - stat == 32 - 1, but mk_balloon_pages_stat() - '
                      'stat == 32 (0x20) 32 - 1 == 31 (0x1f) NR_BALLOON_PAGES still counts the '
                      'page deflated by -ENOENT', res['reasons'])
        with tempfile.TemporaryDirectory() as d:
            cfg = os.path.join(d, '.config')
            with open(cfg, 'w') as f:
                f.write(self.CONFIG_734)
            rc, res, _, _ = self.verdict(data('full-pass-console.log'),
                                         data('full-pass-runner.ktap'), extra=['--config', cfg])
            self.assertEqual(rc, 0, res['reasons'])
            self.assertEqual(res['facts']['kver'], '7.3.4')
            # Every skip of that run is listed; without one entry the run is
            # red, naming the skip.
            with open(os.path.join(TOP, 'scripts', 'report', 'expected-skips.txt')) as f:
                lines = f.read().splitlines(True)
            cut = os.path.join(d, 'skips.txt')
            with open(cut, 'w') as f:
                f.writelines(l for l in lines if not l.startswith('!CONFIG_DEBUG_KMEMLEAK '))
            rc, res, out, _ = self.verdict(data('full-pass-console.log'),
                                           data('full-pass-runner.ktap'),
                                           extra=['--config', cfg, '--skips', cut])
            self.assertEqual(rc, 1)
            self.assertEqual(res['reasons'], [
                'kmemleak_clean skipped, and no entry of expected-skips.txt expects it here: '
                'no /sys/kernel/debug/kmemleak (CONFIG_DEBUG_KMEMLEAK: FLAVOR=debug)'])

    def test_recorded_broken_enoent_migration_is_a_real_failure(self):
        # A real run with the -ENOENT migration broken (the test's driver
        # answer turned to -EAGAIN in a scratch copy): the assertion one
        # line before the known expectation fails.
        rc, res, out, _ = self.verdict(data('enoent-broken-console.log'),
                                       data('enoent-broken-runner.ktap'),
                                       known=self.KNOWN.format(fixed=''))
        self.assertEqual(rc, 1)
        self.assertEqual(res['xfail'], [])
        why = [r for r in res['reasons'] if r.startswith(self.ENOENT)]
        self.assertEqual(len(why), 1, res['reasons'])
        self.assertIn('failed, but not as the known failure', why[0])
        self.assertIn('ASSERTION FAILED at kunit/balloon_test.c:242', why[0])

    def test_known_failure_fixed_by_a_patch_must_pass(self):
        rc, res, _, _ = self.full(fixed='fixed-by=0001-mm-balloon-fix.patch ',
                                  extra=['--patches', 'patches/0001-mm-balloon-fix.patch'])
        self.assertEqual(rc, 1)
        self.assertEqual(res['xfail'], [])
        self.assertTrue(any('carries 0001-mm-balloon-fix.patch' in r for r in res['reasons']),
                        res['reasons'])
        # Without the patch in the run, the entry is the known failure still.
        rc, res, _, _ = self.full(fixed='fixed-by=0001-mm-balloon-fix.patch ')
        self.assertEqual(rc, 0, res['reasons'])

    def test_nothing_ran(self):
        rc, res, _, _ = self.verdict(data('pass-console.log'),
                                     ktap_text='KTAP version 1\n1..0\n# movops-done failed=0\n')
        self.assertEqual(rc, 1)
        self.assertIn('no test ran', res['reasons'])


    def test_stress_phase_off_is_expected_only_for_the_recorded_setting(self):
        """MOVOPS_STRESS_CHECK_SECONDS=0: the guest records the setting and
        skips stress_check; the repository's list expects that skip only
        when the run recorded 0 (scripts/report/expected-skips.txt)."""
        def ktap(recorded):
            return ('KTAP version 1\nok 1 movops_load\n' + recorded +
                    'ok 2 stress_check # SKIP MOVOPS_STRESS_CHECK_SECONDS=0: '
                    'no stress phase asked for\n1..2\n# movops-done failed=0\n')
        rc, res, out, _ = self.verdict(data('pass-console.log'),
                                       ktap_text=ktap('# counter: stress_check_seconds 0\n'))
        self.assertEqual(rc, 0, res['reasons'])
        self.assertRegex(out, r'stress_check\s+SKIP \(expected\)')
        for other in ('# counter: stress_check_seconds 30\n', ''):
            rc, res, out, _ = self.verdict(data('pass-console.log'), ktap_text=ktap(other))
            self.assertEqual(rc, 1)
            self.assertTrue(any(r.startswith('stress_check skipped, and no entry')
                                for r in res['reasons']), res['reasons'])

    def test_stress_phase_off_on_debian_kernels_is_expected_by_their_kind(self):
        """KERNEL=debian / debian-rt run without the stress phase unless
        STRESS=1: the repository's list expects that skip by the kernel's
        kind, naming how to run the phase; a built kernel's entry names
        STRESS=0, and the skip without the recorded 0 still fails."""
        ktap = ('KTAP version 1\nok 1 movops_load\n# counter: stress_check_seconds 0\n'
                'ok 2 stress_check # SKIP MOVOPS_STRESS_CHECK_SECONDS=0: '
                'no stress phase asked for\n1..2\n# movops-done failed=0\n')
        for kind, how in (('debian', 'make run KERNEL=debian STRESS=1'),
                          ('debian-rt', 'make run KERNEL=debian-rt STRESS=1'),
                          ('built', 'STRESS=0')):
            rc, res, out, _ = self.verdict(data('pass-console.log'), ktap_text=ktap,
                                           extra=['--kernel', kind])
            self.assertEqual(rc, 0, res['reasons'])
            self.assertRegex(out, r'stress_check\s+SKIP \(expected\)')
            self.assertEqual(res['facts']['kernel'], kind)
            self.assertIn(how, json.dumps(res))
        # Without the entries for the Debian kinds, their skip is unexpected.
        with open(os.path.join(os.path.dirname(VERDICT), 'expected-skips.txt')) as f:
            others = ''.join(l for l in f if not l.startswith('kernel=debian'))
        rc, res, _, _ = self.verdict(data('pass-console.log'), ktap_text=ktap,
                                     skips=others, extra=['--kernel', 'debian'])
        self.assertEqual(rc, 1)
        self.assertTrue(any(r.startswith('stress_check skipped, and no entry')
                            for r in res['reasons']), res['reasons'])


if __name__ == '__main__':
    unittest.main()
