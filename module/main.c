// SPDX-License-Identifier: GPL-2.0
/*
 * movops - test module for the movable_ops page migration paths.
 *
 * It owns balloon-typed pages (a balloon device of its own) and
 * zsmalloc-typed pages (a pool of its own), forces their migration, and
 * counts the evidence that each page was resolved to the right
 * movable_operations and moved intact.  Interface: debugfs, movops/.
 *
 * main.c only wires the features together: the module parameters, load
 * and unload.  Every feature file makes its own debugfs files.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "movops.h"

static unsigned int max_balloon_pages = 16384;
module_param(max_balloon_pages, uint, 0444);
MODULE_PARM_DESC(max_balloon_pages,
		 "Most balloon pages held (also capped to 1/4 of RAM)");

static unsigned int max_zs_objects = 16384;
module_param(max_zs_objects, uint, 0444);
MODULE_PARM_DESC(max_zs_objects,
		 "Most zsmalloc objects held (also capped to 1/4 of RAM in pages)");

/* A test of the test: the runner's kmemleak check must catch this. */
static unsigned int leak_on_unload;
module_param(leak_on_unload, uint, 0644);
MODULE_PARM_DESC(leak_on_unload,
		 "Test of the test: objects allocated and dropped at unload (kmemleak_clean must fail)");

/* The guest's init on arm64 and ppc64le (hotadd.c, docs/architectures.md). */
static unsigned long long hotadd_start;
module_param(hotadd_start, ullong, 0400);
MODULE_PARM_DESC(hotadd_start, "Physical address of RAM to hot-add at load (with hotadd_mib)");

static unsigned int hotadd_mib;
module_param(hotadd_mib, uint, 0400);
MODULE_PARM_DESC(hotadd_mib, "MiB of RAM at hotadd_start to hot-add at load (0: none)");

/* A test of the test: the runner's movops_memfree_restored must catch this. */
static unsigned int leak_pages_on_unload;
module_param(leak_pages_on_unload, uint, 0644);
MODULE_PARM_DESC(leak_pages_on_unload,
		 "Test of the test: pages allocated and never freed at unload, at most 1/8 of RAM (movops_memfree_restored must fail)");

static struct dentry *mv_dir;

static int __init movops_init(void)
{
	unsigned long quarter = totalram_pages() / 4;
	struct mv_left left = {};
	int ret;

	ret = mv_hotadd(hotadd_start, hotadd_mib);
	if (ret)
		return ret;
	mutex_init(&mv.lock);
	spin_lock_init(&mv.track_lock);
	mv.bcap = min_t(unsigned long, max_balloon_pages, quarter);
	mv.zcap = min_t(unsigned long, max_zs_objects, quarter);

	mv_check_set_movable_ops();
	ret = mv_balloon_init();
	if (ret)
		return ret;
	ret = mv_zs_init();
	if (ret)
		goto out_balloon;
	mv_probes_init();

	mv_dir = debugfs_create_dir("movops", NULL);
	if (IS_ERR(mv_dir)) {
		ret = PTR_ERR(mv_dir);
		goto out_probes;
	}
	mv_ops_init(mv_dir);
	mv_status_init(mv_dir);
	mv_census_init(mv_dir);
	mv_bench_init(mv_dir);
	if (mv_stress_init(mv_dir))
		pr_warn("no stress mode (out of memory)\n");
	pr_info("loaded (balloon cap %u, zs cap %u, probes %d, set_movable_ops checked %d bad %d)\n",
		mv.bcap, mv.zcap, mv.probes, mv.smo_checked, mv.smo_bad);
	return 0;

out_probes:
	mv_probes_exit();
	mv_zs_exit();
out_balloon:
	mv_balloon_exit(&left);
	return ret;
}

/*
 * Many small objects, not one: a pointer to the last few may linger in a
 * stack kmemleak scans, and those are not reported.
 */
static noinline void mv_leak(unsigned int n)
{
	unsigned int i;
	u64 *p;

	for (i = 0; i < n; i++) {
		p = kmalloc(64, GFP_KERNEL);
		if (p)
			*p = 0x6d6f766f70736c6bULL;	/* reachable from nowhere */
	}
	if (n)
		pr_info("leaked %u objects of 64 bytes on purpose (leak_on_unload)\n", n);
}

/* Pages, not slab objects: kmemleak does not track them, free memory does. */
static noinline void mv_leak_pages(unsigned int n)
{
	unsigned int i;

	n = min_t(unsigned long, n, totalram_pages() / 8);
	for (i = 0; i < n; i++)
		if (!alloc_page(GFP_KERNEL | __GFP_NOWARN))
			break;
	if (n)
		pr_info("leaked %u of %u pages on purpose (leak_pages_on_unload)\n",
			i, n);
}

/*
 * The unload line says how many of our balloon pages were left after the
 * drains: each would still point at a device about to be freed.  The
 * drains wait for every page (rmmod does not return otherwise), so
 * anything but 0 is a drain that stopped early: the stress phase's
 * stress_unload_hammered_pages_left requires "pages left 0".
 */
static void __exit movops_exit(void)
{
	struct mv_left left = {};

	/* Waits for writers in flight; no new ones can start. */
	debugfs_remove_recursive(mv_dir);
	mv_census_exit();
	mv_stress_exit(&left);
	mutex_lock(&mv.lock);
	mv_set_inject(MV_INJECT_NONE);
	mv_compact_target_exit();
	mv_balloon_exit(&left);
	mv_zs_exit();
	mutex_unlock(&mv.lock);
	mv_probes_exit();
	mv_leak(READ_ONCE(leak_on_unload));
	mv_leak_pages(READ_ONCE(leak_pages_on_unload));
	pr_info("unloaded, pages left %u (balloon %u, control balloon %u, stress balloon %u; isolated %lu)\n",
		left.balloon + left.control + left.stress, left.balloon,
		left.control, left.stress, left.isolated);
}

module_init(movops_init);
module_exit(movops_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Test module for balloon and zsmalloc movable_ops page migration");
