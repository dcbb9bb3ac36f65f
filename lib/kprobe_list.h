/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kprobe_list.h - the movable_operations callbacks that movops.ko
 * (module/probes.c) and the KUnit suite (kunit/resolution_test.c) watch
 * with kprobes, in one place: MV_KPROBE(symbol, table, arg, name), @arg
 * being which argument is the page under migration (migrate_page(dst,
 * src, mode): the source, the second), @name what the module counts it
 * as (probe_<name>, probe_all_<name>).  zsmalloc's first: a kernel
 * without balloon migration has no balloon_page_* callbacks.  No include
 * guard: each includer defines MV_KPROBE() first; neither depends on the
 * order.
 */
MV_KPROBE(zs_page_isolate, ZS, 0, zs_isolate),
MV_KPROBE(zs_page_migrate, ZS, 1, zs_migrate),
MV_KPROBE(zs_page_putback, ZS, 0, zs_putback),
MV_KPROBE(balloon_page_isolate, BALLOON, 0, balloon_isolate),
MV_KPROBE(balloon_page_migrate, BALLOON, 1, balloon_migrate),
MV_KPROBE(balloon_page_putback, BALLOON, 0, balloon_putback),
