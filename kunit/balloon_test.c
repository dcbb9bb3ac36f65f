// SPDX-License-Identifier: GPL-2.0
/*
 * balloon_test.c - movops_balloon: inflate, targeted migration of every
 * page, the driver callback, the page list and isolated_pages, deflate, and
 * the callback's -ENOENT (deflated during migration) and -EAGAIN answers,
 * managed pages of a balloon that adjusts them (cross-zone, -ENOENT: in
 * balloon_managed_test.c), and a page locked by someone else, which
 * migration leaves in place.
 */
#include "movops_kunit.h"

#include <linux/pageblock-flags.h>
#include <linux/pagemap.h>
#include <linux/vmstat.h>

#define N	MK_BALLOON_PAGES

/* A balloon of the suite's own holding N pages of one clean range. */
static struct mk_balloon *mk_inflated(struct kunit *test)
{
	struct mk_balloon *mb = mk_balloon_create(test);

	mk_balloon_fill(test, mb, mk_clean_range(test, N), N);
	return mb;
}

/*
 * Migrate the page of @slot, expecting exactly one callback for it, with the
 * page's PFN as source and a different PFN, outside the isolated pageblock,
 * as destination.  Returns true if all of that held.
 */
static bool mk_move_slot(struct kunit *test, struct mk_balloon *mb,
			 unsigned int slot)
{
	unsigned long pfn = mk_balloon_slot_pfn(mb, slot);
	unsigned int calls = mk_balloon_calls(mb);
	unsigned int since = mk_balloon_mark(mb);
	struct mk_call c = { };
	bool ok = true;
	int ret;

	ret = mk_migrate_pfn(pfn);
	if (ret) {
		KUNIT_FAIL(test, "slot %u pfn %#lx: alloc_contig_range: %d",
			   slot, pfn, ret);
		return false;
	}
	if (mk_balloon_calls(mb) != calls + 1) {
		KUNIT_FAIL(test, "slot %u pfn %#lx: %u callbacks, expected 1",
			   slot, pfn, mk_balloon_calls(mb) - calls);
		ok = false;
	}
	if (!mk_balloon_last_call(mb, since, pfn, &c)) {
		KUNIT_FAIL(test, "slot %u pfn %#lx: no callback with it as source",
			   slot, pfn);
		return false;
	}
	if (c.dst == pfn || pageblock_start_pfn(c.dst) == pageblock_start_pfn(pfn)) {
		KUNIT_FAIL(test, "slot %u pfn %#lx: destination %#lx not outside its pageblock",
			   slot, pfn, c.dst);
		ok = false;
	}
	if (mk_balloon_slot_pfn(mb, slot) != c.dst) {
		KUNIT_FAIL(test, "slot %u: tracked pfn %#lx, callback moved it to %#lx",
			   slot, mk_balloon_slot_pfn(mb, slot), c.dst);
		ok = false;
	}
	return ok;
}

static void balloon_inflate_enqueues_every_page(struct kunit *test)
{
	unsigned long ev = mk_vm_event(test, BALLOON_INFLATE);
	struct mk_balloon *mb = mk_inflated(test);
	unsigned int i, bad = 0;
	struct mk_listed l;
	struct page *page;

	/* Inflation only: no other task can count BALLOON_INFLATE here. */
	KUNIT_EXPECT_EQ(test, mk_vm_event(test, BALLOON_INFLATE) - ev, N);
	mk_balloon_listed(mb, &l);
	KUNIT_EXPECT_EQ(test, l.n, N);
	KUNIT_EXPECT_EQ(test, READ_ONCE(mb->tb.b.isolated_pages), 0);
	for (i = 0; i < N; i++) {
		page = pfn_to_page(mk_balloon_slot_pfn(mb, i));
		if (!mk_listed_has(&l, page_to_pfn(page)) ||
		    !PageOffline(page) || !mv_page_has_movable_ops(page) ||
		    mv_balloon_page_dev(page) != (unsigned long)&mb->tb.b)
			bad++;
	}
	KUNIT_EXPECT_EQ_MSG(test, bad, 0,
			    "pages not listed, not PageOffline, without movable ops or another device");
}

