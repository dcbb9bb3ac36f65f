"""Host-side safety: make clean/distclean with spaces in paths, one kernel
fetch at a time, QEMU's stderr never blocking it, warm-check never leaving
the working tree edited."""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def write(path, text, mode=None):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        f.write(text)
    if mode:
        os.chmod(path, mode)
    return path


class Clean(unittest.TestCase):
    def test_clean_with_a_space_spares_the_siblings(self):
        with tempfile.TemporaryDirectory() as d:
            clone = os.path.join(d, 'my clone')
            cache = os.path.join(d, 'cache dir')
            os.makedirs(os.path.join(clone, 'build', 'results'))
            shutil.copy(os.path.join(TOP, 'Makefile'), clone)
            # The Makefile reads the architecture table as it starts.
            os.makedirs(os.path.join(clone, 'scripts', 'host'))
            shutil.copy(os.path.join(TOP, 'scripts', 'host', 'arch.sh'),
                        os.path.join(clone, 'scripts', 'host'))
            write(os.path.join(cache, 'kernel', 'x'), 'cached')
            # The siblings a split path would name: "<d>/my" and "<d>/cache".
            mine = write(os.path.join(d, 'my', 'keep'), 'sibling')
            other = write(os.path.join(d, 'cache', 'keep'), 'sibling')
            p = subprocess.run(['make', '-s', '-C', clone, 'distclean',
                                f'MOVOPS_CACHE={cache}'], capture_output=True, text=True)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertTrue(os.path.exists(mine), 'make clean deleted a sibling')
            self.assertTrue(os.path.exists(other), 'make distclean deleted a sibling')
            self.assertFalse(os.path.exists(os.path.join(clone, 'build')))
            self.assertFalse(os.path.exists(cache))
            self.assertTrue(os.path.exists(os.path.join(clone, 'Makefile')))


FAKE_APT = '''#!/bin/sh
# fake apt tool: the last arguments are what matters
for a; do last=$a; done
case "$*" in
*" show "*) echo "Package: linux-source-7.3"; echo "Version: 1.0-test" ;;
*" download "*) : > "linux-source-7.3_1.0-test_all.deb" ;;
esac
exit 0
'''
FAKE_DPKG = '''#!/bin/sh
echo "$$" >> "$FAKE_LOG"
sleep 1
cat "$FAKE_TAR"
'''


class FetchLock(unittest.TestCase):
    def test_two_first_fetches_unpack_once(self):
        import io
        import tarfile
        with tempfile.TemporaryDirectory() as d:
            # An inner source tarball, inside the "package's" data tarball.
            inner = io.BytesIO()
            with tarfile.open(fileobj=inner, mode='w:gz') as t:
                for name, text in (('linux-source-7.3/Makefile', 'all:\n'),
                                   ('linux-source-7.3/mm/migrate.c', '/* */\n')):
                    data = text.encode()
                    info = tarfile.TarInfo(name)
                    info.size = len(data)
                    t.addfile(info, io.BytesIO(data))
            outer = os.path.join(d, 'data.tar')
            with tarfile.open(outer, 'w') as t:
                info = tarfile.TarInfo('./usr/src/linux-source-7.3.tar.gz')
                info.size = len(inner.getvalue())
                t.addfile(info, io.BytesIO(inner.getvalue()))
            bin_ = os.path.join(d, 'bin')
            for tool in ('apt-get', 'apt-cache'):
                write(os.path.join(bin_, tool), FAKE_APT, 0o755)
            write(os.path.join(bin_, 'dpkg-deb'), FAKE_DPKG, 0o755)
            log = os.path.join(d, 'dpkg.log')
            env = dict(os.environ, PATH=bin_ + ':' + os.environ['PATH'], KVER='7.3',
                       MOVOPS_CACHE=os.path.join(d, 'cache'), FAKE_LOG=log, FAKE_TAR=outer)
            env.pop('KSRC', None)
            cmd = [os.path.join(TOP, 'scripts', 'host', 'fetch-kernel.sh')]
            procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True) for _ in range(2)]
            outs = [p.communicate(timeout=60) for p in procs]
            for p, (out, err) in zip(procs, outs):
                self.assertEqual(p.returncode, 0, err)
            paths = {out.strip() for out, _ in outs}
            self.assertEqual(len(paths), 1, paths)
            src = paths.pop()
            self.assertTrue(os.path.isfile(os.path.join(src, 'mm', 'migrate.c')))
            with open(log) as f:
                self.assertEqual(len(f.read().split()), 1, 'the package was unpacked twice')


