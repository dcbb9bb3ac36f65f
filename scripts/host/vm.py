#!/usr/bin/env python3
"""Boot the movops guest under QEMU and wait for it, within a time limit.

The serial console goes to CONSOLE, the runner's KTAP (second serial port) to
KTAP. QEMU is ended on every exit path: normal, timeout, error, Ctrl-C.
Writes a JSON record (accelerator, boot and test seconds, how QEMU ended) to
--record. Exit status: 0 when QEMU powered off by itself, 124 on timeout,
125 when QEMU could not start or died, 130 on interrupt, 3 when the kernel
died: a fatal splat on the console (an oops, a panic, a BUG, a stall; the
guest boots with oops=panic), or silence (no console or KTAP output for
--silence seconds once the guest's heartbeat has started), or a KCSAN data
race in the movable_ops paths (FLAVOR=kcsan). The run then ends within
seconds of the event, not at --timeout (class Watch).
"""
import argparse
import json
import os
import shutil
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

import splats

DIMM = '512M'
# The guest's init prints this every 5 s while its userspace runs.
HEARTBEAT = b'movops-alive'
# After a fatal splat, how long the rest of it (the trace) may take to print.
FATAL_GRACE_S = 3.0
# On a machine with 'nmi' (MACHINES), a hung guest (or one at TIMEOUT) gets
# an NMI (QMP inject-nmi) before it is killed, and this long to print what
# its CPUs were doing: on pseries each CPU takes a System Reset, prints its
# registers and call trace, and the kernel panics 2 s later
# (arch/powerpc/kernel/traps.c, system_reset_exception()), which ends QEMU.
# (An x86_64 kernel prints one line, "NMI received for unknown reason".)
# The run's verdict stays the hang or the timeout. Before the NMI, vm.json
# gets every vCPU's registers as QEMU sees them ('nmi': 'registers'), which
# say where a CPU is stuck even if the guest can print nothing.
NMI_GRACE_S = 10.0
# Ends (vm.json 'ended') for which QEMU is killed at once, with no NMI: the
# kernel died, or the run failed on a data race (FLAVOR=kcsan) and the
# kernel's state says nothing more.
ENDED_AT_ONCE = ('kernel died', 'data race')


class Watch:
    """Watches the console (and the KTAP port's activity) for a dead kernel.

    feed() takes console bytes as they arrive, output() notes output on any
    port; verdict(now) says why the run must end now, or None."""

    def __init__(self, start, silence):
        self.silence = silence
        self.last_output = start
        self.alive = False          # heartbeat seen: userspace is up
        self.fatal = None           # (time, kind, text) of the first splat that
                                    # ends the run (splats.ends_run())
        self.first = None           # (time, kind, text) of the first splat of any kind
        self.pending = b''

    def output(self, now):
        self.last_output = now

    def feed(self, chunk, now):
        self.output(now)
        self.pending += chunk
        *lines, self.pending = self.pending.split(b'\n')
        for raw in lines:
            if HEARTBEAT in raw:
                self.alive = True
                continue
            hit = splats.scan_line(raw.decode(errors='replace'))
            if hit and self.first is None:
                self.first = (now,) + hit
            if hit and self.fatal is None and splats.ends_run(*hit):
                self.fatal = (now,) + hit

    def flush(self, now):
        """Judge a last line that has no newline (QEMU ended mid-line)."""
        if self.pending:
            # Its bytes were counted as output when they arrived.
            last, self.pending, saved = self.pending, b'', self.last_output
            self.feed(last + b'\n', now)
            self.last_output = saved

    def fatal_reason(self):
        """The end the fatal splat means: a dead kernel, (hung_task) a
        living one with a task that will never come back, or (kcsan) a
        data race in the movable_ops paths."""
        kind, text = self.fatal[1], self.fatal[2]
        if kind == 'hung_task':
            return f'guest hung: a task stuck in D state: {text}'
        if kind == 'stuck_unload':
            return f'guest hung: rmmod movops never returns: {text}'
        if kind == 'kcsan':
            return f'data race in the movable_ops paths: {text}'
        return f'kernel died: {kind}: {text}'

    def verdict(self, now):
        if self.fatal and now - self.fatal[0] >= FATAL_GRACE_S:
            return self.fatal_reason()
        if self.alive and self.silence and now - self.last_output >= self.silence:
            return (f'guest hung: no console or KTAP output for {self.silence:g}s '
                    '(its heartbeat stopped)')
        return None


