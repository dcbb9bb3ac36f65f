"""expectations.py: the lists' format, their conditions, and the rules that
judge skips and known failures (for verdict.py and known_failures.py alike)."""
import os
import tempfile
import unittest

import expectations as ex
import ktap

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

CONFIG = '''#
# Automatically generated file; DO NOT EDIT.
# Linux/x86_64 7.3.4 Kernel Configuration
#
CONFIG_X86_64=y
CONFIG_KPROBES=y
CONFIG_ZRAM=m
# CONFIG_DEBUG_KMEMLEAK is not set
CONFIG_NR_CPUS=64
'''

ENOENT = 'movops_balloon.balloon_enoent_balloon_pages_stat'
MSG = 'NR_BALLOON_PAGES still counts the page deflated by -ENOENT'

# KUnit's debugfs results for the known failure, as the runner passes them
# on (the failure's continuation lines carry no '#'), and the same case
# failing one expectation earlier.
KTAP_XFAIL = f'''KTAP version 1
ok 1 movops_load
    KTAP version 1
    # Subtest: movops_balloon
    1..2
    ok 1 balloon_a
    # balloon_enoent_balloon_pages_stat: EXPECTATION FAILED at kunit/balloon_test.c:247
Expected mk_balloon_pages_stat() - stat == N - 1, but
        mk_balloon_pages_stat() - stat == 16 (0x10)
        N - 1 == 15 (0xf)
{MSG}
    not ok 2 balloon_enoent_balloon_pages_stat
not ok 2 movops_balloon
1..2
'''
KTAP_EARLIER = KTAP_XFAIL.replace(
    '''    # balloon_enoent_balloon_pages_stat: EXPECTATION FAILED at kunit/balloon_test.c:247
Expected mk_balloon_pages_stat() - stat == N - 1, but
        mk_balloon_pages_stat() - stat == 16 (0x10)
        N - 1 == 15 (0xf)
''' + MSG + '\n',
    '''    # balloon_enoent_balloon_pages_stat: ASSERTION FAILED at kunit/balloon_test.c:245
Expected mk_migrate_pfn(mk_balloon_slot_pfn(mb, 0)) == 0, but
        mk_migrate_pfn(mk_balloon_slot_pfn(mb, 0)) == -11 (0xfffffffffffffff5)
''')


def write(d, name, text):
    path = os.path.join(d, name)
    with open(path, 'w') as f:
        f.write(text)
    return path