FAKE_QEMU = '''#!/bin/sh
# fake QEMU: a lot on stderr, then power off (exit 0) or fail (exit 1)
i=0
while [ $i -lt 4000 ]; do
	echo "qemu-system-x86_64: warning: line $i of a chatty QEMU, padded to sixty-four bytes" >&2
	i=$((i + 1))
done
[ -z "$FAKE_FAIL" ] || { echo "qemu-system-x86_64: could not load kernel" >&2; exit 1; }
exit 0
'''


class VmStderr(unittest.TestCase):
    def boot(self, d, fail=False):
        qemu = write(os.path.join(d, 'fake-qemu'), FAKE_QEMU, 0o755)
        kernel = write(os.path.join(d, 'bzImage'), 'not a kernel')
        rec = os.path.join(d, 'vm.json')
        env = dict(os.environ, FAKE_FAIL='1' if fail else '')
        t0 = time.monotonic()
        p = subprocess.run([sys.executable, os.path.join(TOP, 'scripts', 'host', 'vm.py'),
                            '--kernel', kernel, '--qemu', qemu, '--accel', 'tcg',
                            '--console', os.path.join(d, 'console.log'),
                            '--ktap', os.path.join(d, 'runner.ktap'),
                            '--record', rec, '--timeout', '20'],
                           capture_output=True, text=True, env=env, timeout=60)
        with open(rec) as f:
            return p.returncode, json.load(f), time.monotonic() - t0

    def test_a_chatty_qemu_is_not_blocked(self):
        # 4000 lines (~330 KB) fill a pipe nobody reads: QEMU would block
        # there until the timeout.
        with tempfile.TemporaryDirectory() as d:
            rc, rec, took = self.boot(d)
            self.assertEqual((rc, rec['ended']), (0, 'poweroff'), rec)
            self.assertLess(took, 15)
            self.assertGreater(os.path.getsize(os.path.join(d, 'qemu-stderr.log')), 200000)

    def test_a_failing_qemu_shows_its_stderr(self):
        with tempfile.TemporaryDirectory() as d:
            rc, rec, _ = self.boot(d, fail=True)
            self.assertEqual(rc, 125)
            self.assertIn('could not load kernel', rec['ended'])
            self.assertIn('could not load kernel', rec['qemu_stderr'])


FAKE_MAKE = '''#!/bin/sh
echo $$ > "$FAKE_PID"
sleep 30
'''


class WarmCheckKilled(unittest.TestCase):
    def kill_during_run(self, sig):
        with tempfile.TemporaryDirectory() as d:
            top = os.path.join(d, 'top')
            main_c = write(os.path.join(top, 'module', 'main.c'), '/* the tree */\n')
            write(os.path.join(d, 'src', 'module', 'main.c'), '/* the tree */\n')
            bin_ = os.path.join(d, 'bin')
            write(os.path.join(bin_, 'make'), FAKE_MAKE, 0o755)
            pidfile = os.path.join(d, 'make.pid')
            os.makedirs(os.path.join(d, 'results'))
            env = dict(os.environ, PATH=bin_ + ':' + os.environ['PATH'], FAKE_PID=pidfile)
            p = subprocess.Popen([sys.executable, os.path.join(TOP, 'scripts', 'host', 'warm_check.py'),
                                  '--top', top, '--kernel', os.path.join(d, 'kernel'),
                                  '--ko-dir', os.path.join(d, 'src'),
                                  '--results', os.path.join(d, 'results')],
                                 env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            deadline = time.monotonic() + 20
            while not os.path.exists(pidfile) and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(0.2)
            p.send_signal(sig)
            p.communicate(timeout=20)
            with open(main_c) as f:
                self.assertEqual(f.read(), '/* the tree */\n', 'the working tree was left edited')
            with open(pidfile) as f:
                pid = int(f.read())
            time.sleep(0.2)
            try:
                os.kill(pid, 0)
                alive = True
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                alive = False
            self.assertFalse(alive, 'the make run outlived warm-check')
            self.assertNotEqual(p.returncode, 0)

    def test_sigterm(self):
        self.kill_during_run(signal.SIGTERM)

    def test_sigint(self):
        self.kill_during_run(signal.SIGINT)


if __name__ == '__main__':
    unittest.main()