def parse_size(s):
    """'1G', '512M', '1024' (MiB) -> MiB."""
    s = s.strip().upper().rstrip('B')
    mult = {'G': 1024, 'M': 1, 'T': 1024 * 1024}
    if s and s[-1] in mult:
        return int(float(s[:-1]) * mult[s[-1]])
    return int(s)


# The kernel arguments that go with machine_args(). pci=noacpi: PCI
# interrupts routed from the BIOS's PIRQ table. The i440FX _PRT method is an
# AML loop that the sanitizer kernel under TCG cannot finish within ACPICA's
# 30 s loop timeout (AE_AML_LOOP_TIMEOUT): virtio-pci is then left without an
# IRQ ("PCI INT A: no GSI") and the balloon never hears the host.
MACHINE_CMDLINE = 'memhp_default_state=online_movable pci=noacpi'


# The other architectures (ARCH=, scripts/host/arch.sh; docs/architectures.md):
# the machine, the serial console, the kernel arguments that go with them.
# Neither arm64's virt machine booted without UEFI (a device tree, no ACPI
# memory device) nor pseries (its cold-plugged DIMM's LMBs are boot memory
# in the device tree) hands a cold-plugged DIMM over after boot. So QEMU
# gives MEM + DIMM of boot RAM, the kernel takes only MEM of it (mem=), and
# the guest's init hot-adds the rest (movops.hotadd=START,MIB: movops.ko's
# add_memory(), scripts/guest/init), which memhp_default_state=online_movable
# puts in ZONE_MOVABLE: memory added after boot, holding no boot-time
# allocation, as the x86_64 DIMM. (movablecore= instead made the top of boot
# RAM ZONE_MOVABLE, where memblock's top-down allocations sit: reserved
# pages in its pageblocks and in every memory block.) kunit.py's boot runs
# the suite built in, before init: it keeps movablecore= (hotadd=False).
# ram_base: where the machine's RAM starts.
# movops.ktap= tells the guest's init where the runner's KTAP goes: virt has
# one UART for Linux, so arm64's goes to a virtio-serial port named
# movops.ktap; pseries makes a VTY (hvc0, hvc1) of each -serial.
# nr_cpus=1 on ppc64le: with two CPUs the 7.3.4 guest broke in about half
# of the runs (11 of 19 on main, 2026-12-02; 9 of 9 with 16 MiB pageblocks):
# stack-protector panics in migrate_pages_batch() whose CPU's current (the
# paca, through r13) is not the task whose stack it runs, and hangs where a
# kthread runs with interrupts soft- and hard-disabled while the other CPU
# waits for its IPI. So under QEMU 7.2 and 10.0.2, multi- and
# single-threaded TCG alike; with one CPU 0 failures in 6 (4 of them with 16
# MiB pageblocks). Not pinned yet (docs/architectures.md): until it is, the
# ppc64le guest runs uniprocessor ('cpus': 1 puts nr_cpus=1 on its command
# line); --cpus N (make GUEST_CPUS=N) overrides it, GUEST_CPUS=2 brings the
# crash back.
# 'skip': guest steps this machine does not run, passed as
# movops.skip=NAME[,NAME...] (the guest's mv_machine_skips, movops-run.sh).
# ppc64le skips offline_race, the stress phase's offlining of the Movable
# blocks while user space compacts: the 7.3.4 pseries guest oopsed in it
# once (compaction read a struct page that offlining had just poisoned,
# DEBUG_VM; docs/architectures.md). expected-skips.txt lists the skip.
MACHINES = {
    'x86_64': {'console': 'ttyS0', 'cmdline': MACHINE_CMDLINE},
    'arm64': {'console': 'ttyAMA0', 'ram_base': 0x40000000,
              'cmdline': 'movops.ktap=vport:movops.ktap'},
    'ppc64le': {'console': 'hvc0', 'ram_base': 0, 'nmi': True,
                'cpus': 1, 'cmdline': 'movops.ktap=hvc1 cmm.simulate=1',
                'skip': ('offline_race',)},
}
HOST_ARCH = {'x86_64': 'x86_64', 'aarch64': 'arm64', 'ppc64le': 'ppc64le'}.get(
    os.uname().machine, os.uname().machine)


