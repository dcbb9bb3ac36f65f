"""kcidb.py on recorded guest logs (tests/test_data/README.md says where
each came from): each run goes through verdict.py as the Makefile runs it,
then kcidb.py, and the output is checked against the KCIDB v5 schema the
project wrote (scripts/report/kcidb-schema-v5.json)."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

import jsonschema

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
DATA = os.path.join(HERE, 'test_data')
VERDICT = os.path.join(TOP, 'scripts', 'report', 'verdict.py')
KCIDB = os.path.join(TOP, 'scripts', 'report', 'kcidb.py')
SCHEMA = os.path.join(TOP, 'scripts', 'report', 'kcidb-schema-v5.json')


def data(name):
    return os.path.join(DATA, name)


def read(path):
    with open(path) as f:
        return f.read()


class Kcidb(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        with open(SCHEMA) as f:
            self.schema = json.load(f)

    def tearDown(self):
        self.tmp.cleanup()

    def run_target(self, target, vm, console=None, ktap_text=None, expect_fail=''):
        """A results directory as make run leaves it, then kcidb.py on it."""
        d = os.path.join(self.tmp.name, target)
        os.makedirs(d)
        with open(os.path.join(d, 'vm.json'), 'w') as f:
            json.dump(vm, f)
        argv = [sys.executable, VERDICT, '--vm-record', os.path.join(d, 'vm.json'),
                '--console', os.path.join(d, 'console.log'), '--out', d, '--kver', '7.3',
                '--expect-fail', expect_fail]
        if console:
            with open(os.path.join(d, 'console.log'), 'w') as f:
                f.write(read(console))
        if ktap_text is not None:
            with open(os.path.join(d, 'runner.ktap'), 'w') as f:
                f.write(ktap_text)
            argv += ['--ktap', os.path.join(d, 'runner.ktap')]
        subprocess.run(argv, capture_output=True, text=True)
        p = subprocess.run([sys.executable, KCIDB, '--validate', SCHEMA, d],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn('schema v5.0: valid', p.stdout)
        with open(os.path.join(d, 'kcidb.json')) as f:
            out = json.load(f)
        self.assertEqual(self.errors(out), [])
        return out, {t['path']: t for t in out['tests']}

    def errors(self, doc):
        v = jsonschema.Draft7Validator(self.schema)
        return [e.message for e in v.iter_errors(doc)]

    def test_passing_run(self):
        ktap = read(data('pass-runner.ktap'))
        out, tests = self.run_target('7.3', {'ended': 'poweroff', 'tests_s': 2.5},
                                     data('pass-console.log'), ktap)
        self.assertEqual(out['version'], {'major': 5, 'minor': 0})
        self.assertEqual(tests['movops']['status'], 'PASS')
        # One test per KTAP result line, each PASS, under a dotted path.
        results = [l for l in ktap.splitlines() if l.startswith(('ok ', 'not ok '))]
        self.assertEqual(len(out['tests']), len(results) + 1)
        t = tests['movops.balloon_targeted_migrated']
        self.assertEqual(t['status'], 'PASS')
        self.assertEqual(t['misc'], {'value': 768})
        self.assertEqual(t['build_id'], out['builds'][0]['id'])
        self.assertEqual(out['builds'][0]['checkout_id'], out['checkouts'][0]['id'])
        # The console log is the log; key counters are the run's misc.
        self.assertTrue(tests['movops']['log_url'].endswith('/7.3/console.log'))
        self.assertEqual(tests['movops']['misc']['counters']['targeted_balloon_migrated'], 768)
        self.assertEqual(len({t['id'] for t in out['tests']}), len(out['tests']))

    def test_injected_fault_is_that_test_failing(self):
        # make inject-check MOVOPS_INJECT=balloon_fail, as recorded by
        # pass-runner.ktap with that one check turned red in memory.
        ktap = read(data('pass-runner.ktap')).replace(
            'ok 19 balloon_targeted_migrated', 'not ok 19 balloon_targeted_migrated')
        self.assertIn('not ok 19 balloon_targeted_migrated', ktap)
        out, tests = self.run_target('7.3-inject-balloon_fail', {'ended': 'poweroff'},
                                     data('pass-console.log'), ktap,
                                     expect_fail='balloon_targeted_migrated')
        t = tests['movops.balloon_targeted_migrated']
        self.assertEqual(t['status'], 'FAIL')
        self.assertTrue(t['waived'])
        self.assertTrue(t['misc']['injected_fault'])
        self.assertEqual(tests['movops']['status'], 'FAIL')
        self.assertEqual(tests['movops']['misc']['verdict'], 'pass')
        self.assertEqual([p for p, t in tests.items() if t['status'] == 'FAIL'],
                         ['movops', 'movops.balloon_targeted_migrated'])

    def test_real_failures_are_fail(self):
        out, tests = self.run_target('7.3', {'ended': 'poweroff'}, data('fail-console.log'),
                                     read(data('fail-runner.ktap')))
        self.assertEqual(tests['movops']['status'], 'FAIL')
        self.assertEqual(tests['movops.compaction_moved_ours']['status'], 'FAIL')
        self.assertIn('compaction_moved_ours', tests['movops.compaction_moved_ours']['log_excerpt'])
        self.assertNotIn('waived', tests['movops.compaction_moved_ours'])

    def test_kernel_panic_is_the_kernels_failure(self):
        out, tests = self.run_target('7.3', {'ended': 'poweroff'}, data('panic-console.log'), '')
        self.assertEqual(tests['movops']['status'], 'FAIL')
        self.assertIn('panic', tests['movops']['log_excerpt'])

    def test_guest_that_never_reached_the_runner_is_not_fail(self):
        out, tests = self.run_target('7.3', {'ended': 'timeout'}, data('hang-console.log'), '')
        self.assertEqual(list(tests), ['movops'])
        self.assertIn(tests['movops']['status'], ('MISS', 'ERROR'))
        self.assertIn('never', tests['movops']['comment'])

    def test_qemu_missing_is_miss(self):
        vm = {'ended': 'could not start QEMU: qemu-system-x86_64 not found'}
        out, tests = self.run_target('7.3', vm)
        self.assertEqual([t['status'] for t in out['tests']], ['MISS'])
        self.assertIn('not found', tests['movops']['comment'])
        self.assertNotIn('log_url', tests['movops'])

    def test_truncated_run_without_splat_is_error(self):
        ktap = read(data('pass-runner.ktap'))
        cut = ktap[:ktap.index('ok 19 balloon_targeted_migrated')]
        out, tests = self.run_target('7.3', {'ended': 'timeout'}, data('pass-console.log'), cut)
        self.assertEqual(tests['movops']['status'], 'ERROR')
        self.assertEqual(tests['movops.movops_load']['status'], 'PASS')

    def test_schema_rejects_what_kcidb_would(self):
        out, _ = self.run_target('7.3', {'ended': 'poweroff'}, data('pass-console.log'),
                                 read(data('pass-runner.ktap')))
        bad = json.loads(json.dumps(out))
        bad['tests'][1]['status'] = 'BROKEN'
        bad['tests'][2]['path'] = 'movops..x'
        bad['version']['major'] = 4
        del bad['builds'][0]['checkout_id']
        errors = self.errors(bad)
        self.assertEqual(len(errors), 4, errors)


if __name__ == '__main__':
    unittest.main()
