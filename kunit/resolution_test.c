// SPDX-License-Identifier: GPL-2.0
/*
 * resolution_test.c - movops_resolution: which pages have movable ops, the
 * registration of ops tables with set_movable_ops(), and (with kprobes) that
 * each migration runs the ops table of its page's type and no other.
 */
#include "movops_kunit.h"

#include <linux/kprobes.h>
#include <linux/ptrace.h>

/* ---- page_has_movable_ops() truth table -------------------------------- */

struct mk_tt_param {
	enum mk_kind kind;
	bool movable;
	char desc[40];
};

static const struct mk_tt_param mk_tt_params[] = {
	{ MK_BALLOON, true, "balloon_page" },
	/* Sticky: a page keeps its movable ops until freed. */
	{ MK_BALLOON_DEFLATED, true, "deflated_balloon_page" },
	/* Without CONFIG_COMPACTION zsmalloc gives its pages no ops. */
	{ MK_ZSMALLOC, MV_HAVE_ZS_MIGRATION, "zsmalloc_page" },
	{ MK_PLAIN, false, "plain_page" },
	/* On 7.x PG_movable_ops is PG_uptodate: only typed pages count. */
	{ MK_UPTODATE, false, "uptodate_plain_page" },
	{ MK_OFFLINE_NO_OPS, false, "offline_page_without_ops" },
	{ MK_COMPOUND_TAIL, false, "compound_tail_page" },
};

KUNIT_ARRAY_PARAM_DESC(mk_tt, mk_tt_params, desc);

static void resolution_truth_table(struct kunit *test)
{
	const struct mk_tt_param *p = test->param_value;
	struct page *page = mk_test_page(test, p->kind);

	/* 6.12's balloon_page_finalize() clears the ops of a deflated page. */
	KUNIT_EXPECT_EQ_MSG(test, mv_page_has_movable_ops(page),
			    p->kind == MK_BALLOON_DEFLATED ?
			    MV_DEFLATED_BALLOON_KEEPS_OPS : p->movable,
			    "pfn %#lx PageOffline %d", page_to_pfn(page),
			    PageOffline(page));
}

/* ---- set_movable_ops() -------------------------------------------------- */

struct mk_reg_param {
	int type;		/* enum pagetype where it exists */
	char desc[32];
};

#if MV_HAVE_SET_MOVABLE_OPS
static const struct mk_reg_param mk_busy_params[] = {
	{ PGTY_offline, "offline_balloon" },
	{ PGTY_zsmalloc, "zsmalloc" },
};

static const struct mk_reg_param mk_inval_params[] = {
	{ PGTY_slab, "slab" },
	{ PGTY_table, "page_table" },
};
#else
/* The same cases by name on every kernel; here each one skips. */
static const struct mk_reg_param mk_busy_params[] = {
	{ -1, "offline_balloon" },
	{ -1, "zsmalloc" },
};

static const struct mk_reg_param mk_inval_params[] = {
	{ -1, "slab" },
	{ -1, "page_table" },
};
#endif

KUNIT_ARRAY_PARAM_DESC(mk_busy, mk_busy_params, desc);
KUNIT_ARRAY_PARAM_DESC(mk_inval, mk_inval_params, desc);

#if MV_HAVE_SET_MOVABLE_OPS
static atomic_t mk_fake_calls;

static bool mk_fake_isolate(struct page *page, isolate_mode_t mode)
{
	atomic_inc(&mk_fake_calls);
	return false;
}

static int mk_fake_migrate(struct page *dst, struct page *src,
			   enum migrate_mode mode)
{
	atomic_inc(&mk_fake_calls);
	return -EAGAIN;
}

static void mk_fake_putback(struct page *page)
{
	atomic_inc(&mk_fake_calls);
}

static const struct movable_operations mk_fake_mops = {
	.isolate_page = mk_fake_isolate,
	.migrate_page = mk_fake_migrate,
	.putback_page = mk_fake_putback,
};

static void mk_unregister_fake(void *data)
{
	set_movable_ops(NULL, (enum pagetype)(unsigned long)data);
}

/*
 * Try to register the fake table.  If the kernel takes it (it must not),
 * it stays registered until the test ends, so that the migration that
 * follows runs with it in place and "the rejected ops table was called"
 * can fail.  Undoing it empties the slot: on a kernel that wrongly
 * replaced the real table, that type's pages stay unmovable until reboot.
 */
static int mk_try_register(struct kunit *test, enum pagetype type)
{
	int ret = set_movable_ops(&mk_fake_mops, type);

	if (!ret)
		KUNIT_EXPECT_EQ(test, 0,
				kunit_add_action_or_reset(test, mk_unregister_fake,
							  (void *)(unsigned long)type));
	return ret;
}