def machine_args(mem, dimm, arch='x86_64'):
    """The guest's machine: 2 vCPUs, MEM of boot RAM, a cold-plugged DIMM the
    guest onlines as ZONE_MOVABLE (x86_64; elsewhere DIMM more of boot RAM,
    which machine_cmdline() has the guest hot-add, or makes ZONE_MOVABLE
    with movablecore=), a virtio balloon. Shared with
    kunit.py's qemu config (kunit_qemu.py), so both run the suite on the same
    layout."""
    mem, dimm = parse_size(mem), parse_size(dimm)
    if arch == 'x86_64':
        return ['-smp', '2', '-m', f'{mem}M,slots=2,maxmem={mem + dimm}M',
                '-object', f'memory-backend-ram,id=movops-m1,size={dimm}M',
                '-device', 'pc-dimm,id=movops-d1,memdev=movops-m1',
                '-device', 'virtio-balloon-pci,id=balloon0']
    common = ['-smp', '2', '-m', f'{mem + dimm}M', '-device', 'virtio-balloon-pci,id=balloon0']
    if arch == 'arm64':
        # pauth-impdef: pointer authentication with QEMU's own cheap hash,
        # not QARMA, which costs TCG much of its time.
        return ['-M', 'virt', '-cpu', 'max,pauth-impdef=on'] + common + [
            '-device', 'virtio-serial-pci,id=movops-vser']
    if arch == 'ppc64le':
        # The speculation capabilities TCG does not have, off (else a
        # warning each); x-vof: QEMU's own small firmware, not SLOF.
        return ['-M', 'pseries,x-vof=on,cap-cfpc=broken,cap-sbbc=broken,'
                'cap-ibs=broken,cap-ccf-assist=off', '-cpu', 'power9'] + common
    raise ValueError(f'no machine for arch {arch}')


def machine_cmdline(arch='x86_64', dimm=DIMM, mem=None, hotadd=True, cpus=None):
    """The kernel arguments that go with machine_args() (not the console).
    Elsewhere than x86_64: with hotadd and MEM, the kernel takes MEM of the
    boot RAM and init hot-adds the DIMM-sized rest; otherwise the top DIMM
    of boot RAM is ZONE_MOVABLE (movablecore=). CPUS (default: the
    machine's 'cpus', else all of -smp's): nr_cpus=. The machine's 'skip':
    movops.skip=."""
    m = MACHINES[arch]
    cpus = cpus or m.get('cpus')
    ncpus = f' nr_cpus={cpus}' if cpus else ''
    if m.get('skip'):
        ncpus += ' movops.skip=' + ','.join(m['skip'])
    if arch == 'x86_64':
        return m['cmdline'] + ncpus
    dimm = parse_size(dimm)
    if hotadd and mem is not None:
        mem = parse_size(mem)
        start = m['ram_base'] + mem * 1024 * 1024
        zone = (f'mem={mem}M memhp_default_state=online_movable '
                f'movops.hotadd={start:#x},{dimm}')
    else:
        zone = f'movablecore={dimm}M'
    return f"{zone} {m['cmdline']}{ncpus}"


