"""A guest whose kernel died on purpose (make dead-check): recorded oops and
hang runs go through verdict.py as the Makefile runs it, then dead_check.py;
the same runs ended by the TIMEOUT, or too late, must not pass."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, 'test_data')
SCRIPTS = os.path.join(os.path.dirname(HERE), 'scripts', 'report')


class DeadCheck(unittest.TestCase):
    def run_kind(self, kind, budget=60, data=None, **vm_changes):
        data = data or kind
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(DATA, f'inject-{data}-vm.json')) as f:
                vm = json.load(f)
            vm.update(vm_changes, qemu_pid=os.getpid())     # a live pid, not QEMU's
            with open(os.path.join(d, 'vm.json'), 'w') as f:
                json.dump(vm, f)
            v = subprocess.run([sys.executable, os.path.join(SCRIPTS, 'verdict.py'),
                                '--console', os.path.join(DATA, f'inject-{data}-console.log'),
                                '--ktap', os.path.join(DATA, f'inject-{data}-runner.ktap'),
                                '--vm-record', os.path.join(d, 'vm.json'), '--out', d,
                                '--kver', '7.3'], capture_output=True, text=True)
            p = subprocess.run([sys.executable, os.path.join(SCRIPTS, 'dead_check.py'),
                                '--kind', kind, '--budget', str(budget), d],
                               capture_output=True, text=True)
            with open(os.path.join(d, 'results.json')) as f:
                return p.returncode, p.stdout, json.load(f), v.stdout

    def test_recorded_oops_fails_fast(self):
        rc, out, res, shown = self.run_kind('oops')
        self.assertEqual(rc, 0, out)
        self.assertIn('movops dead-check oops: PASS: kernel died: bug: kernel BUG at '
                      'drivers/misc/lkdtm/bugs.c:132!; QEMU ran 11.1 s', out)
        self.assertIn('kernel oops at console line 583: Oops: invalid opcode: 0000 [#1] SMP NOPTI',
                      res['reasons'])
        nr = [r for r in res['reasons'] if r.startswith('not run:')]
        # (The case counts come from today's kunit/*.c.)
        self.assertEqual(len(nr), 1, res['reasons'])
        self.assertRegex(nr[0], r'^not run: phase kunit cut short \(60 results in all, last '
                         r'result: movops_memfree_restored\); KUnit suites not run: '
                         r'movops_balloon \(\d+ cases\), movops_negative \(\d+ cases\), '
                         r'movops_resolution \(\d+ cases\), movops_zsmalloc \(\d+ cases\)$')
        # The splat from its first line, and the console tail.
        self.assertIn('--- the fatal splat, console line 582 ---', shown)
        self.assertIn('Kernel panic - not syncing: Fatal exception', shown)

    def test_recorded_hang_fails_fast(self):
        rc, out, res, _ = self.run_kind('hang')
        self.assertEqual(rc, 0, out)
        self.assertIn('guest hung: no console or KTAP output for 20s', out)
        self.assertEqual(res['verdict'], 'fail')

    def test_recorded_stuck_task_fails_fast(self):
        """LKDTM HUNG_TASK: the runner stuck in D state, the kernel alive
        (its heartbeat goes on); the guest's init names the task after
        movops.hung=60 s, the run ends 3 s later (budget 60 + HUNG)."""
        rc, out, res, _ = self.run_kind('stuck', budget=120)
        self.assertEqual(rc, 0, out)
        self.assertIn('PASS: guest hung: a task stuck in D state: movops-hung: task sh:51 '
                      'in D state, not scheduled for 61 s (wchan lkdtm_HUNG_TASK); '
                      'QEMU ran 83.0 s', out)
        self.assertTrue(any('movops-hung: task sh:51' in r for r in res['reasons']),
                        res['reasons'])
        # Over its budget, or judged as an oops or a hang of every CPU: no.
        self.assertEqual(self.run_kind('stuck', budget=60)[0], 1)
        # A console without the init's movops-hung line names no stuck task.
        rc, out, _, _ = self.run_kind('stuck', data='hang', ended='guest hung: a task stuck in D')
        self.assertEqual(rc, 1)
        self.assertIn('no stuck task (movops-hung) among the reasons', out)
        rc, out, _, _ = self.run_kind('stuck', budget=120, ended='guest hung: no console')
        self.assertEqual(rc, 1)
        self.assertIn("vm.py did not end the run itself", out)

    def test_timeout_or_slow_end_does_not_pass(self):
        rc, out, _, _ = self.run_kind('hang', ended='timeout', tests_s=297.0)
        self.assertEqual(rc, 1)
        self.assertIn("vm.py did not end the run itself: ended 'timeout'", out)
        self.assertIn('over 60 s', out)
        rc, out, _, _ = self.run_kind('oops', ended='poweroff')
        self.assertEqual(rc, 1)


if __name__ == '__main__':
    unittest.main()
