"""vm.py's Watch: a dead kernel ends the run within seconds (an oops, a
panic, a stall on the console; or silence once the heartbeat started),
a WARNING or a slow but living guest does not."""
import unittest

import vm


# KCSAN's reports, in the shape kernel/kcsan/report.c prints them.
KCSAN_OUTSIDE = '''==================================================================
[   12.104211] BUG: KCSAN: data-race in tick_nohz_next_event / tick_sched_do_timer

write to 0xffffffff9a61c0a8 of 8 bytes by interrupt on cpu 1:
 tick_sched_do_timer+0x9c/0x120
 tick_nohz_handler+0x42/0x1a0

read to 0xffffffff9a61c0a8 of 8 bytes by task 0 on cpu 0:
 tick_nohz_next_event+0x2b/0x1b0

value changed: 0x00000000000003e8 -> 0x00000000000003e9

Reported by Kernel Concurrency Sanitizer on:
==================================================================
[   13.001000] BUG: KCSAN: data-race in isolate_migratepages_block / zs_free
==================================================================
'''.splitlines()
KCSAN_OURS = '''==================================================================
[   41.208931] BUG: KCSAN: data-race in balloon_page_isolate / balloon_page_migrate

write to 0xffff888003c1a0f8 of 8 bytes by task 212 on cpu 1:
 balloon_page_isolate+0x6d/0xa0
 isolate_movable_ops_page+0x134/0x230

read-write to 0xffff888003c1a0f8 of 8 bytes by task 215 on cpu 0:
 balloon_page_migrate+0x10f/0x1d0
 migrate_pages_batch+0x8c1/0xd70

value changed: 0x0000000000000003 -> 0x0000000000000004

Reported by Kernel Concurrency Sanitizer on:
==================================================================
'''.splitlines()


def feed(w, t, text):
    w.feed(text.encode() + b'\n', t)