def ktap_port_args(arch, path):
    """QEMU arguments of the port the runner's KTAP leaves on, into PATH."""
    if arch == 'arm64':
        return ['-chardev', f'file,id=movops-ktap,path={path}',
                '-device', 'virtserialport,chardev=movops-ktap,name=movops.ktap']
    return ['-serial', f'file:{path}']


def qemu_argv(args, accel, console, ktap, qmp):
    # kunit.filter_glob: a kernel with the movops suite built in (for
    # kunit.py) must not run it at boot; the runner insmods its own copy.
    # movops.host=qmp: the runner may ask for balloon changes (serve_request).
    # oops=panic panic=-1 with -no-reboot: an oops ends QEMU at once, instead
    # of leaving a guest that hangs on the locks the dead task held.
    # panic_on_warn stays off: a WARNING fails the run, but the run goes on.
    # movops.hung=S: the guest's init reports a task stuck in D state for S
    # seconds (scripts/guest/init), a fatal splat here.
    hung = f' movops.hung={args.hung:g}' if args.hung else ''
    append = (f"console={MACHINES[args.arch]['console']} oops=panic panic=-1 " +
              machine_cmdline(args.arch, args.dimm, args.mem, cpus=args.cpus) +
              ' kunit.filter_glob=movops_none movops.host=qmp' + hung + ' ' + args.append).strip()
    # --tcg-thread single: both vCPUs on one host thread. Debian's 6.12
    # kernel, patching its own text with int3 (a static key flipped when
    # sched_clock turns stable), took an int3 Oops in sched_clock_cpu under
    # multi-threaded TCG: a vCPU ran code another had already re-patched.
    tcg = f'tcg,thread={args.tcg_thread}' if args.tcg_thread else 'tcg'
    argv = [args.qemu, '-accel', tcg if accel == 'tcg' else accel]
    if args.arch == 'x86_64':
        argv += ['-cpu', 'max' if accel == 'tcg' else 'host']
    argv += machine_args(args.mem, args.dimm, args.arch)
    argv += ['-kernel', args.kernel, '-append', append,
            '-display', 'none', '-vga', 'none', '-no-reboot', '-nodefaults']
    if args.initrd:
        argv += ['-initrd', args.initrd]
    if qmp:
        argv += ['-qmp', f'unix:{qmp},server=on,wait=off']
    if args.interactive:
        argv += ['-serial', 'mon:stdio']
    else:
        argv += ['-serial', f'file:{console}'] + ktap_port_args(args.arch, ktap)
        argv += ['-monitor', 'none']
        if args.serial3:
            # make coverage: the guest's gcov data (ttyS2), off the console.
            argv += ['-serial', f'file:{args.serial3}']
    return argv


# Requests from the guest runner on its KTAP port, carried out over QMP. A
# kselftest runner prefixes the output of each test with '# ' (make
# kselftest-check): a request may come with such prefixes.
_REQUEST = re.compile(r'^(?:# )*# movops-host: (balloon-inflate (\d+)|balloon-deflate)\s*$')


