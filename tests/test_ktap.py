"""ktap.py: the parts of KTAP the runner and KUnit's debugfs results use."""
import unittest

import ktap

KUNIT = '''KTAP version 1
# movops runner
ok 1 movops_load
    KTAP version 1
    # Subtest: movops_zsmalloc
    1..3
        KTAP version 1
        # Subtest: zs_param
        ok 1 small
        not ok 2 huge
    not ok 1 zs_param
    ok 2 zs_a # SKIP no kprobes in this kernel
    ok 3 zs_b
not ok 2 movops_zsmalloc
1..2
'''


class Parse(unittest.TestCase):
    def test_nested_kunit_results(self):
        rep = ktap.parse(KUNIT.splitlines())
        self.assertEqual(rep.errors, [])
        self.assertEqual([t.name for t in rep.tests], ['movops_load', 'movops_zsmalloc'])
        flat = {n: t.status for n, t in rep.flat()}
        self.assertEqual(flat, {
            'movops_load': 'pass',
            'movops_zsmalloc.zs_param.small': 'pass',
            'movops_zsmalloc.zs_param.huge': 'fail',
            'movops_zsmalloc.zs_a': 'skip',
            'movops_zsmalloc.zs_b': 'pass',
        })
        skip = dict(rep.flat())['movops_zsmalloc.zs_a']
        self.assertEqual(skip.directive, 'SKIP no kprobes in this kernel')

    def test_noise_and_carriage_returns(self):
        text = 'boot noise\r\nKTAP version 1\r\n[  1.0] kernel line\r\nok 1 a\r\n1..1\r\n'
        rep = ktap.parse(text.splitlines())
        self.assertEqual(rep.errors, [])
        self.assertEqual([(n, t.status) for n, t in rep.flat()], [('a', 'pass')])

    def test_plan_mismatch_and_missing(self):
        rep = ktap.parse('KTAP version 1\nok 1 a\n1..2\n'.splitlines())
        self.assertIn('plan says 2 tests, 1 results seen', rep.errors)
        rep = ktap.parse('KTAP version 1\nok 1 a\n'.splitlines())
        self.assertTrue(rep.errors[0].startswith('no test plan'))
        rep = ktap.parse('nothing here\n'.splitlines())
        self.assertTrue(rep.errors[0].startswith('no KTAP version'))

    def test_diagnostics_attach_to_next_result(self):
        rep = ktap.parse('KTAP version 1\n# a: got 1\nnot ok 1 a\n1..1\n# done\n'.splitlines())
        self.assertEqual(rep.tests[0].diag, ['a: got 1'])
        self.assertEqual(rep.trailer, ['done'])


if __name__ == '__main__':
    unittest.main()