/*
 * The /proc/meminfo "Balloon" count (NR_BALLOON_PAGES) follows inflation
 * and deflation.  A case of its own, so that a kernel without the counter
 * shows a SKIP naming it rather than a pass that checked nothing.
 */
static void balloon_pages_stat_follows_inflate_deflate(struct kunit *test)
{
	struct mk_balloon *mb;
	LIST_HEAD(pages);
	struct page *page, *tmp;
	long stat;

	if (!MV_HAVE_NR_BALLOON_PAGES)
		kunit_skip(test, "precondition: %s", MV_NO_NR_BALLOON_PAGES_REASON);
	stat = mk_balloon_pages_stat();
	mb = mk_inflated(test);
	KUNIT_EXPECT_EQ_MSG(test, mk_balloon_pages_stat() - stat, N,
			    "NR_BALLOON_PAGES after inflating %d pages", N);
	KUNIT_EXPECT_EQ(test, mk_balloon_deflate(mb, &pages), N);
	list_for_each_entry_safe(page, tmp, &pages, lru) {
		list_del(&page->lru);
		put_page(page);
	}
	KUNIT_EXPECT_EQ_MSG(test, mk_balloon_pages_stat() - stat, 0,
			    "NR_BALLOON_PAGES after deflating them all");
}

/*
 * BALLOON_MIGRATE is global and kcompactd may migrate our pages too: the
 * kernel's count since @ev must equal the migrations our callback agreed
 * to in any task since @ok0 (and no other balloon moves in these guests).
 */
static void mk_expect_vm_migrate(struct kunit *test, struct mk_balloon *mb,
				 unsigned long ev, unsigned int ok0)
{
	KUNIT_EXPECT_EQ_MSG(test, mk_vm_event(test, BALLOON_MIGRATE) - ev,
			    (unsigned long)(mk_balloon_count(mb, MK_OK_ALL) - ok0),
			    "BALLOON_MIGRATE against the migrations our callback agreed to");
}

static void balloon_targeted_migration_moves_each_page(struct kunit *test)
{
	struct mk_balloon *mb = mk_inflated(test);
	unsigned long ev = mk_vm_event(test, BALLOON_MIGRATE);
	unsigned int ok0 = mk_balloon_count(mb, MK_OK_ALL);
	unsigned int i, moved = 0;

	for (i = 0; i < N; i++)
		moved += mk_move_slot(test, mb, i);
	KUNIT_EXPECT_EQ(test, moved, N);
	KUNIT_EXPECT_EQ(test, mk_balloon_calls(mb), N);
	KUNIT_EXPECT_EQ(test, mb->foreign, 0);
	KUNIT_EXPECT_EQ_MSG(test, mb->bad_src, 0,
			    "callback source not PageOffline with movable ops");
	KUNIT_EXPECT_GE(test, mk_balloon_count(mb, MK_OK_ALL) - ok0, N);
	mk_expect_vm_migrate(test, mb, ev, ok0);
}

static void balloon_list_consistent_after_migration(struct kunit *test)
{
	struct mk_balloon *mb = mk_inflated(test);
	unsigned long old[N / 2];
	unsigned int i, missing = 0, stale = 0, wrong = 0;
	struct mk_listed l;
	struct page *page;

	/* Move every other page: the list then mixes moved and unmoved pages. */
	for (i = 0; i < N; i += 2) {
		old[i / 2] = mk_balloon_slot_pfn(mb, i);
		KUNIT_ASSERT_TRUE(test, mk_move_slot(test, mb, i));
	}
	/* The core's list, read under its lock; ours is the slot table. */
	mk_balloon_listed(mb, &l);
	KUNIT_EXPECT_EQ(test, l.n, N);
	KUNIT_EXPECT_EQ(test, READ_ONCE(mb->tb.b.isolated_pages), 0);
	for (i = 0; i < N; i++)
		missing += !mk_listed_has(&l, mk_balloon_slot_pfn(mb, i));
	for (i = 0; i < N / 2; i++)
		stale += mk_listed_has(&l, old[i]);
	for (i = 0; i < min_t(unsigned int, l.n, N); i++) {
		page = pfn_to_page(l.pfn[i]);
		if (mk_balloon_slot(mb, l.pfn[i]) < 0 ||
		    !PageOffline(page) || !mv_page_has_movable_ops(page) ||
		    mv_balloon_page_dev(page) != (unsigned long)&mb->tb.b)
			wrong++;
	}
	KUNIT_EXPECT_EQ_MSG(test, missing, 0, "tracked pages not on the list");
	KUNIT_EXPECT_EQ_MSG(test, stale, 0, "migrated-from pages still listed");
	KUNIT_EXPECT_EQ_MSG(test, wrong, 0, "listed pages unknown or malformed");
}