def qmp(path, command, arguments=None, timeout=10.0):
    """One QMP command on a fresh connection; returns its 'return' value."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(path)
        f = sock.makefile('rwb')

        def call(execute, args=None):
            msg = {'execute': execute}
            if args is not None:
                msg['arguments'] = args
            f.write(json.dumps(msg).encode() + b'\n')
            f.flush()
            while True:
                line = f.readline()
                if not line:
                    raise OSError('QMP connection closed')
                reply = json.loads(line)
                if 'return' in reply:
                    return reply['return']
                if 'error' in reply:
                    raise OSError(f"QMP {execute}: {reply['error'].get('desc')}")
        json.loads(f.readline())          # greeting
        call('qmp_capabilities')
        return call(command, arguments)


def serve_request(line, qmp_path, total_mib):
    """Carry out one guest request; a record of it for vm.json, or None."""
    m = _REQUEST.match(line.strip())
    if not m:
        return None
    inflate = int(m.group(2)) if m.group(2) else 0
    target = (total_mib - inflate) * 1024 * 1024
    rec = {'request': m.group(1), 'balloon_target_bytes': target}
    try:
        qmp(qmp_path, 'balloon', {'value': target})
        rec['ok'] = True
    except (OSError, ValueError) as e:
        rec['ok'] = False
        rec['error'] = str(e)
        print(f'movops: QMP request "{m.group(1)}" failed: {e}', file=sys.stderr)
    return rec


def inject_nmi(qmp_path):
    """Every vCPU's registers as QEMU sees them (HMP info registers -a),
    then QMP inject-nmi; a record of both for vm.json."""
    rec = {}
    try:
        regs = qmp(qmp_path, 'human-monitor-command',
                   {'command-line': 'info registers -a'})
        rec['registers'] = regs.splitlines()
        qmp(qmp_path, 'inject-nmi')
        rec['ok'] = True
    except (OSError, ValueError, AttributeError) as e:
        rec.update(ok=False, error=str(e))
    return rec


def die_with_parent():
    """In the child: SIGKILL when vm.py dies, even by SIGKILL."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def qemu_stderr(path):
    """What QEMU wrote on stderr (its file), stripped; '' if nothing."""
    try:
        with open(path, 'rb') as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - 65536))
            return f.read().decode(errors='replace').strip()
    except OSError:
        return ''


def kill_group(proc):
    if proc and proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()


def probe_kvm(args, cache):
    """Does KVM boot this kernel? A short bounded boot that must print."""
    if args.arch != HOST_ARCH:
        return 'tcg', f'an {args.arch} guest on an {HOST_ARCH} host'
    if not os.access('/dev/kvm', os.R_OK | os.W_OK):
        return 'tcg', 'no usable /dev/kvm'
    try:
        with open('/proc/sys/kernel/random/boot_id') as f:
            boot_id = f.read().strip()
    except OSError:
        boot_id = 'unknown'
    if cache:
        try:
            with open(cache) as f:
                seen = json.load(f)
            if seen.get('boot_id') == boot_id:
                return seen['accel'], seen['why'] + ' (cached for this host boot)'
        except (OSError, ValueError, KeyError):
            pass
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, 'probe.log')
        argv = [args.qemu, '-accel', 'kvm', '-cpu', 'host', '-m', '256M',
                '-kernel', args.kernel, '-append', 'console=ttyS0 panic=-1',
                '-display', 'none', '-vga', 'none', '-no-reboot', '-nodefaults',
                '-serial', f'file:{out}', '-monitor', 'none']
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True, preexec_fn=die_with_parent)
        ok = False
        deadline = time.monotonic() + args.probe_seconds
        try:
            while time.monotonic() < deadline and proc.poll() is None:
                time.sleep(0.2)
                if os.path.exists(out) and b'Linux version' in open(out, 'rb').read():
                    ok = True
                    break
        finally:
            kill_group(proc)
        why = ('KVM booted the kernel' if ok else
               f'KVM did not boot the kernel within {args.probe_seconds}s')
    accel = 'kvm' if ok else 'tcg'
    if cache:
        os.makedirs(os.path.dirname(cache), exist_ok=True)
        with open(cache, 'w') as f:
            json.dump({'boot_id': boot_id, 'accel': accel, 'why': why}, f)
    return accel, why


