"""kselftest_check.py: the guest's kselftest run judged against LAVA's record.
The stream is built from pass-runner.ktap as the kernel tree's
kselftest/runner.sh wraps a test's output ('# ' before each line, one result
line for the collection), with the stub's record after it, as
scripts/host/kselftest-root.sh's guest command prints them."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import kselftest_check
import vm

HERE = os.path.dirname(os.path.abspath(__file__))

ENTRY = 'selftests: movops: run_movops.sh'


def ktap():
    with open(os.path.join(HERE, 'test_data', 'pass-runner.ktap')) as f:
        return f.read().splitlines()


def lava_of(lines):
    """What movops-run.sh tells lava-test-case for these KTAP lines."""
    out = []
    for l in lines:
        m = re.match(r'^(not ok|ok) \d+ (\S+)(?: # (SKIP))?', l)
        if m:
            r = 'fail' if m.group(1) == 'not ok' else 'skip' if m.group(3) else 'pass'
            out.append(f'{m.group(2)} {r}')
    return out


def stream(inner, lava, result=f'ok 1 {ENTRY}', rc=0):
    return (['TAP version 13', '1..1', '# timeout set to 900', f'# {ENTRY}'] +
            ['# ' + l for l in inner] + [result,
             '# Totals: pass:1 fail:0 xfail:0 xpass:0 skip:0 error:0',
             f'# kselftest-exit {rc}'] + ['# lava-stub: ' + l for l in lava])


class KselftestCheck(unittest.TestCase):
    def test_pass_with_lava_equal_to_ktap(self):
        inner = ktap()
        reasons, facts = kselftest_check.judge(stream(inner, lava_of(inner)), 'pass')
        self.assertEqual(reasons, [])
        self.assertEqual(facts['ktap_results'], 46)
        self.assertEqual(facts['lava_calls'], 46)

    def test_lava_missing_a_check(self):
        inner = ktap()
        lava = [l for l in lava_of(inner) if not l.startswith('zs_alloc ')]
        reasons, _ = kselftest_check.judge(stream(inner, lava), 'pass')
        self.assertIn('LAVA never heard of zs_alloc', reasons)

    def test_lava_status_differs(self):
        inner = ktap()
        lava = [l.replace('balloon_inflate pass', 'balloon_inflate fail') for l in lava_of(inner)]
        reasons, _ = kselftest_check.judge(stream(inner, lava), 'pass')
        self.assertIn('balloon_inflate: KTAP pass, LAVA fail', reasons)

    def test_lava_told_twice(self):
        inner = ktap()
        lava = lava_of(inner)
        reasons, _ = kselftest_check.judge(stream(inner, lava + lava[:1]), 'pass')
        self.assertIn('47 LAVA results for 46 KTAP results', reasons)

    def test_failed_check_and_runner_agree(self):
        # verdict.py judges the failure itself (it may be a known one).
        inner = [l.replace('ok 19 balloon', 'not ok 19 balloon') for l in ktap()]
        reasons, facts = kselftest_check.judge(
            stream(inner, lava_of(inner), f'not ok 1 {ENTRY} # exit=1', 1), 'pass')
        self.assertEqual(reasons, [])
        self.assertEqual(facts['failed'], ['balloon_targeted_migrated'])

    def test_failed_check_but_runner_passed(self):
        inner = [l.replace('ok 19 balloon', 'not ok 19 balloon') for l in ktap()]
        reasons, _ = kselftest_check.judge(stream(inner, lava_of(inner)), 'pass')
        self.assertEqual(len(reasons), 1)
        self.assertIn('balloon_targeted_migrated failed but the runner says: ok 1', reasons[0])

    def test_runner_failed_without_a_failed_check(self):
        inner = ktap()
        reasons, _ = kselftest_check.judge(
            stream(inner, lava_of(inner), f'not ok 1 {ENTRY} # exit=1', 1), 'pass')
        self.assertIn(f'no check failed but the runner says: not ok 1 {ENTRY} # exit=1 (exit 1)',
                      reasons)

    def test_runner_never_finished(self):
        reasons, _ = kselftest_check.judge(stream(ktap()[:20], [])[:-3], 'pass')
        self.assertEqual(len(reasons), 1)
        self.assertIn('did not finish', reasons[0])

    def test_expected_skip(self):
        inner = ['KTAP version 1', '1..0 # SKIP kernel without CONFIG_BALLOON_MIGRATION (...)']
        reasons, facts = kselftest_check.judge(
            stream(inner, ['movops skip'], f'ok 1 {ENTRY} # SKIP', 4), 'skip')
        self.assertEqual(reasons, [])
        self.assertIn('CONFIG_BALLOON_MIGRATION', facts['skip_reason'])

    def test_recorded_skip(self):
        # A real guest: FLAVOR=no-balloon-migration, tests/test_data/README.md.
        with open(os.path.join(HERE, 'test_data', 'kselftest-skip-runner.ktap')) as f:
            lines = f.read().splitlines()
        reasons, facts = kselftest_check.judge(lines, 'skip')
        self.assertEqual(reasons, [])
        self.assertEqual(facts['kselftest_exit'], 0)
        self.assertIn('no balloon_page_migrate in /proc/kallsyms', facts['skip_reason'])
        reasons, _ = kselftest_check.judge(lines, 'pass')
        self.assertIn(f'no check failed but the runner says: ok 1 {ENTRY} # SKIP (exit 0)', reasons)

    def test_skip_expected_but_passed(self):
        inner = ktap()
        reasons, _ = kselftest_check.judge(stream(inner, lava_of(inner)), 'skip')
        self.assertIn(f'expected the collection skipped, got: ok 1 {ENTRY}', reasons)


class HostRequests(unittest.TestCase):
    """The runner writes its requests to the host (mr_host) straight to the
    KTAP/host port; through its stdout they would sit in kselftest's
    tap_prefix (busybox sed, 4096-byte blocks) until long after the runner
    gave up waiting for the balloon."""

    INFLATE = '# movops-host: balloon-inflate 128'
    DEFLATE = '# movops-host: balloon-deflate'

    def test_direct_requests_stay_out_of_the_ktap(self):
        # Straight to the port, a request arrives before the runner's
        # earlier lines that the pipe still holds: anywhere in the stream.
        inner = ktap()
        s = stream(inner, lava_of(inner))
        s.insert(10, self.INFLATE)
        s.insert(30, self.DEFLATE)
        reasons, facts = kselftest_check.judge(s, 'pass')
        self.assertEqual(reasons, [])
        self.assertEqual(facts['host_requests'], ['balloon-inflate 128', 'balloon-deflate'])
        self.assertEqual(facts['inner'], inner)
        # and vm.py serves them as they are
        self.assertIsNotNone(vm._REQUEST.match(self.INFLATE))
        self.assertIsNotNone(vm._REQUEST.match(self.DEFLATE))

    def test_recorded_run(self):
        # A real guest: make kselftest-check on 7.3.4 default after the
        # fix (tests/test_data/README.md). The requests reached the port
        # ahead of the lines sed still held, before the balloon checks.
        with open(os.path.join(HERE, 'test_data', 'kselftest-pass-runner.ktap')) as f:
            lines = f.read().splitlines()
        reasons, facts = kselftest_check.judge(lines, 'pass')
        self.assertEqual(reasons, [])
        self.assertEqual(facts['host_requests'], ['balloon-inflate 128', 'balloon-deflate'])
        self.assertEqual((facts['ktap_results'], facts['lava_calls']), (89, 89))
        self.assertEqual(facts['failed'], ['movops_balloon'])   # the known NR_BALLOON_PAGES bug
        inflate = lines.index(self.INFLATE)
        checked = next(i for i, l in enumerate(lines) if re.match(r'^# ok \d+ real_balloon_inflated$', l))
        self.assertLess(inflate, checked)
        self.assertTrue(any(re.match(r'^ok \d+ real_balloon_inflated$', l) for l in facts['inner']))
        # The same requests through the runner's stdout: named, and failed.
        piped = ['# ' + l if l.startswith('# movops-host:') else l for l in lines]
        reasons, _ = kselftest_check.judge(piped, 'pass')
        self.assertEqual(len(reasons), 2)

    def test_request_through_stdout_fails(self):
        # The old way: mr_host echoed to stdout, runner.sh prefixed it.
        inner = ktap()
        s = stream(inner, lava_of(inner))
        s.insert(10, '# ' + self.INFLATE)
        reasons, facts = kselftest_check.judge(s, 'pass')
        self.assertEqual(len(reasons), 1)
        self.assertIn('host request "balloon-inflate 128" went through the runner\'s stdout',
                      reasons[0])
        self.assertEqual(facts['inner'], inner)


PORT_TEE = os.path.join(os.path.dirname(HERE), 'scripts', 'guest', 'port-tee.sh')


def copy_with_request(argv):
    """Feed ARGV (a copier: stdin to stdout and to the port $PORT) one line
    in two writes, and while it holds the first half, write a request to
    the port as mr_host does. What the port received."""
    tmp = tempfile.mkdtemp()
    try:
        port = os.path.join(tmp, 'port')
        os.mkfifo(port)
        got = []

        def read():
            with open(port, 'rb') as f:
                got.append(f.read())
        reader = threading.Thread(target=read)
        reader.start()
        p = subprocess.Popen(argv + [port], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
        with open(port, 'wb', buffering=0) as host:   # the reader has it open now
            p.stdin.write(b'ok 1 first\nok 2 sec')
            p.stdin.flush()
            time.sleep(0.5)
            host.write((HostRequests.INFLATE + '\n').encode())
            p.stdin.write(b'ond\n')
            p.stdin.close()
            p.wait(10)
        reader.join(10)
        return got[0].decode().splitlines()
    finally:
        shutil.rmtree(tmp)


@unittest.skipUnless(shutil.which('busybox'), 'no busybox (make setup installs busybox-static)')
class PortTee(unittest.TestCase):
    """scripts/guest/port-tee.sh copies whole lines: a request written
    beside it lands between two lines, never inside one."""

    def test_request_between_lines(self):
        lines = copy_with_request(['busybox', 'sh', PORT_TEE])
        self.assertEqual(sorted(lines), sorted(['ok 1 first', 'ok 2 second', HostRequests.INFLATE]))

    def test_tee_would_split_a_line(self):
        # The copier seen failing: tee writes what it reads, half a line.
        lines = copy_with_request(['busybox', 'tee'])
        self.assertIn('ok 2 sec' + HostRequests.INFLATE, lines)


if __name__ == '__main__':
    unittest.main()