static void balloon_deflate_returns_every_page(struct kunit *test)
{
	struct mk_balloon *mb = mk_inflated(test);
	unsigned long ev, want[N];
	unsigned int i, got, unknown = 0, still_owned = 0;
	struct page *page, *tmp;
	LIST_HEAD(pages);

	for (i = 0; i < N; i++)
		KUNIT_ASSERT_TRUE(test, mk_move_slot(test, mb, i));
	for (i = 0; i < N; i++)
		want[i] = mk_balloon_slot_pfn(mb, i);

	ev = mk_vm_event(test, BALLOON_DEFLATE);
	got = mk_balloon_deflate(mb, &pages);
	list_for_each_entry(page, &pages, lru) {
		for (i = 0; i < N; i++)
			if (want[i] == page_to_pfn(page))
				break;
		unknown += i == N;
		still_owned += mv_balloon_page_dev(page) != 0;
	}
	list_for_each_entry_safe(page, tmp, &pages, lru) {
		list_del(&page->lru);
		put_page(page);
	}
	/* Our callback answers 0: only our deflation counts BALLOON_DEFLATE. */
	KUNIT_EXPECT_EQ(test, mk_vm_event(test, BALLOON_DEFLATE) - ev, (unsigned long)got);
	KUNIT_EXPECT_EQ(test, got, N);
	KUNIT_EXPECT_EQ_MSG(test, unknown, 0, "deflate returned pages not in the balloon");
	KUNIT_EXPECT_EQ_MSG(test, still_owned, 0, "deflated pages still point at the device");
	KUNIT_EXPECT_EQ(test, mk_balloon_held(mb), 0);
	KUNIT_EXPECT_EQ(test, mk_balloon_list_len(mb), 0);
	KUNIT_EXPECT_EQ(test, READ_ONCE(mb->tb.b.isolated_pages), 0);
}

#define N_ENOENT	4