class Progress:
    """A line on stderr every PROGRESS_S seconds (default 10) while the guest
    runs: how long, and how many KTAP results the runner has reported. A
    guest that finishes sooner prints nothing."""

    RESULT = re.compile(rb'^\s*(not ok|ok) \d+')

    def __init__(self, start, timeout):
        self.start, self.timeout = start, timeout
        self.every = float(os.environ.get('PROGRESS_S', '10'))
        self.next = start + self.every
        self.results = self.failed = 0

    def lines(self, lines):
        for line in lines:
            m = self.RESULT.match(line)
            if m:
                self.results += 1
                self.failed += m.group(1) == b'not ok'

    def tick(self, now):
        if now < self.next:
            return
        self.next += self.every
        what = (f'{self.results} results ({self.failed} not ok)' if self.results
                else 'booting, no results yet')
        print(f'movops: guest: {what}, elapsed {now - self.start:.0f}s'
              f' of TIMEOUT={self.timeout:g}s', file=sys.stderr)


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--kernel', required=True)
    ap.add_argument('--initrd')
    ap.add_argument('--console', help='console log file')
    ap.add_argument('--ktap', help='file for the runner KTAP stream')
    ap.add_argument('--record', help='JSON record of the boot')
    ap.add_argument('--mem', default='1G')
    ap.add_argument('--dimm', default=DIMM)
    ap.add_argument('--accel', default='auto', choices=['auto', 'kvm', 'tcg'])
    ap.add_argument('--tcg-thread', choices=['single', 'multi'],
                    help="QEMU's TCG threading (default: QEMU's, multi)")
    ap.add_argument('--timeout', type=float, default=300)
    ap.add_argument('--silence', type=float, default=20,
                    help='end the run when the guest, once its heartbeat started, '
                    'prints nothing for this long (0: never)')
    ap.add_argument('--hung', type=float, default=0,
                    help='end the run when a guest task stays in D state, not scheduled, '
                    'this long while the kernel lives (0: never)')
    ap.add_argument('--cpus', type=int,
                    help="CPUs the guest kernel uses (nr_cpus=; default: the machine's, "
                    'ppc64le 1: docs/architectures.md)')
    ap.add_argument('--append', default='')
    ap.add_argument('--serial3', help='file for a third serial port (ttyS2)')
    ap.add_argument('--qemu', default='qemu-system-x86_64')
    ap.add_argument('--arch', default='x86_64', choices=sorted(MACHINES),
                    help='the guest architecture (scripts/host/arch.sh)')
    ap.add_argument('--probe-seconds', type=float, default=8)
    ap.add_argument('--probe-cache')
    ap.add_argument('--qmp', help='QMP unix socket path (default: a temp dir)')
    ap.add_argument('--qemu-log', help="file for QEMU's stderr (default: qemu-stderr.log "
                    'beside --console); its tail goes into the record when QEMU fails')
    ap.add_argument('--interactive', action='store_true')
    ap.add_argument('--probe-only', action='store_true',
                    help='print the accelerator ACCEL=auto would use, and exit')
    args = ap.parse_args(argv)
    if not (args.probe_only or args.interactive or (args.console and args.ktap)):
        problem = cannot_boot(args)
        if not problem:
            ap.error('--console and --ktap are needed unless --interactive')
    return args


def cannot_boot(args):
    """Why QEMU cannot start at all (no QEMU, no kernel or initrd), or None."""
    problem = None
    if not shutil.which(args.qemu):
        problem = f'{args.qemu} not found (make setup installs it)'
    for path in (args.kernel, args.initrd):
        if path and not os.path.isfile(path):
            problem = problem or f'{path} does not exist'
    return problem


def accelerator(args):
    """(accelerator, why): the probe's answer for ACCEL=auto, else ACCEL."""
    if args.accel == 'auto':
        return probe_kvm(args, args.probe_cache)
    return args.accel, 'ACCEL=' + args.accel