/* The real ops of @type still run: a page of that type migrates. */
static void mk_check_real_ops(struct kunit *test, enum pagetype type)
{
	struct mk_balloon *mb;
	struct mk_zpool *zp;
	unsigned long *old;
	unsigned int bad;

	if (type == PGTY_zsmalloc) {
		if (!MV_HAVE_ZS_OBJ_PFNS)
			kunit_skip(test, "precondition: %s",
				   MV_NO_ZS_OBJ_PFNS_REASON);
		zp = mk_zpool_create(test, 200, 16, true);
		old = kunit_kcalloc(test, zp->npfn, sizeof(*old), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, old);
		KUNIT_EXPECT_EQ(test, mk_zpool_migrate_all(test, zp, old), zp->npfn);
		KUNIT_EXPECT_TRUE_MSG(test, mk_zpool_verify(zp, &bad),
				      "%u objects corrupt", bad);
	} else {
		mb = mk_balloon_create(test);
		mk_balloon_fill(test, mb, mk_clean_range(test, 1), 1);
		KUNIT_EXPECT_EQ(test, mk_migrate_pfn(mk_balloon_slot_pfn(mb, 0)), 0);
		KUNIT_EXPECT_EQ(test, mk_balloon_calls(mb), 1);
	}
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&mk_fake_calls), 0,
			    "the rejected ops table was called");
}

static void set_movable_ops_second_registration_busy(struct kunit *test)
{
	const struct mk_reg_param *p = test->param_value;

	/* Nobody registered that table: a call would install ours. */
	if (p->type == PGTY_zsmalloc && !MV_HAVE_ZS_MIGRATION)
		kunit_skip(test, "precondition: %s", MV_NO_ZS_MIGRATION_REASON);
	atomic_set(&mk_fake_calls, 0);
	KUNIT_EXPECT_EQ(test, mk_try_register(test, p->type), -EBUSY);
	mk_check_real_ops(test, p->type);
}

static void set_movable_ops_other_type_einval(struct kunit *test)
{
	const struct mk_reg_param *p = test->param_value;

	atomic_set(&mk_fake_calls, 0);
	KUNIT_EXPECT_EQ(test, mk_try_register(test, p->type), -EINVAL);
	KUNIT_EXPECT_EQ(test, set_movable_ops(NULL, p->type), -EINVAL);
	mk_check_real_ops(test, PGTY_offline);
}
#else
static void set_movable_ops_second_registration_busy(struct kunit *test)
{
	kunit_skip(test,
		   "precondition: no set_movable_ops() in this kernel: its ops tables are not registered by page type (6.12: __SetPageMovable() stores them in page->mapping)");
}

#define set_movable_ops_other_type_einval set_movable_ops_second_registration_busy
#endif /* MV_HAVE_SET_MOVABLE_OPS */

/* ---- which ops table ran: kprobes -------------------------------------- */

enum mk_table { MK_T_BALLOON, MK_T_ZS };

struct mk_probe {
	const char *sym;
	const char *name;	/* the module's counter: probe_<name> */
	enum mk_table table;	/* whose ops table the callback is of */
	unsigned int arg;	/* which argument is the page under migration */
	atomic_t hits;
#if IS_ENABLED(CONFIG_KPROBES)
	struct kprobe kp;
#endif
};

#define MV_KPROBE(symbol, tbl, argn, counter)				\
	{								\
		.sym = #symbol, .name = #counter, .table = MK_T_##tbl,	\
		.arg = argn,						\
	}

static struct mk_probe mk_probes[] = {
#include "kprobe_list.h"
};

#undef MV_KPROBE
#define MK_NPROBES	ARRAY_SIZE(mk_probes)

static unsigned long mk_probe_pfn;

struct mk_ops_param {
	bool zsmalloc;
	char desc[16];
};

static const struct mk_ops_param mk_ops_params[] = {
	{ false, "balloon" },
	{ true, "zsmalloc" },
};

KUNIT_ARRAY_PARAM_DESC(mk_ops, mk_ops_params, desc);

#if IS_ENABLED(CONFIG_KPROBES) && IS_ENABLED(CONFIG_HAVE_REGS_AND_STACK_ACCESS_API)
static int mk_probe_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct mk_probe *p = container_of(kp, struct mk_probe, kp);
	struct page *page;

	page = (struct page *)regs_get_kernel_argument(regs, p->arg);
	if (page && page_to_pfn(page) == READ_ONCE(mk_probe_pfn))
		atomic_inc(&p->hits);
	return 0;
}

/* zsmalloc's callbacks exist only where it has movable ops. */
static bool mk_probe_possible(unsigned int i)
{
	return mk_probes[i].table != MK_T_ZS || MV_HAVE_ZS_MIGRATION;
}