static void balloon_enoent_deflates_during_migration(struct kunit *test)
{
	unsigned int i, since, left = 0, ok0, enoent0;
	unsigned long pfn, mig, defl, old[N_ENOENT], dst[N_ENOENT];
	struct mk_balloon *mb;
	struct mk_listed l;
	struct mk_call c;
	LIST_HEAD(pages);

	if (!MV_HAVE_BALLOON_ENOENT)
		kunit_skip(test, "precondition: %s", MV_NO_BALLOON_ENOENT_REASON);
	mb = mk_inflated(test);
	mig = mk_vm_event(test, BALLOON_MIGRATE);
	defl = mk_vm_event(test, BALLOON_DEFLATE);
	ok0 = mk_balloon_count(mb, MK_OK_ALL);
	enoent0 = mk_balloon_count(mb, MK_ENOENT_ALL);
	since = mk_balloon_mark(mb);
	mk_balloon_answer(mb, -ENOENT);
	for (i = 0; i < N_ENOENT; i++) {
		pfn = mk_balloon_slot_pfn(mb, i);
		KUNIT_EXPECT_EQ_MSG(test, mk_migrate_pfn(pfn), 0,
				    "pfn %#lx: -ENOENT must complete the migration", pfn);
		KUNIT_ASSERT_TRUE(test, mk_balloon_last_call(mb, since, pfn, &c));
		old[i] = pfn;
		dst[i] = c.dst;
	}
	KUNIT_EXPECT_EQ(test, mk_balloon_calls(mb), N_ENOENT);
	/*
	 * The kernel's global counts against what our callback answered in
	 * any task (kcompactd's migrations of our pages get -ENOENT too).
	 */
	mk_expect_vm_migrate(test, mb, mig, ok0);
	KUNIT_EXPECT_EQ_MSG(test, mk_vm_event(test, BALLOON_DEFLATE) - defl,
			    (unsigned long)(mk_balloon_count(mb, MK_ENOENT_ALL) - enoent0),
			    "BALLOON_DEFLATE against our -ENOENT answers");
	/* Neither an old page nor an offered new page is in the balloon. */
	mk_balloon_listed(mb, &l);
	for (i = 0; i < N_ENOENT; i++)
		left += mk_listed_has(&l, old[i]) + mk_listed_has(&l, dst[i]);
	KUNIT_EXPECT_EQ_MSG(test, left, 0, "a deflated page stayed in the balloon");
	KUNIT_EXPECT_EQ(test, l.n, mk_balloon_held(mb));
	KUNIT_EXPECT_EQ(test, mk_balloon_held(mb),
			N - (mk_balloon_count(mb, MK_ENOENT_ALL) - enoent0));
	KUNIT_EXPECT_EQ(test, READ_ONCE(mb->tb.b.isolated_pages), 0);

	/* What is left deflates completely: no page lost, none extra. */
	mk_balloon_answer(mb, 0);
	KUNIT_EXPECT_EQ(test, mk_balloon_deflate(mb, &pages), l.n);
	KUNIT_EXPECT_EQ(test, mk_balloon_held(mb), 0);
	KUNIT_EXPECT_EQ(test, mb->foreign, 0);
	while (!list_empty(&pages)) {
		struct page *page = list_first_entry(&pages, struct page, lru);

		list_del(&page->lru);
		put_page(page);
	}
}

/*
 * The /proc/meminfo "Balloon" count must drop with a page deflated during
 * migration, as it does with one deflated by balloon_page_list_dequeue().
 */
static void balloon_enoent_balloon_pages_stat(struct kunit *test)
{
	struct mk_balloon *mb;
	long stat;

	if (!MV_HAVE_BALLOON_ENOENT)
		kunit_skip(test, "precondition: %s", MV_NO_BALLOON_ENOENT_REASON);
	if (!MV_HAVE_NR_BALLOON_PAGES)
		kunit_skip(test, "precondition: %s", MV_NO_NR_BALLOON_PAGES_REASON);
	stat = mk_balloon_pages_stat();
	mb = mk_inflated(test);

	KUNIT_ASSERT_EQ(test, mk_balloon_pages_stat() - stat, N);
	mk_balloon_answer(mb, -ENOENT);
	KUNIT_ASSERT_EQ(test, mk_migrate_pfn(mk_balloon_slot_pfn(mb, 0)), 0);
	KUNIT_EXPECT_EQ_MSG(test, mk_balloon_pages_stat() - stat, N - 1,
			    "NR_BALLOON_PAGES still counts the page deflated by -ENOENT");
}

static void balloon_eagain_puts_page_back(struct kunit *test)
{
	struct mk_balloon *mb = mk_inflated(test);
	unsigned long ev = mk_vm_event(test, BALLOON_MIGRATE);
	unsigned int ok0 = mk_balloon_count(mb, MK_OK_ALL);
	unsigned long pfn = mk_balloon_slot_pfn(mb, 0);
	struct page *page = pfn_to_page(pfn);
	unsigned int since = mk_balloon_mark(mb);
	struct mk_listed l;
	struct mk_call c;

	mk_balloon_answer(mb, -EAGAIN);
	KUNIT_EXPECT_NE(test, mk_migrate_pfn_quiet(pfn), 0);
	KUNIT_EXPECT_GT(test, mk_balloon_calls(mb), 0);
	KUNIT_EXPECT_TRUE(test, mk_balloon_last_call(mb, since, pfn, &c));
	KUNIT_EXPECT_EQ(test, mb->foreign, 0);
	/* Nothing counted: no callback of ours said yes, in any task. */
	KUNIT_EXPECT_EQ(test, mk_balloon_count(mb, MK_OK_ALL), ok0);
	mk_expect_vm_migrate(test, mb, ev, ok0);
	/* Put back: listed again, same PFN, not isolated. */
	KUNIT_EXPECT_EQ(test, mk_balloon_slot_pfn(mb, 0), pfn);
	mk_balloon_listed(mb, &l);
	KUNIT_EXPECT_TRUE(test, mk_listed_has(&l, pfn));
	KUNIT_EXPECT_EQ(test, l.n, N);
	KUNIT_EXPECT_EQ(test, READ_ONCE(mb->tb.b.isolated_pages), 0);
	KUNIT_EXPECT_TRUE(test, mv_page_has_movable_ops(page));
	KUNIT_EXPECT_FALSE(test, mv_page_ops_isolated(page));

	/* And it still migrates once the driver agrees. */
	mk_balloon_answer(mb, 0);
	KUNIT_EXPECT_TRUE(test, mk_move_slot(test, mb, 0));
}