def supervise(proc, args, qmp, record, start):
    """Follow a running guest until QEMU exits, the guest dies or hangs
    (Watch), or TIMEOUT; serve its host requests (QMP). Returns the Watch,
    the end time and the time of the first KTAP output (None: none came)."""
    deadline = start + args.timeout
    first_ktap = None
    total_mib = parse_size(args.mem) + parse_size(args.dimm)  # RAM on every arch
    record['qmp_requests'] = []
    watch = Watch(start, args.silence)
    nmi_until = None
    pending = b''
    progress = Progress(start, args.timeout)
    with open(args.ktap, 'rb') as ktap_in, open(args.console, 'rb') as console_in:
        while proc.poll() is None:
            now = time.monotonic()
            progress.tick(now)
            out = console_in.read()
            if out:
                watch.feed(out, now)
            chunk = ktap_in.read()
            if chunk:
                watch.output(now)
                if first_ktap is None:
                    first_ktap = now
                pending += chunk
                *lines, pending = pending.split(b'\n')
                progress.lines(lines)
                for line in lines:
                    rec = serve_request(line.decode(errors='replace'), qmp, total_mib)
                    if rec:
                        rec['at_s'] = round(now - start, 3)
                        record['qmp_requests'].append(rec)
            if nmi_until is None:
                nmi_until = end_of_run(watch, now, deadline, record,
                                       MACHINES[args.arch].get('nmi') and qmp, start)
            if nmi_until is not None and now >= nmi_until:
                break
            time.sleep(0.05)
        end = time.monotonic()
        # What QEMU's exit left unread: a panic's last lines.
        rest = console_in.read()
        if rest:
            watch.feed(rest, end)
    watch.flush(end)
    return watch, end, first_ktap


def end_of_run(watch, now, deadline, record, nmi_qmp, start):
    """When the run must end (Watch, TIMEOUT): names the end in the record
    and returns until when to read on (now after a kernel death; after a
    hang or at TIMEOUT, with NMI_QMP (a QMP socket), the NMI's grace), else
    None."""
    dead = watch.verdict(now) or ('timeout' if now >= deadline else None)
    if not dead:
        return None
    record['ended'] = dead
    if dead.startswith(ENDED_AT_ONCE) or not nmi_qmp:
        return now
    record['nmi'] = dict(inject_nmi(nmi_qmp), at_s=round(now - start, 3))
    return now + NMI_GRACE_S if record['nmi']['ok'] else now


def splat_times(record, watch, start, end):
    """The record's times of the fatal splat, the first splat of any kind
    (a WARNING does not end the run: ended_at_s - splat_at_s is how long
    after it the run ended) and the end."""
    if watch.fatal:
        record['fatal_at_s'] = round(watch.fatal[0] - start, 3)
    if watch.first:
        record['splat_at_s'] = round(watch.first[0] - start, 3)
        record['splat'] = f'{watch.first[1]}: {watch.first[2]}'[:300]
    record['ended_at_s'] = round(end - start, 3)


def how_it_ended(proc, args, record, watch, start, end, qemu_log):
    """Name the end in the record; the exit status: 0 poweroff, 3 the
    kernel died, the guest hung or raced (KCSAN), 124 TIMEOUT, 125 QEMU
    failed."""
    if record['ended'] is None and watch.fatal:
        # oops=panic panic=-1 -no-reboot: QEMU exits 0 as at a poweroff.
        record['ended'] = watch.fatal_reason()
    if record['ended'] and record['ended'].startswith(ENDED_AT_ONCE + ('guest hung',)):
        record['last_output_s'] = round(watch.last_output - start, 3)
        print(f'movops: {record["ended"]}; QEMU ended {end - start:.1f}s after start',
              file=sys.stderr)
        return 3
    if record['ended'] == 'timeout':
        print(f'movops: guest did not finish within TIMEOUT={args.timeout:g}s; QEMU killed',
              file=sys.stderr)
        return 124
    if record['ended'] is not None:
        return 125
    if proc.returncode == 0:
        record['ended'] = 'poweroff'
        return 0
    err = qemu_stderr(qemu_log)
    rc = proc.returncode
    how = (f'QEMU was killed by signal {-rc} ({signal.Signals(-rc).name})'
           if rc < 0 else f'QEMU exited with status {rc}')
    record['ended'] = how + (f': {err[-300:]}' if err else '')
    record['qemu_stderr'] = err[-2000:]
    print(f'movops: {record["ended"]}', file=sys.stderr)
    return 125


