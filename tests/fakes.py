"""Fakes that several host tests share, each defined once.

FakeTree: a mixin for a TestCase whose setUp makes a temporary directory
(self.d) holding a fake movops tree (self.top: module/, kunit/, lib/,
Kbuild, module/main.c, lib/features.mk) with the real scripts/ linked in,
for the scripts that walk the module sources (common.sh module_sources).
write(rel, text) writes a file under self.d.

calls(log): how many calls a fake command has logged (one line each) since
the last look; the log is emptied.

guest_sh(script, funcs, call, env): runs shell functions of a guest script
(scripts/guest/SCRIPT, each FUNC's text as written there) with the host's sh,
then CALL; returns the CompletedProcess."""
import os
import re
import subprocess
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class FakeTree:
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.d = self.tmp.name
        self.top = os.path.join(self.d, 'top')
        for sub in ('module', 'kunit', 'lib'):
            os.makedirs(os.path.join(self.top, sub))
        # The harness's own scripts (common.sh, arch.sh) beside fake sources.
        os.symlink(os.path.join(TOP, 'scripts'), os.path.join(self.top, 'scripts'))
        self.write('top/Kbuild', 'obj-m += module/\n')
        self.write('top/module/main.c', 'int a;\n')
        self.write('top/lib/features.mk', 'x := 1\n')

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, rel, text):
        with open(os.path.join(self.d, rel), 'w') as f:
            f.write(text)


def calls(log):
    if not os.path.exists(log):
        return 0
    with open(log) as f:
        n = len(f.readlines())
    os.remove(log)
    return n


def guest_sh(script, funcs, call, env=None, prelude=''):
    with open(os.path.join(TOP, 'scripts', 'guest', script)) as f:
        text = f.read()
    body = ''.join(re.search(rf'^{fn}\(\) \{{\n.*?^\}}\n', text, re.M | re.S).group(0)
                   for fn in funcs)
    return subprocess.run(['sh', '-c', prelude + body + call], capture_output=True, text=True,
                          env=dict({'PATH': os.environ['PATH']}, **(env or {})))