static void mk_unlock_page(void *page)
{
	unlock_page(page);
}

/*
 * isolate_movable_ops_page() only trylocks: a page locked by someone else
 * is not isolated, so alloc_contig_range() cannot free its PFN; the page
 * stays in the balloon, where it was, untouched.  Unlocked, it moves.
 */
static void balloon_locked_page_stays_put(struct kunit *test)
{
	struct mk_balloon *mb = mk_inflated(test);
	unsigned long pfn = mk_balloon_slot_pfn(mb, 0);
	unsigned int since = mk_balloon_mark(mb);
	struct page *page = pfn_to_page(pfn);
	struct mk_listed l;
	struct mk_call c;

	KUNIT_ASSERT_TRUE_MSG(test, trylock_page(page),
			      "pfn %#lx: our own balloon page is locked", pfn);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, mk_unlock_page, page));
	KUNIT_EXPECT_EQ(test, mk_migrate_pfn_quiet(pfn), -EBUSY);
	/* No task may have had the driver migrate the locked page. */
	KUNIT_EXPECT_FALSE_MSG(test, mk_balloon_last_call(mb, since, pfn, &c),
			       "the driver was asked to migrate a locked page");
	KUNIT_EXPECT_EQ(test, mk_balloon_calls(mb), 0);
	KUNIT_EXPECT_TRUE(test, PageLocked(page));
	KUNIT_EXPECT_EQ(test, mk_balloon_slot_pfn(mb, 0), pfn);
	KUNIT_EXPECT_EQ(test, READ_ONCE(mb->tb.b.isolated_pages), 0);
	KUNIT_EXPECT_TRUE(test, mv_page_has_movable_ops(page));
	KUNIT_EXPECT_FALSE(test, mv_page_ops_isolated(page));
	KUNIT_EXPECT_EQ(test, page_ref_count(page), 1);

	/* Unlocked (6.12's list dequeue skips locked pages), still listed. */
	kunit_release_action(test, mk_unlock_page, page);
	mk_balloon_listed(mb, &l);
	KUNIT_EXPECT_TRUE(test, mk_listed_has(&l, pfn));
	KUNIT_EXPECT_EQ(test, l.n, N);
	KUNIT_EXPECT_TRUE(test, mk_move_slot(test, mb, 0));
}

static struct kunit_case movops_balloon_cases[] = {
	KUNIT_CASE(balloon_inflate_enqueues_every_page),
	KUNIT_CASE(balloon_pages_stat_follows_inflate_deflate),
	KUNIT_CASE(balloon_targeted_migration_moves_each_page),
	KUNIT_CASE(balloon_list_consistent_after_migration),
	KUNIT_CASE(balloon_deflate_returns_every_page),
	KUNIT_CASE(balloon_enoent_deflates_during_migration),
	KUNIT_CASE(balloon_enoent_balloon_pages_stat),
	KUNIT_CASE(balloon_eagain_puts_page_back),
	KUNIT_CASE(balloon_adjust_managed_cross_zone),
	KUNIT_CASE(balloon_adjust_managed_enoent),
	KUNIT_CASE(balloon_locked_page_stays_put),
	{}
};

static struct kunit_suite movops_balloon_suite = {
	.name = "movops_balloon",
	.test_cases = movops_balloon_cases,
};

kunit_test_suites(&movops_balloon_suite);
