// SPDX-License-Identifier: GPL-2.0
/*
 * isolate_twice.c - a page isolated for migration must not be isolated a
 * second time: isolate_movable_ops_page() (isolate_movable_page() before
 * 6.17) refuses it under the page lock.  Compaction and
 * alloc_contig_range() skip an isolated page by a lockless look first
 * (mm/compaction.c isolate_migratepages_block()), so they reach that
 * refusal only in a narrow window; soft offlining does not look first
 * (mm/memory-failure.c soft_offline_in_use_page() ->
 * isolate_folio_to_list()), so it is the second isolator here:
 *
 *  A, a kthread on one CPU, takes the PFN of one of our balloon pages with
 *    alloc_contig_range(); a kprobe on migrate_pages() holds A there, the
 *    page isolated and unlocked, while
 *  B, a kthread on another CPU, writes the page's physical address to
 *    /sys/devices/system/memory/soft_offline_page.
 *
 * A kretprobe on the isolate function records what B's call for the page
 * returned while A held it: the kernel must refuse, B's write must fail
 * with -EBUSY and leave the page unpoisoned, and A, let go once B's write
 * returned, must move the page.  Not sooner: soft offlining holds a
 * reference to the page until it returns, and A's alloc_contig_range()
 * needs the old page free (-EBUSY seen on the debug kernel when A was let
 * go as B's isolate call returned).  Without the refusal (the
 * isolate-twice mutant) the balloon core takes the page off A's list and
 * counts it isolated twice: a WARNING under CONFIG_DEBUG_VM, and
 * isolate_twice_b_isolated above 0.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/kprobes.h>
#include <linux/page-flags.h>
#include <linux/sched.h>

#include "movops.h"

#ifdef CONFIG_KPROBES

#define MV_SOFT_OFFLINE	"/sys/devices/system/memory/soft_offline_page"
/* Hold A at most 5 s in 1 us steps: B needs milliseconds under TCG. */
#define MV_IT_HOLD_STEPS	5000000UL

/* Where A is: B soft-offlines the page only while it is MV_IT_HOLDING. */
enum mv_it_held {
	MV_IT_NOT_YET,		/* not yet in migrate_pages() */
	MV_IT_HOLDING,		/* held there, the page isolated */
	MV_IT_RELEASED,		/* let go after MV_IT_HOLDING */
	MV_IT_NOT_ISOLATED,	/* got there without the page isolated */
};

static struct {
	struct page *page;
	unsigned long pfn;
	struct task_struct *a;
	struct file *file;	/* B's soft_offline_page, opened for it */
	atomic_t held;		/* enum mv_it_held */
	atomic_t b_done;	/* B's write returned, or B gave up */
	atomic_t b_calls;	/* B's isolate calls for the page, A held */
	atomic_t b_isolated;	/* ... that isolated it a second time */
	int a_ret;
	ssize_t b_ret;
} mv_it;

/* A's first migrate_pages(): its list holds our page, isolated. */
static int mv_it_hold(struct kprobe *kp, struct pt_regs *regs)
{
	unsigned long i;

	if (current != READ_ONCE(mv_it.a) ||
	    atomic_read(&mv_it.held) != MV_IT_NOT_YET)
		return 0;
	if (!mv_page_ops_isolated(mv_it.page)) {
		atomic_set(&mv_it.held, MV_IT_NOT_ISOLATED);
		return 0;
	}
	atomic_set(&mv_it.held, MV_IT_HOLDING);
	for (i = 0; i < MV_IT_HOLD_STEPS && !atomic_read(&mv_it.b_done); i++)
		udelay(1);
	atomic_set(&mv_it.held, MV_IT_RELEASED);
	return 0;
}

static struct kprobe mv_it_hold_kp = {
	.symbol_name = "migrate_pages",
	.pre_handler = mv_it_hold,
	.post_handler = MV_KPROBE_POST,
};

/* Only B's calls for our page while A is held get a return handler. */
static int mv_it_isolate_entry(struct kretprobe_instance *ri,
			       struct pt_regs *regs)
{
	struct page *page = (struct page *)regs_get_kernel_argument(regs, 0);

	if (page != mv_it.page || current == READ_ONCE(mv_it.a) ||
	    atomic_read(&mv_it.held) != MV_IT_HOLDING)
		return 1;
	atomic_inc(&mv_it.b_calls);
	return 0;
}

static int mv_it_isolate_ret(struct kretprobe_instance *ri,
			     struct pt_regs *regs)
{
	if (mv_isolate_ret_isolated(regs_return_value(regs)))
		atomic_inc(&mv_it.b_isolated);
	return 0;
}

static struct kretprobe mv_it_isolate_krp = {
	.kp.symbol_name = MV_ISOLATE_MOVABLE_SYM,
	.entry_handler = mv_it_isolate_entry,
	.handler = mv_it_isolate_ret,
	.maxactive = 16,
};

static void mv_it_a(void *unused)
{
	mv_it.a_ret = mv_force_pfn(mv_it.pfn);
}