class Watch(unittest.TestCase):
    def test_oops_ends_the_run_after_the_grace(self):
        w = vm.Watch(0, 20)
        feed(w, 1, 'movops-alive 5.1')
        feed(w, 2, '[   12.5] Oops: invalid opcode: 0000 [#1] SMP')
        self.assertIsNone(w.verdict(2 + vm.FATAL_GRACE_S - 0.1))
        self.assertEqual(w.verdict(2 + vm.FATAL_GRACE_S),
                         'kernel died: oops: [   12.5] Oops: invalid opcode: 0000 [#1] SMP')

    def test_fatal_kinds(self):
        for line in ('kernel BUG at drivers/misc/lkdtm/bugs.c:101!',
                     'Kernel panic - not syncing: Fatal exception',
                     'BUG: kernel NULL pointer dereference, address: 0000000000000008',
                     'rcu: INFO: rcu_sched detected stalls on CPUs/tasks:',
                     'watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [sh:1]',
                     'general protection fault, probably for non-canonical address'):
            w = vm.Watch(0, 20)
            feed(w, 1, line)
            self.assertTrue(w.verdict(10), line)

    def test_stuck_task_ends_the_run_as_a_hang(self):
        """The guest's init reports a task stuck in D state while the
        kernel lives (movops.hung=): the heartbeat goes on, the run ends."""
        w = vm.Watch(0, 20)
        feed(w, 1, 'movops-alive 5.1')
        line = ('movops-hung: task sh:93 in D state, not scheduled for 60 s '
                '(wchan lkdtm_HUNG_TASK)')
        feed(w, 70, line)
        feed(w, 71, 'movops-alive 75.1')
        self.assertIsNone(w.verdict(70 + vm.FATAL_GRACE_S - 0.1))
        self.assertEqual(w.verdict(70 + vm.FATAL_GRACE_S),
                         'guest hung: a task stuck in D state: ' + line)

    def test_warnings_and_reports_do_not_end_the_run(self):
        w = vm.Watch(0, 20)
        for i, line in enumerate(('WARNING: CPU: 1 PID: 7 at mm/migrate.c:100 f+0x1/0x2',
                                  'BUG: KASAN: use-after-free in zs_page_migrate+0x10/0x20',
                                  'BUG: Bad page state in process sh  pfn:10001d',
                                  'movops-alive 3.0', 'ok 1 movops_load')):
            feed(w, i, line)
        self.assertIsNone(w.verdict(10))

    def test_silence_after_the_heartbeat(self):
        w = vm.Watch(0, 20)
        # A silent boot is left to TIMEOUT: no heartbeat yet.
        self.assertIsNone(w.verdict(100))
        feed(w, 101, 'movops-alive 5.0')
        w.output(110)                       # KTAP output counts too
        self.assertIsNone(w.verdict(129.9))
        self.assertIn('guest hung: no console or KTAP output for 20s', w.verdict(130))
        w.silence = 0
        self.assertIsNone(w.verdict(1000))

    def test_flush_judges_the_last_line(self):
        w = vm.Watch(0, 20)
        w.feed(b'movops-alive 1\nKernel panic - not syncing: x', 5)
        self.assertIsNone(w.fatal)
        w.flush(6)
        self.assertEqual(w.fatal[1], 'panic')
        w = vm.Watch(0, 20)
        w.feed(b'movops-alive 1\n', 5)
        w.flush(9)
        self.assertEqual(w.last_output, 5)      # nothing new: no output

    def test_first_splat_of_any_kind_is_kept(self):
        """A WARNING does not end the run, but its time is kept (vm.json
        splat_at_s) so that a verdict's delay after it can be told."""
        w = vm.Watch(0, 20)
        w.feed(b'movops-alive 1\nWARNING: mm/migrate.c:160 at isolate_movable_ops_page\n', 7)
        self.assertIsNone(w.fatal)
        self.assertEqual(w.first[:2], (7, 'warning'))
        self.assertIsNone(w.verdict(8))
        w.feed(b'Kernel panic - not syncing: Fatal exception\n', 9)
        self.assertEqual(w.first[:2], (7, 'warning'))
        self.assertEqual(w.fatal[:2], (9, 'panic'))

    def test_unload_that_never_returns_ends_the_run(self):
        """movops.ko's exit keeps waiting for an isolated page of its
        balloon (the rmmod never returns): the run ends as a hang. The line
        is from a real console (make run PATCHES=isolate-twice.patch,
        2026-12-02), whose run waited for TIMEOUT before."""
        w = vm.Watch(0, 20)
        feed(w, 1, 'movops-alive 5.1')
        feed(w, 88, '------------[ cut here ]------------')
        line = ('movops: unload: balloon: 0 pages (1 isolated) still point at the device '
                'after 20000 ms: movops stays loaded rather than free it')
        feed(w, 88, line)
        feed(w, 88, 'WARNING: module/balloon.c:374 at mv_balloon_unload_drain+0x249/0x280 '
                    '[movops], CPU#0: rmmod/1506')
        feed(w, 89, 'movops: unload: balloon: waiting for 0 pages (1 isolated), module kept loaded')
        feed(w, 90, 'movops-alive 93.68')
        self.assertIsNone(w.verdict(88 + vm.FATAL_GRACE_S - 0.1))
        self.assertEqual(w.verdict(88 + vm.FATAL_GRACE_S),
                         'guest hung: rmmod movops never returns: ' + line)

    def test_kcsan_race_in_our_paths_ends_the_run(self):
        """FLAVOR=kcsan: a data race in the movable_ops paths ends the run
        after the grace, as a dead kernel does; a race outside them, or an
        allow-listed one, does not. The report's shape is KCSAN's
        (kernel/kcsan/report.c print_report()); the pair is the one seen on
        the balloon-isolate-no-lock mutant (docs/reliability.md)."""
        w = vm.Watch(0, 20)
        feed(w, 1, 'movops-alive 5.1')
        for line in KCSAN_OUTSIDE:
            feed(w, 2, line)
        self.assertIsNone(w.fatal)
        self.assertIsNone(w.verdict(2 + vm.FATAL_GRACE_S))
        for line in KCSAN_OURS:
            feed(w, 40, line)
        self.assertIsNone(w.verdict(40 + vm.FATAL_GRACE_S - 0.1))
        self.assertEqual(w.verdict(40 + vm.FATAL_GRACE_S),
                         'data race in the movable_ops paths: [   41.208931] BUG: KCSAN: '
                         'data-race in balloon_page_isolate / balloon_page_migrate')
        self.assertEqual(w.fatal[:2], (40, 'kcsan'))

    def test_lines_split_across_reads(self):
        w = vm.Watch(0, 20)
        w.feed(b'Kernel pa', 1)
        w.feed(b'nic - not syncing: Fatal exception\n', 2)
        self.assertEqual(w.fatal[1], 'panic')
        self.assertTrue(w.verdict(5))


if __name__ == '__main__':
    unittest.main()


