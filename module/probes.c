// SPDX-License-Identifier: GPL-2.0
/*
 * probes.c - resolution evidence: kprobes on the balloon and zsmalloc
 * movable_operations callbacks count, per ops table, the calls for our
 * pages and for all pages, and flag a callback that sees a page of the
 * other type (ops_mismatch).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>

#include "movops.h"

#ifdef CONFIG_KPROBES

enum mv_table { MV_T_BALLOON, MV_T_ZS };

struct mv_probe {
	struct kprobe kp;
	enum mv_table table;
	unsigned int arg;		/* which argument is the source page */
	enum mv_counter ours, all;
	bool registered;
};

static bool mv_page_is_ours(struct page *page, enum mv_table table)
{
	unsigned long dev;

	if (table == MV_T_ZS)
		return page_to_pfn(page) == READ_ONCE(mv.zs_target_pfn);
	dev = mv_balloon_page_dev(page);
	return PageOffline(page) &&
	       (dev == (unsigned long)&mv.bdev.b ||
		dev == (unsigned long)&mv.ctl_bdev.b);
}

static int mv_probe_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct mv_probe *p = container_of(kp, struct mv_probe, kp);
	struct page *page;

	page = (struct page *)regs_get_kernel_argument(regs, p->arg);
	if (!page)
		return 0;
	mv_inc(p->all);
	if (p->table == MV_T_BALLOON ? PageZsmalloc(page) : PageOffline(page))
		mv_inc(MV_C_ops_mismatch);
	if (page_to_pfn(page) == READ_ONCE(mv.nonmovable_pfn))
		mv_inc(MV_C_nonmovable_ops_calls);
	if (mv_page_is_ours(page, p->table))
		mv_inc(p->ours);
	return 0;
}

/* The callbacks of lib/kprobe_list.h, each counted as probe_<name>. */
#define MV_KPROBE(sym, tbl, argn, name)					\
	{								\
		.kp = { .symbol_name = #sym, .pre_handler = mv_probe_pre, \
			.post_handler = MV_KPROBE_POST },		\
		.table = MV_T_##tbl, .arg = argn,			\
		.ours = MV_C_probe_##name,				\
		.all = MV_C_probe_all_##name,				\
	}

static struct mv_probe mv_probes[] = {
#include "kprobe_list.h"
};

#undef MV_KPROBE

/*
 * Whether this kernel has a table's callbacks: mm/balloon.c builds
 * balloon_page_isolate/migrate/putback only with CONFIG_BALLOON_MIGRATION,
 * mm/zsmalloc.c zs_page_isolate/migrate/putback only with
 * CONFIG_COMPACTION.
 */
static bool mv_probe_possible(const struct mv_probe *p)
{
	return p->table == MV_T_ZS ? MV_HAVE_ZS_MIGRATION :
				     MV_HAVE_BALLOON_MIGRATION;
}

/*
 * A balloon driver's own migration callback: pseries CMM's
 * cmm_migratepage(b_dev_info, newpage, page, mode), which
 * balloon_page_migrate() calls for each CMM page it moves. Optional: a
 * kernel without CMM has no such symbol (mv.cmm_probe says which).
 */
static int mv_cmm_pre(struct kprobe *kp, struct pt_regs *regs)
{
	mv_inc(MV_C_probe_cmm_migratepage);
	return 0;
}

static struct kprobe mv_cmm_probe = {
	.symbol_name = "cmm_migratepage",
	.pre_handler = mv_cmm_pre,
	.post_handler = MV_KPROBE_POST,
};

/*
 * Returns the number of probes registered; mv.probes is 1 only if all
 * that this kernel can have (mv_probe_possible()).
 */
int mv_probes_init(void)
{
	unsigned int i, n = 0;
	int ret;

	for (i = 0; i < ARRAY_SIZE(mv_probes); i++) {
		if (!mv_probe_possible(&mv_probes[i]))
			continue;
		ret = register_kprobe(&mv_probes[i].kp);
		if (ret) {
			pr_warn("kprobe on %s: %d\n",
				mv_probes[i].kp.symbol_name, ret);
			break;
		}
		mv_probes[i].registered = true;
		n++;
	}
	mv.cmm_probe = !register_kprobe(&mv_cmm_probe);
	if (i < ARRAY_SIZE(mv_probes)) {
		mv_probes_exit();
		return 0;
	}
	mv.probes = 1;
	return n;
}

/*
 * How many of the registered probes the kprobe optimizer turned into a
 * jump (KPROBE_FLAG_OPTIMIZED); where MV_KPROBE_POST keeps them traps, 0.
 */
int mv_probes_optimized(void)
{
	unsigned int i;
	int n = 0;

	for (i = 0; i < ARRAY_SIZE(mv_probes); i++)
		if (mv_probes[i].registered &&
		    (mv_probes[i].kp.flags & KPROBE_FLAG_OPTIMIZED))
			n++;
	if (mv.cmm_probe && (mv_cmm_probe.flags & KPROBE_FLAG_OPTIMIZED))
		n++;
	return n;
}

void mv_probes_exit(void)
{
	unsigned int i = ARRAY_SIZE(mv_probes);

	while (i--) {
		if (!mv_probes[i].registered)
			continue;
		unregister_kprobe(&mv_probes[i].kp);
		mv_probes[i].registered = false;
	}
	if (mv.cmm_probe)
		unregister_kprobe(&mv_cmm_probe);
	mv.cmm_probe = 0;
	mv.probes = 0;
}

#else /* !CONFIG_KPROBES */

int mv_probes_init(void)
{
	mv.probes = 0;
	return 0;
}

int mv_probes_optimized(void)
{
	return 0;
}

void mv_probes_exit(void)
{
}

#endif /* CONFIG_KPROBES */