static void mk_unregister_probes(void *data)
{
	unsigned int i, n = (unsigned long)data;

	WRITE_ONCE(mk_probe_pfn, 0);
	for (i = 0; i < n; i++)
		if (mk_probe_possible(i))
			unregister_kprobe(&mk_probes[i].kp);
}

static void mk_register_probes(struct kunit *test)
{
	unsigned int i;
	int ret;

	for (i = 0; i < MK_NPROBES; i++) {
		memset(&mk_probes[i].kp, 0, sizeof(mk_probes[i].kp));
		mk_probes[i].kp.symbol_name = mk_probes[i].sym;
		mk_probes[i].kp.pre_handler = mk_probe_pre;
		mk_probes[i].kp.post_handler = MV_KPROBE_POST;
		atomic_set(&mk_probes[i].hits, 0);
		if (!mk_probe_possible(i))
			continue;
		ret = register_kprobe(&mk_probes[i].kp);
		if (ret) {
			mk_unregister_probes((void *)(unsigned long)i);
			kunit_skip(test, "precondition: kprobe on %s failed: %d",
				   mk_probes[i].sym, ret);
		}
	}
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, mk_unregister_probes,
						  (void *)(unsigned long)MK_NPROBES));
}

static unsigned int mk_hits(unsigned int i)
{
	return atomic_read(&mk_probes[i].hits);
}

static void migration_runs_ops_of_page_type(struct kunit *test)
{
	const struct mk_ops_param *p = test->param_value;
	enum mk_table own = p->zsmalloc ? MK_T_ZS : MK_T_BALLOON;
	struct mk_balloon *mb;
	struct mk_zpool *zp;
	unsigned int calls, i;
	struct page *page;
	unsigned long pfn;
	bool want;

	if (!MV_HAVE_ZS_OBJ_PFNS)
		kunit_skip(test, "precondition: %s",
			   MV_NO_ZS_OBJ_PFNS_REASON);
	if (p->zsmalloc && !MV_HAVE_ZS_MIGRATION)
		kunit_skip(test, "precondition: %s", MV_NO_ZS_MIGRATION_REASON);
	/*
	 * A page of each type exists; only the target may see any ops call.
	 * Both clean ranges are taken before either page becomes movable:
	 * alloc_contig_pages() would move a movable page out of its way.
	 */
	mb = mk_balloon_create(test);
	page = pfn_to_page(mk_clean_range(test, 1));
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, mk_free_page_action, page));
	zp = mk_zpool_create(test, 200, 16, true);
	kunit_remove_action(test, mk_free_page_action, page);
	mk_balloon_fill(test, mb, page_to_pfn(page), 1);

	/*
	 * The PFN is read after the probes are registered (that takes a
	 * while), right before the migration: the balloon slot follows its
	 * page, so a page that kcompactd moved meanwhile is migrated where it
	 * now is. Seen once on arm64 64K: 0 ops calls, 0 callbacks.
	 */
	mk_register_probes(test);
	pfn = p->zsmalloc ? zp->pfns[0] : mk_balloon_slot_pfn(mb, 0);
	calls = mk_balloon_calls(mb);
	WRITE_ONCE(mk_probe_pfn, pfn);
	KUNIT_EXPECT_EQ(test, mk_migrate_pfn(pfn), 0);
	WRITE_ONCE(mk_probe_pfn, 0);
	if (!p->zsmalloc && mk_balloon_calls(mb) == calls &&
	    mk_balloon_slot_pfn(mb, 0) != pfn)
		kunit_info(test, "balloon page left pfn %#lx before the migration (to %#lx)",
			   pfn, mk_balloon_slot_pfn(mb, 0));

	/* Its own table's isolate and migrate once, nothing else. */
	for (i = 0; i < MK_NPROBES; i++) {
		want = mk_probes[i].table == own &&
		       !strstr(mk_probes[i].name, "putback");
		KUNIT_EXPECT_EQ_MSG(test, mk_hits(i), want, "%s", mk_probes[i].sym);
	}
	KUNIT_EXPECT_EQ(test, mk_balloon_calls(mb) - calls, p->zsmalloc ? 0 : 1);
}
#else
static void migration_runs_ops_of_page_type(struct kunit *test)
{
	kunit_skip(test,
		   "precondition: CONFIG_KPROBES (with regs_get_kernel_argument()) is off: the ops table that ran is not observable");
}
#endif

/* ---- which ops table a page resolves to, read directly ------------------ */