def run_guest(proc, args, qmp, record, start, qemu_log):
    """The exit status of a started, non-interactive guest's run."""
    record['qemu_pid'] = proc.pid
    watch, end, first_ktap = supervise(proc, args, qmp, record, start)
    splat_times(record, watch, start, end)
    status = how_it_ended(proc, args, record, watch, start, end, qemu_log)
    if first_ktap is None:
        first_ktap = end
    record['boot_s'] = round(first_ktap - start, 3)
    record['tests_s'] = round(end - first_ktap, 3)
    return status


def write_record(path, record, **kw):
    if path:
        with open(path, 'w') as f:
            json.dump(record, f, **kw)


def on_signal(signum, _frame):
    raise KeyboardInterrupt


def prepare(args, accel, why, tmp):
    """The QMP socket, QEMU's stderr file and the boot's record (with QEMU's
    argv); the console and KTAP files are created empty."""
    qmp = args.qmp or os.path.join(tmp, 'qmp.sock')
    # kernel: the file booted, links resolved (KERNEL=debian: the vmlinux
    # through its PVH entry, or the vmlinuz).
    record = {'accel': accel, 'accel_reason': why, 'timeout_s': args.timeout,
              'qmp': qmp, 'ended': None, 'kernel': os.path.realpath(args.kernel)}
    for path in (args.console, args.ktap):
        if path:
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
            open(path, 'w').close()
    record['argv'] = qemu_argv(args, accel, args.console, args.ktap, qmp)
    # QEMU's stderr goes to a file, never to a pipe nobody reads while it
    # runs (a full pipe would block QEMU).
    qemu_log = args.qemu_log or os.path.join(
        os.path.dirname(os.path.abspath(args.console)) if args.console else tmp,
        'qemu-stderr.log')
    return qmp, qemu_log, record


def main(argv=None):
    args = parse_args(argv)
    problem = cannot_boot(args)
    if problem and not args.probe_only:
        print(f'movops: cannot boot: {problem}', file=sys.stderr)
        write_record(args.record, {'ended': f'could not start QEMU: {problem}'})
        return 125
    accel, why = accelerator(args)
    if args.probe_only:
        print(f'movops: accelerator {accel}: {why}', file=sys.stderr)
        print(accel)
        return 0
    print(f'movops: booting the guest, accelerator {accel}: {why}', file=sys.stderr)

    tmp = tempfile.mkdtemp(prefix='movops-vm-')
    qmp, qemu_log, record = prepare(args, accel, why, tmp)
    argv = record['argv']
    proc = None
    status = 125
    err_out = None
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    start = time.monotonic()
    try:
        if not args.interactive:
            err_out = open(qemu_log, 'wb')
        proc = subprocess.Popen(argv, stdin=None if args.interactive else subprocess.DEVNULL,
                                stderr=err_out,
                                start_new_session=not args.interactive,
                                preexec_fn=die_with_parent)
        if args.interactive:
            proc.wait()
            return proc.returncode
        status = run_guest(proc, args, qmp, record, start, qemu_log)
    except KeyboardInterrupt:
        record['ended'] = 'interrupted'
        status = 130
        print('movops: interrupted; QEMU killed', file=sys.stderr)
    except OSError as e:
        record['ended'] = f'could not start QEMU: {e}'
        print(f'movops: could not start QEMU: {e}', file=sys.stderr)
    finally:
        kill_group(proc)
        if err_out:
            err_out.close()
            err = qemu_stderr(qemu_log)
            if err and status != 0:
                record['qemu_stderr'] = err[-2000:]
        shutil.rmtree(tmp, ignore_errors=True)
        write_record(args.record, record, indent=1)
    return status

if __name__ == '__main__':
    sys.exit(main())