static struct mv_race_side mv_it_a_side = { .fn = mv_it_a };

/* B: soft-offline the page, only while A holds it isolated. */
static void mv_it_b(void *unused)
{
	unsigned long deadline = jiffies + 10 * HZ;
	char buf[32];
	loff_t pos = 0;
	int n;

	while (atomic_read(&mv_it.held) == MV_IT_NOT_YET &&
	       !completion_done(&mv_it_a_side.fin) &&
	       time_before(jiffies, deadline))
		usleep_range(20, 50);
	mv_it.b_ret = -EALREADY;
	if (atomic_read(&mv_it.held) == MV_IT_HOLDING) {
		n = scnprintf(buf, sizeof(buf), "%#llx\n",
			      (unsigned long long)PFN_PHYS(mv_it.pfn));
		mv_it.b_ret = kernel_write(mv_it.file, buf, n, &pos);
	}
	atomic_set(&mv_it.b_done, 1);
}

static struct mv_race_side mv_it_b_side = { .fn = mv_it_b };

/* A held balloon page of mv.bdev in a pageblock alloc_contig_range() can take. */
static struct mv_bpage *mv_it_pick(void)
{
	unsigned int i;

	for (i = 0; i < mv.bheld; i++)
		if (mv_pageblock_class(mv_bpage_pfn(mv.bpages[i], NULL)) ==
		    MV_PB_CLEAN)
			return mv.bpages[i];
	return NULL;
}

/* Register both probes, then give the kprobe optimizer its time. */
static int mv_it_probes(void)
{
	int ret;

	ret = register_kprobe(&mv_it_hold_kp);
	if (ret) {
		pr_warn("isolate_twice: kprobe on migrate_pages: %d\n", ret);
		return ret;
	}
	ret = register_kretprobe(&mv_it_isolate_krp);
	if (ret) {
		pr_warn("isolate_twice: kretprobe on %s: %d\n",
			MV_ISOLATE_MOVABLE_SYM, ret);
		unregister_kprobe(&mv_it_hold_kp);
		return ret;
	}
	/* Text patching IPIs would wait for A's CPU while A is held. */
	msleep(200);
	return 0;
}

int mv_migrate_isolate_twice(void)
{
	unsigned int moves0, moves1;
	int cpu_a, cpu_b, ret;
	struct mv_bpage *e;
	struct file *f;

	cpu_a = cpumask_first(cpu_online_mask);
	cpu_b = cpumask_next(cpu_a, cpu_online_mask);
	if (cpu_b >= nr_cpu_ids || !MV_HAVE_BALLOON_MIGRATION)
		return -EOPNOTSUPP;
	e = mv_it_pick();
	if (!e)
		return -ENOENT;
	f = filp_open(MV_SOFT_OFFLINE, O_WRONLY, 0);
	if (IS_ERR(f))
		return PTR_ERR(f);
	/* This run's state before the probes can see it, not the last run's. */
	memset(&mv_it, 0, sizeof(mv_it));
	mv_it.file = f;
	mv_it.pfn = mv_bpage_pfn(e, &moves0);
	mv_it.page = pfn_to_page(mv_it.pfn);
	ret = mv_it_probes();
	if (ret)
		goto out_file;

	mv_inc(MV_C_isolate_twice_runs);
	ret = mv_race_run(&mv_it_a_side, &mv_it_b_side, cpu_a, cpu_b,
			  "movops_it", &mv_it.a);
	unregister_kretprobe(&mv_it_isolate_krp);
	unregister_kprobe(&mv_it_hold_kp);
	if (ret)
		goto out_file;

	if (atomic_read(&mv_it.held) == MV_IT_RELEASED)
		mv_inc(MV_C_isolate_twice_held);
	mv_add(MV_C_isolate_twice_b_calls, atomic_read(&mv_it.b_calls));
	mv_add(MV_C_isolate_twice_b_isolated, atomic_read(&mv_it.b_isolated));
	if (mv_it.b_ret == -EBUSY)
		mv_inc(MV_C_isolate_twice_b_ebusy);
	if (PageHWPoison(mv_it.page))
		mv_inc(MV_C_isolate_twice_poisoned);
	if (!mv_it.a_ret && mv_bpage_pfn(e, &moves1) != mv_it.pfn &&
	    moves1 != moves0)
		mv_inc(MV_C_isolate_twice_moved);
	pr_info("isolate_twice: PFN %#lx: A's state %d (2: held, the page isolated), B's isolate calls %d (isolated %d), B's write %zd, A returned %d\n",
		mv_it.pfn, atomic_read(&mv_it.held),
		atomic_read(&mv_it.b_calls), atomic_read(&mv_it.b_isolated),
		mv_it.b_ret, mv_it.a_ret);
out_file:
	filp_close(f, NULL);
	return ret;
}

#else /* !CONFIG_KPROBES */

int mv_migrate_isolate_twice(void)
{
	return -EOPNOTSUPP;
}

#endif /* CONFIG_KPROBES */