class EndOfRun(unittest.TestCase):
    """A hung guest, or one at TIMEOUT, gets an NMI before it is killed (its
    CPUs' backtraces on the console); a dead kernel does not."""

    def setUp(self):
        self.sent = []
        self.saved = vm.qmp
        self.fail = None

        def fake_qmp(path, command, arguments=None, timeout=10.0):
            if self.fail:
                raise OSError(self.fail)
            self.sent.append((path, command))
            if command == 'human-monitor-command':
                return 'CPU#0\nNIP c000000000012345'
        vm.qmp = fake_qmp

    def tearDown(self):
        vm.qmp = self.saved

    def end(self, w, now, deadline=1000, nmi_qmp='q.sock'):
        record = {'ended': None}
        return vm.end_of_run(w, now, deadline, record, nmi_qmp, 0), record

    def test_living_guest_runs_on(self):
        w = vm.Watch(0, 20)
        feed(w, 1, 'movops-alive 1.0')
        self.assertEqual(self.end(w, 10), (None, {'ended': None}))
        self.assertEqual(self.sent, [])

    def test_hang_gets_an_nmi_and_a_grace(self):
        w = vm.Watch(0, 20)
        feed(w, 1, 'movops-alive 1.0')
        until, record = self.end(w, 30)
        self.assertEqual(until, 30 + vm.NMI_GRACE_S)
        self.assertIn('guest hung', record['ended'])
        self.assertEqual(record['nmi'], {'ok': True, 'at_s': 30,
                                         'registers': ['CPU#0', 'NIP c000000000012345']})
        self.assertEqual(self.sent, [('q.sock', 'human-monitor-command'), ('q.sock', 'inject-nmi')])

    def test_timeout_gets_an_nmi(self):
        w = vm.Watch(0, 0)
        until, record = self.end(w, 1000, deadline=1000)
        self.assertEqual((until, record['ended']), (1000 + vm.NMI_GRACE_S, 'timeout'))
        self.assertEqual(self.sent[-1], ('q.sock', 'inject-nmi'))

    def test_dead_kernel_ends_at_once_without_nmi(self):
        w = vm.Watch(0, 20)
        feed(w, 1, 'Kernel panic - not syncing: Fatal exception')
        until, record = self.end(w, 1 + vm.FATAL_GRACE_S)
        self.assertEqual(until, 1 + vm.FATAL_GRACE_S)
        self.assertTrue(record['ended'].startswith('kernel died'))
        self.assertNotIn('nmi', record)
        self.assertEqual(self.sent, [])

    def test_data_race_ends_at_once_without_nmi(self):
        w = vm.Watch(0, 20)
        for line in KCSAN_OURS:
            feed(w, 40, line)
        until, record = self.end(w, 40 + vm.FATAL_GRACE_S)
        self.assertEqual(until, 40 + vm.FATAL_GRACE_S)
        self.assertTrue(record['ended'].startswith('data race in the movable_ops paths: '))
        self.assertNotIn('nmi', record)
        self.assertEqual(self.sent, [])

    def test_data_race_exits_3_as_a_dead_kernel(self):
        """vm.py's exit status for a run ended on a race: 3, not 125 (QEMU
        failed)."""
        import contextlib
        import io
        w = vm.Watch(0, 20)
        for line in KCSAN_OURS:
            feed(w, 40, line)
        _, record = self.end(w, 40 + vm.FATAL_GRACE_S)
        with contextlib.redirect_stderr(io.StringIO()) as err:
            rc = vm.how_it_ended(None, None, record, w, 0, 43.5, None)
        self.assertEqual(rc, 3)
        self.assertEqual(record['last_output_s'], 40)
        self.assertIn('data race in the movable_ops paths', err.getvalue())

    def test_machine_without_nmi_ends_at_once(self):
        w = vm.Watch(0, 20)
        feed(w, 1, 'movops-alive 1.0')
        until, record = self.end(w, 30, nmi_qmp=None)
        self.assertEqual(until, 30)
        self.assertIn('guest hung', record['ended'])
        self.assertNotIn('nmi', record)
        self.assertEqual(self.sent, [])
        self.assertEqual([a for a, m in vm.MACHINES.items() if m.get('nmi')], ['ppc64le'])

    def test_refused_nmi_ends_at_once(self):
        self.fail = 'QMP inject-nmi: not supported'
        w = vm.Watch(0, 20)
        feed(w, 1, 'movops-alive 1.0')
        until, record = self.end(w, 30)
        self.assertEqual(until, 30)
        self.assertEqual(record['nmi'], {'ok': False, 'error': self.fail, 'at_s': 30})
