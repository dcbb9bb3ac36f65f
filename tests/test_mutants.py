"""make mutants (scripts/host/mutants.py): a mutant of a .c file takes the fast
path (modules and initramfs built once against the pristine kernel, its run
the boot and the verdict alone); a header mutant gets the whole make run
with modules of its own. Run end to end with a stand-in for make."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import types
import unittest

import mutants

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# A stand-in for make: logs its arguments, and for a run writes the KTAP
# its mutant asks for (FAKE_KTAP_<name with _>), else a passing one.
FAKE_MAKE = r'''#!/bin/sh
printf '%s\n' "$*" >> "$FAKE_LOG"
results=
for a in "$@"; do case $a in RESULTS=*) results=${a#RESULTS=} ;; esac; done
case " $* " in
*" kernel "*" modules "*) exit 0 ;;
*" kernel "*) echo "movops: kernel 7.3 (default) built in 12.5 s"; exit 0 ;;
esac
name=$(basename "$results" | tr - _)
eval "ktap=\${FAKE_KTAP_$name:-ok 1 movops_load}"
mkdir -p "$results"
printf '%s\n' "$ktap" > "$results/runner.ktap"
: > "$results/console.log"
printf '{"verdict": "pass"}' > "$results/results.json"
exit 0
'''


class Paths(unittest.TestCase):
    def setUp(self):
        self.args = types.SimpleNamespace(build='/b', kver='7.3', timeout=240)

    def test_only_c_files_take_the_fast_path(self):
        self.assertTrue(mutants.fast('mm/balloon.c'))
        self.assertFalse(mutants.fast('include/linux/page-flags.h'))

    def test_fast_run_is_boot_and_verdict_with_the_base_modules(self):
        build, run = mutants.make_cmds('x', 'mm/migrate.c', self.args, '/b/results/mutants/x')
        self.assertEqual(build[-1], 'kernel')
        self.assertEqual(run[-3:], ['phases-reset', 'boot', 'verdict'])
        self.assertNotIn('run', run)
        self.assertIn('MOD_SRC=/b/src-7.3-mutants-base', run)
        self.assertIn('INITRD=/b/initramfs-7.3-mutants-base.cpio.gz', run)
        patch = [a for a in run if a.startswith('PATCHES=')]
        self.assertEqual(patch, [f'PATCHES={mutants.CATALOGUE}/x.patch'])
        self.assertEqual(patch, [a for a in build if a.startswith('PATCHES=')])

    def test_header_mutant_gets_make_run_and_its_own_modules(self):
        build, run = mutants.make_cmds('h', 'include/linux/page-flags.h', self.args, '/r')
        self.assertEqual(run[-1], 'run')
        self.assertIn('MOD_SRC=/b/src-7.3-mutants', run)
        self.assertIn('INITRD=/b/initramfs-7.3-mutants.cpio.gz', run)

    def test_base_is_the_pristine_kernel(self):
        cmd = mutants.base_cmd(self.args)
        self.assertFalse([a for a in cmd if a.startswith('PATCHES=')])
        self.assertEqual(cmd[-3:], ['kernel', 'modules', 'initramfs'])
        self.assertIn('MOD_SRC=/b/src-7.3-mutants-base', cmd)

    def test_catalogue_equivalents_say_why(self):
        cat = mutants.catalogue()
        equiv = sorted(n for n, v in cat.items() if v[3])
        self.assertEqual(equiv, ['compaction-no-isolated-precheck', 'migrate-no-clear-flag'])

    def test_catalogue_header_mutants_are_not_fast(self):
        cat = mutants.catalogue()
        self.assertFalse(mutants.fast(cat['has-mops-offline-only'][0]))
        self.assertTrue(mutants.fast(cat['balloon-isolate-no-lock'][0]))

    def test_kmake_time_from_the_build_log(self):
        with tempfile.NamedTemporaryFile('w', suffix='.log', delete=False) as f:
            f.write('movops: variant: applying x.patch\n'
                    'movops: kernel 7.3 (default) built in 41.3 s\n')
        try:
            self.assertEqual(mutants.kmake_s(f.name), 41.3)
        finally:
            os.unlink(f.name)
        self.assertIsNone(mutants.kmake_s('/nonexistent/build.log'))


class Budget(unittest.TestCase):
    def test_no_budget_always_fits(self):
        self.assertTrue(mutants.fits(0, 10_000, []))

    def test_guess_is_the_mean_so_far(self):
        recs = [{'build_s': 40, 'run_s': 20}, {'build_s': 30, 'run_s': 10}]   # mean 50
        self.assertTrue(mutants.fits(900, 850, recs))
        self.assertFalse(mutants.fits(900, 851, recs))
        self.assertFalse(mutants.fits(60, 0, []))      # 90 s before the first
        self.assertTrue(mutants.fits(90, 0, []))


class FirstFailure(unittest.TestCase):
    def test_nested_case_named_with_its_suite(self):
        lines = ['    # Subtest: movops_balloon', '    ok 1 a', '    not ok 2 b', 'not ok 1 movops_balloon']
        self.assertEqual(mutants.first_failure(lines, []), 'movops_balloon.b')

    def test_suite_summary_is_not_a_check(self):
        lines = ['    # Subtest: s', '    ok 1 a', 'not ok 1 s', 'not ok 2 balloon_isolated_none']
        self.assertEqual(mutants.first_failure(lines, []), 'balloon_isolated_none')


class EndToEnd(unittest.TestCase):
    """main() with make replaced: the base once, then each mutant's kernel
    and its run; the table names the first failed check."""
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        bindir = os.path.join(self.tmp, 'bin')
        os.makedirs(bindir)
        with open(os.path.join(bindir, 'make'), 'w') as f:
            f.write(FAKE_MAKE)
        os.chmod(os.path.join(bindir, 'make'), 0o755)
        self.log = os.path.join(self.tmp, 'make.log')
        self.env = dict(os.environ, PATH=f'{bindir}:{os.environ["PATH"]}', FAKE_LOG=self.log,
                        FAKE_KTAP_balloon_isolate_no_count='not ok 3 balloon_isolated_none')

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def run_mutants(self, *names):
        return subprocess.run([sys.executable, os.path.join(TOP, 'scripts', 'host', 'mutants.py'),
                               '--build', os.path.join(self.tmp, 'build'), *names],
                              env=self.env, capture_output=True, text=True, timeout=60)

    def calls(self):
        with open(self.log) as f:
            return [line.split() for line in f.read().splitlines()]

    def test_base_once_then_kernel_and_fast_run_per_mutant(self):
        p = self.run_mutants('balloon-isolate-no-count', 'isolate-twice', 'has-mops-offline-only')
        calls = self.calls()
        goals = [[a for a in c if '=' not in a and not a.startswith('-') and a != TOP]
                 for c in calls]
        self.assertEqual(goals, [
            ['kernel', 'modules', 'initramfs'],
            ['kernel'], ['phases-reset', 'boot', 'verdict'],      # balloon-isolate-no-count
            ['kernel'], ['phases-reset', 'boot', 'verdict'],      # isolate-twice
            ['kernel'], ['run'],                                  # has-mops-offline-only (header, last)
        ], p.stdout + p.stderr)
        with open(os.path.join(self.tmp, 'build', 'results', 'mutants.json')) as f:
            recs = json.load(f)
        by = {r['mutant']: r for r in recs}
        self.assertEqual(by['balloon-isolate-no-count']['result'], 'killed')
        self.assertEqual(by['balloon-isolate-no-count']['first'], 'balloon_isolated_none')
        self.assertEqual(by['isolate-twice']['result'], 'SURVIVED')
        self.assertEqual(by['isolate-twice']['kmake_s'], 12.5)
        self.assertTrue(by['isolate-twice']['fast'])
        self.assertFalse(by['has-mops-offline-only']['fast'])
        self.assertEqual(p.returncode, 1)          # survivors fail make mutants
        self.assertIn('modules and initramfs once', p.stdout)

    def test_budget_leaves_the_rest_not_started(self):
        p = subprocess.run([sys.executable, os.path.join(TOP, 'scripts', 'host', 'mutants.py'),
                            '--build', os.path.join(self.tmp, 'build'), '--budget', '60',
                            'isolate-twice'], env=self.env, capture_output=True, text=True,
                           timeout=60)
        self.assertIn('Not started (budget 60 s): isolate-twice', p.stdout)
        self.assertEqual(p.returncode, 1)
        self.assertEqual([c[-1] for c in self.calls()], ['initramfs'])   # the base only

    def test_equivalent_mutant_passing_is_no_failure(self):
        # migrate-no-clear-flag carries an Equivalent: line; a passing run
        # is "equivalent" with that reason, and make mutants exits 0. A
        # mutant without one that passes still fails it (above).
        p = self.run_mutants('migrate-no-clear-flag')
        with open(os.path.join(self.tmp, 'build', 'results', 'mutants.json')) as f:
            rec = json.load(f)[0]
        self.assertEqual(rec['result'], 'equivalent', p.stdout + p.stderr)
        self.assertIn('PAGE_FLAGS_CHECK_AT_PREP', rec['first'])
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        # Killed, it is killed: the line excuses a pass only.
        self.env['FAKE_KTAP_migrate_no_clear_flag'] = 'not ok 7 movops_returned_all'
        p = self.run_mutants('migrate-no-clear-flag')
        with open(os.path.join(self.tmp, 'build', 'results', 'mutants.json')) as f:
            self.assertEqual(json.load(f)[0]['result'], 'killed')

    def test_no_base_build_for_header_mutants_alone(self):
        self.run_mutants('has-mops-offline-only')
        self.assertEqual([c[-1] for c in self.calls()], ['kernel', 'run'])


if __name__ == '__main__':
    unittest.main()