class Lists(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.d = self.tmp.name
        self.facts = ex.facts(write(self.d, '.config', CONFIG), '7.3', 'default',
                              recorded={'stress_check_seconds': '0'})

    def tearDown(self):
        self.tmp.cleanup()

    def entries(self, text, **kw):
        return ex.load(write(self.d, 'list.txt', text), **kw)

    def test_facts_come_from_the_config(self):
        f = self.facts
        self.assertEqual((f['kver'], f['arch'], f['flavor']), ('7.3.4', 'x86_64', 'default'))
        self.assertEqual(f['config']['CONFIG_ZRAM'], 'm')
        # Without a .config, the harness's KVER stands in.
        self.assertEqual(ex.facts(None, '6.12')['kver'], '6.12')
        # The kernel's kind: built by the harness unless a prebuilt one is named.
        self.assertEqual(f['kernel'], 'built')
        self.assertEqual(ex.facts(None, '6.12', kernel='debian')['kernel'], 'debian')

    def test_conditions(self):
        cases = {
            '*': True, '7.3': True, 'kver=7.3': True, 'kver=7': True, 'kver=7.30': False,
            'kver=6.12': False, 'kver!=6.12': True, 'kver>=6.17': True, 'kver<6.17': False,
            'kver<=7.3': True, 'kver>7.3': False, 'kver>7.2': True, 'kver<7.3.5': True,
            'flavor=default': True, 'flavor=debug': False, 'flavor!=debug': True,
            'kernel=built': True, 'kernel=debian': False, 'kernel!=debian-rt': True,
            'arch=x86_64': True, 'arch=arm64': False,
            'CONFIG_KPROBES': True, 'CONFIG_ZRAM': True, 'CONFIG_ZRAM=y': False,
            'CONFIG_ZRAM=m': True, '!CONFIG_DEBUG_KMEMLEAK': True,
            'CONFIG_DEBUG_KMEMLEAK': False, '!CONFIG_KPROBES': False,
            'CONFIG_NO_SUCH': False, 'CONFIG_NR_CPUS=64': True,
            'kver>=6.17,CONFIG_KPROBES': True, 'kver>=6.17,flavor=debug': False,
            'recorded:stress_check_seconds=0': True, 'recorded:stress_check_seconds!=0': False,
            'recorded:stress_check_seconds=30': False, 'recorded:not_recorded=0': False,
            'recorded:not_recorded!=0': False,
        }
        for when, want in cases.items():
            e, = self.entries(f'{when} t reason\n')
            self.assertEqual(ex.applies(e, self.facts), want, when)

    def test_format_errors_are_named(self):
        for text, what in (('7.3 t\n', 'needs WHEN TEST'),
                           ('kver~7 t why\n', 'cannot read condition'),
                           ('7.3 t match="x"\n', 'no reason'),
                           ('CONFIG_A t why\nfoo t why\n', 'list.txt:2')):
            with self.assertRaises(ValueError) as cm:
                self.entries(text)
            self.assertIn(what, str(cm.exception))
        with self.assertRaises(ValueError) as cm:
            self.entries('7.3 t no match given\n', require_match=True)
        self.assertIn('needs match=', str(cm.exception))

    def test_attributes(self):
        e, = self.entries('7.3 a.b match="two words" fixed-by=0001-fix.patch the kernel\'s bug\n')
        self.assertEqual((e.test, e.match, e.fixed_by, e.reason),
                         ('a.b', 'two words', '0001-fix.patch', "the kernel's bug"))
        e, = self.entries('7.3 a.b match=one-word why "quoted" stays\n')
        self.assertEqual((e.match, e.reason), ('one-word', 'why "quoted" stays'))

    def test_repository_lists_load(self):
        known = ex.load(ex.KNOWN, require_match=True)
        self.assertTrue(any(e.test == ENOENT for e in known))
        if os.path.exists(ex.SKIPS):
            ex.load(ex.SKIPS)


def cases(text):
    rep = ktap.parse(text.splitlines())
    return [ex.Case(n, t.status, t.directive if t.status == 'skip' else '', t.log)
            for n, t in rep.flat()]


class Judge(unittest.TestCase):
    def setUp(self):
        self.facts = ex.facts(None, '7.3.4')
        self.known = [ex.Entry(['7.3'], ENOENT, {'match': MSG}, 'NR_BALLOON_PAGES bug', 'k:1')]

    def judge(self, text, skips=(), patches=(), known=None):
        return ex.judge(cases(text), self.facts, self.known if known is None else known,
                        list(skips), patches)

    def test_known_failure_as_described_is_xfail(self):
        j = self.judge(KTAP_XFAIL)
        self.assertEqual(j.reasons, [])
        self.assertEqual([n for n, _ in j.xfail], [ENOENT])

    def test_known_failure_failing_earlier_is_a_real_failure(self):
        j = self.judge(KTAP_EARLIER)
        self.assertEqual(j.xfail, [])
        self.assertEqual(len(j.reasons), 1, j.reasons)
        self.assertIn(f'{ENOENT} failed, but not as the known failure', j.reasons[0])
        self.assertIn('ASSERTION FAILED at kunit/balloon_test.c:245', j.reasons[0])

    def test_an_extra_failure_beside_the_known_one_is_real(self):
        both = KTAP_XFAIL.replace(
            '    # balloon_enoent_balloon_pages_stat: EXPECTATION FAILED at kunit/balloon_test.c:247',
            '    # balloon_enoent_balloon_pages_stat: EXPECTATION FAILED at kunit/balloon_test.c:240\n'
            'Expected a == b\n'
            '    # balloon_enoent_balloon_pages_stat: EXPECTATION FAILED at kunit/balloon_test.c:247')
        j = self.judge(both)
        self.assertEqual(j.xfail, [])
        self.assertIn('balloon_test.c:240', j.reasons[0])

    def test_match_on_file_and_line(self):
        known = [ex.Entry(['7.3'], ENOENT, {'match': 'balloon_test.c:247'}, 'r', 'k:1')]
        self.assertEqual(self.judge(KTAP_XFAIL, known=known).reasons, [])
        self.assertTrue(self.judge(KTAP_EARLIER, known=known).reasons)

    def test_known_failure_passing_is_xpass(self):
        j = self.judge(KTAP_XFAIL.replace('not ok 2 balloon_enoent', 'ok 2 balloon_enoent'))
        self.assertTrue(any('XPASS' in r for r in j.reasons), j.reasons)

    def test_known_failure_that_did_not_run(self):
        # Its suite ran without it: a failure.
        j = self.judge(KTAP_XFAIL.replace('balloon_enoent_balloon_pages_stat', 'renamed'))
        self.assertIn(f'{ENOENT}: known failure did not run (k:1)', j.reasons)
        # The run had no such suite (MOVOPS_ONLY=movops): a note.
        j = self.judge('KTAP version 1\nok 1 a\n1..1\n')
        self.assertEqual(j.reasons, [])
        self.assertIn(f'{ENOENT}: known failure did not run (k:1)', j.notes)

    def test_known_failure_elsewhere_does_not_apply(self):
        self.facts = ex.facts(None, '6.12.95')
        j = self.judge(KTAP_XFAIL)
        self.assertEqual(j.reasons, [f'{ENOENT} failed at kunit/balloon_test.c:247: '
                                     'Expected mk_balloon_pages_stat() - stat == N - 1, but '
                                     'mk_balloon_pages_stat() - stat == 16 (0x10) '
                                     f'N - 1 == 15 (0xf) {MSG}'])

    def test_a_failure_says_what_failed(self):
        # A KUnit case: where, and what its expectation printed (a fixture
        # that found no range names alloc_contig_pages(), seen on the
        # contig-pages-fail mutant); the first failure of several.
        j = self.judge(KTAP_EARLIER.replace('balloon_enoent_balloon_pages_stat', 'other'))
        self.assertEqual(j.reasons[:1], ['movops_balloon.other failed at kunit/balloon_test.c:245: '
                                     'Expected mk_migrate_pfn(mk_balloon_slot_pfn(mb, 0)) == 0, but '
                                     'mk_migrate_pfn(mk_balloon_slot_pfn(mb, 0)) == -11 '
                                     '(0xfffffffffffffff5)'])
        # The runner's own check: its '# name: ...' line; long text is cut.
        j = self.judge('KTAP version 1\n# counter: x 1\n# zs_verify_intact: got \'3\', '
                       "expected '0'\nnot ok 1 zs_verify_intact\n"
                       '# a: ' + 'y' * 400 + '\nnot ok 2 a\nnot ok 3 b\n1..3\n')
        self.assertEqual(j.reasons[0], "zs_verify_intact failed: got '3', expected '0'")
        self.assertEqual(j.reasons[1], 'a failed: ' + 'y' * 317 + '...')
        # Nothing said: the name alone.
        self.assertEqual(j.reasons[2], 'b failed')

    def test_fixed_by_a_patch_the_run_used(self):
        known = [ex.Entry(['7.3'], ENOENT, {'match': MSG, 'fixed-by': '0001-fix.patch'}, 'r', 'k:1')]
        # Without the patch: still the known failure.
        self.assertEqual(self.judge(KTAP_XFAIL, known=known).reasons, [])
        # With it, failing is a real failure ...
        j = self.judge(KTAP_XFAIL, known=known, patches=['patches/0001-fix.patch'])
        self.assertEqual(j.xfail, [])
        self.assertIn('carries 0001-fix.patch', j.reasons[0])
        # ... and passing is a pass, not an XPASS.
        passing = KTAP_XFAIL.replace('not ok 2 balloon_enoent', 'ok 2 balloon_enoent')
        j = self.judge(passing, known=known, patches=['0001-fix.patch'])
        self.assertEqual(j.reasons, [])
        self.assertEqual(j.marks[ENOENT], 'PASS (fixed by 0001-fix.patch)')

    SKIPPY = '''KTAP version 1
ok 1 load
ok 2 kmemleak_clean # SKIP no /sys/kernel/debug/kmemleak (CONFIG_DEBUG_KMEMLEAK: FLAVOR=debug)
    KTAP version 1
    # Subtest: movops_zs
    1..2
    ok 1 zs_a # SKIP precondition: no isolatable range of 512 pages in zone Movable
    ok 2 zs_b
ok 3 movops_zs
1..3
'''

    def test_unexpected_skip_fails_naming_itself(self):
        j = self.judge(self.SKIPPY, known=[])
        self.assertEqual(len(j.reasons), 2, j.reasons)
        self.assertIn('kmemleak_clean skipped, and no entry', j.reasons[0])
        self.assertIn('movops_zs.zs_a skipped', j.reasons[1])
        self.assertIn('no isolatable range', j.reasons[1])

    def test_expected_skip_passes_and_must_match_its_reason(self):
        skips = [ex.Entry(['!CONFIG_DEBUG_KMEMLEAK'], 'kmemleak_clean',
                          {'match': 'no /sys/kernel/debug/kmemleak'}, 'r', 's:1'),
                 ex.Entry(['*'], 'movops_zs.zs_a', {'match': 'no kprobes'}, 'r', 's:2')]
        j = self.judge(self.SKIPPY, skips=skips, known=[])
        # kmemleak is expected; zs_a skips for another reason than the listed one.
        self.assertEqual(len(j.reasons), 1, j.reasons)
        self.assertIn('movops_zs.zs_a skipped', j.reasons[0])
        self.assertEqual(j.marks['kmemleak_clean'], 'SKIP (expected)')

    def test_listed_skip_that_did_not_happen_is_a_note(self):
        skips = [ex.Entry(['*'], 'load', {}, 'r', 's:1'),
                 ex.Entry(['*'], 'gone', {}, 'r', 's:2'),
                 ex.Entry(['*'], 'kmemleak_clean', {}, 'r', 's:3'),
                 ex.Entry(['*'], 'movops_zs.zs_a', {}, 'r', 's:4')]
        j = self.judge(self.SKIPPY, skips=skips, known=[])
        self.assertEqual(j.reasons, [])
        self.assertEqual(j.notes, ['expected skip did not happen (s:1: load): load pass'])
        # Gone from a suite that ran: a note; from a suite that did not: none.
        skips = [ex.Entry(['*'], 'movops_zs.gone', {}, 'r', 's:5'),
                 ex.Entry(['*'], 'movops_other.gone', {}, 'r', 's:6')]
        j = self.judge(self.SKIPPY.replace('# SKIP precondition', '# SKIP x'), skips=skips
                       + [ex.Entry(['*'], 'kmemleak_clean', {}, 'r', 's:3'),
                          ex.Entry(['*'], 'movops_zs.zs_a', {}, 'r', 's:4')], known=[])
        self.assertEqual(j.reasons, [])
        self.assertEqual(j.notes, ['expected skip did not happen (s:5: movops_zs.gone): did not run'])

    def test_a_suite_that_only_skipped_fails(self):
        text = self.SKIPPY.replace('    ok 2 zs_b', '    ok 2 zs_b # SKIP no kprobes')
        skips = [ex.Entry(['*'], 'movops_zs.*', {}, 'r', 's:1'),
                 ex.Entry(['*'], 'kmemleak_clean', {}, 'r', 's:2')]
        j = self.judge(text, skips=skips, known=[])
        self.assertEqual(j.reasons, ['every case of movops_zs skipped (2): nothing was tested'])

    def test_a_suite_skipped_whole_fails(self):
        text = 'KTAP version 1\nok 1 load\nok 2 movops_zs # SKIP no zsmalloc\n1..2\n'
        skips = [ex.Entry(['*'], 'movops_zs', {}, 'r', 's:1')]
        j = ex.judge(cases(text), self.facts, [], skips, suites={'movops_zs': 2})
        self.assertEqual(j.reasons, ['KUnit suite movops_zs skipped as a whole: nothing was tested'])

    def test_suites_come_from_the_sources(self):
        suites = ex.kunit_suites()
        self.assertIn('movops_balloon', suites)
        self.assertGreater(suites['movops_balloon'], 5)

    def test_without_a_list_skips_are_not_judged(self):
        j = ex.judge(cases(self.SKIPPY), self.facts, [], None)
        self.assertEqual(j.reasons, [])

    def test_skip_without_reason_fails(self):
        j = self.judge('KTAP version 1\nok 1 a # SKIP\nok 2 b\n1..2\n',
                       skips=[ex.Entry(['*'], 'a', {}, 'r', 's:1')], known=[])
        self.assertEqual(j.reasons, ['a skipped without a reason'])


if __name__ == '__main__':
    unittest.main()