/* Every page of @pfns resolves to @ops; returns how many do not. */
static unsigned int mk_ops_mismatches(const unsigned long *pfns, unsigned int n,
				      const struct movable_operations *ops)
{
	unsigned int i, bad = 0;

	for (i = 0; i < n; i++)
		bad += !pfns[i] || mv_page_ops(pfn_to_page(pfns[i])) != ops;
	return bad;
}

/* The same over the page(s) behind every object, as last refreshed. */
static unsigned int mk_zobj_ops_mismatches(struct mk_zpool *zp,
					   const struct movable_operations *ops)
{
	unsigned int i, bad = 0;

	for (i = 0; i < zp->nobj; i++)
		bad += mk_ops_mismatches(zp->obj[i].pfn, 1, ops) +
		       (zp->obj[i].pfn[1] &&
			mk_ops_mismatches(zp->obj[i].pfn + 1, 1, ops));
	return bad;
}

/*
 * Where page_movable_ops() is public and balloon_mops exported (6.12), a
 * balloon page must resolve to &balloon_mops, and every zsmalloc page to
 * the one table a known zsmalloc page leads to (zsmalloc_mops is static),
 * whose migrate_page is zs_page_migrate; before and after a migration.
 */
static void resolution_ops_table_direct(struct kunit *test)
{
	const struct mk_ops_param *p = test->param_value;
	const struct movable_operations *bops = mv_balloon_ops(), *zops;
	unsigned long pfn, *old;
	struct mk_balloon *mb;
	struct mk_zpool *zp;

	if (!MV_HAVE_DIRECT_OPS)
		kunit_skip(test, "precondition: %s", MV_NO_DIRECT_OPS_REASON);
	KUNIT_ASSERT_TRUE(test, mv_ops_migrate_is(bops, "balloon_page_migrate"));
	if (!p->zsmalloc) {
		mb = mk_balloon_create(test);
		mk_balloon_fill(test, mb, mk_clean_range(test, 2), 2);
		pfn = mk_balloon_slot_pfn(mb, 0);
		KUNIT_EXPECT_EQ(test, mk_ops_mismatches(&pfn, 1, bops), 0);
		KUNIT_ASSERT_EQ(test, mk_migrate_pfn(pfn), 0);
		KUNIT_EXPECT_NE(test, mk_balloon_slot_pfn(mb, 0), pfn);
		pfn = mk_balloon_slot_pfn(mb, 0);
		KUNIT_EXPECT_EQ_MSG(test, mk_ops_mismatches(&pfn, 1, bops), 0,
				    "the migrated-to balloon page");
		return;
	}
	if (!MV_HAVE_ZS_OBJ_PFNS)
		kunit_skip(test, "precondition: %s", MV_NO_ZS_OBJ_PFNS_REASON);
	if (!MV_HAVE_ZS_MIGRATION)
		kunit_skip(test, "precondition: %s", MV_NO_ZS_MIGRATION_REASON);
	zp = mk_zpool_create(test, 200, 16, true);
	KUNIT_ASSERT_GT(test, zp->npfn, 0);
	zops = mv_page_ops(pfn_to_page(zp->pfns[0]));
	KUNIT_ASSERT_NOT_NULL(test, zops);
	KUNIT_EXPECT_PTR_NE(test, zops, bops);
	KUNIT_EXPECT_TRUE(test, mv_ops_migrate_is(zops, "zs_page_migrate"));
	KUNIT_EXPECT_EQ(test, mk_ops_mismatches(zp->pfns, zp->npfn, zops), 0);
	KUNIT_EXPECT_EQ(test, mk_zobj_ops_mismatches(zp, zops), 0);
	old = kunit_kcalloc(test, zp->npfn, sizeof(*old), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, old);
	/* Refreshes each object's pages, not zp->pfns (the old ones). */
	KUNIT_EXPECT_EQ(test, mk_zpool_migrate_all(test, zp, old), zp->npfn);
	KUNIT_EXPECT_EQ_MSG(test, mk_zobj_ops_mismatches(zp, zops), 0,
			    "the migrated-to zsmalloc pages");
}

static struct kunit_case movops_resolution_cases[] = {
	KUNIT_CASE_PARAM(resolution_truth_table, mk_tt_gen_params),
	KUNIT_CASE_PARAM(set_movable_ops_second_registration_busy, mk_busy_gen_params),
	KUNIT_CASE_PARAM(set_movable_ops_other_type_einval, mk_inval_gen_params),
	KUNIT_CASE_PARAM(migration_runs_ops_of_page_type, mk_ops_gen_params),
	KUNIT_CASE_PARAM(resolution_ops_table_direct, mk_ops_gen_params),
	{}
};

static struct kunit_suite movops_resolution_suite = {
	.name = "movops_resolution",
	.test_cases = movops_resolution_cases,
};

kunit_test_suites(&movops_resolution_suite);
