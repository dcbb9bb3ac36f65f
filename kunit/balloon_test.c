// SPDX-License-Identifier: GPL-2.0
/*
 * balloon_test.c - movops_balloon: inflate, targeted migration of every
 * page, the driver callback, the page list and isolated_pages, deflate, and
 * the callback's -ENOENT (deflated during migration) and -EAGAIN answers.
 */
#include "movops_kunit.h"

#include <linux/pageblock-flags.h>
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
	long stat = mk_balloon_pages_stat();
	struct mk_balloon *mb = mk_inflated(test);
	unsigned int i, bad = 0;
	struct page *page;

	KUNIT_EXPECT_EQ(test, mk_balloon_list_len(mb), N);
	KUNIT_EXPECT_EQ(test, mb->b.isolated_pages, 0);
	for (i = 0; i < N; i++) {
		page = pfn_to_page(mk_balloon_slot_pfn(mb, i));
		if (!mk_balloon_list_has(mb, page_to_pfn(page)) ||
		    !PageOffline(page) || !mv_page_has_movable_ops(page) ||
		    mv_balloon_page_dev(page) != (unsigned long)&mb->b)
			bad++;
	}
	KUNIT_EXPECT_EQ_MSG(test, bad, 0,
			    "pages not listed, not PageOffline, without movable ops or another device");
	KUNIT_EXPECT_EQ(test, mk_vm_event(test, BALLOON_INFLATE) - ev, N);
	if (MV_HAVE_NR_BALLOON_PAGES)
		KUNIT_EXPECT_EQ(test, mk_balloon_pages_stat() - stat, N);
	else
		kunit_info(test, "not checked: %s\n", MV_NO_NR_BALLOON_PAGES_REASON);
}

static void balloon_targeted_migration_moves_each_page(struct kunit *test)
{
	struct mk_balloon *mb = mk_inflated(test);
	unsigned long ev = mk_vm_event(test, BALLOON_MIGRATE);
	unsigned int i, moved = 0;

	for (i = 0; i < N; i++)
		moved += mk_move_slot(test, mb, i);
	KUNIT_EXPECT_EQ(test, moved, N);
	KUNIT_EXPECT_EQ(test, mk_balloon_calls(mb), N);
	KUNIT_EXPECT_EQ(test, mb->foreign, 0);
	KUNIT_EXPECT_EQ_MSG(test, mb->bad_src, 0,
			    "callback source not PageOffline with movable ops");
	KUNIT_EXPECT_EQ(test, mk_vm_event(test, BALLOON_MIGRATE) - ev, N);
}

static void balloon_list_consistent_after_migration(struct kunit *test)
{
	struct mk_balloon *mb = mk_inflated(test);
	unsigned long old[N / 2];
	unsigned int i, missing = 0, stale = 0, wrong = 0;
	struct page *page;

	/* Move every other page: the list then mixes moved and unmoved pages. */
	for (i = 0; i < N; i += 2) {
		old[i / 2] = mk_balloon_slot_pfn(mb, i);
		KUNIT_ASSERT_TRUE(test, mk_move_slot(test, mb, i));
	}
	KUNIT_EXPECT_EQ(test, mk_balloon_list_len(mb), N);
	KUNIT_EXPECT_EQ(test, mb->b.isolated_pages, 0);
	for (i = 0; i < N; i++)
		missing += !mk_balloon_list_has(mb, mk_balloon_slot_pfn(mb, i));
	for (i = 0; i < N / 2; i++)
		stale += mk_balloon_list_has(mb, old[i]);
	list_for_each_entry(page, &mb->b.pages, lru) {
		if (mk_balloon_slot(mb, page_to_pfn(page)) < 0 ||
		    !PageOffline(page) || !mv_page_has_movable_ops(page) ||
		    mv_balloon_page_dev(page) != (unsigned long)&mb->b)
			wrong++;
	}
	KUNIT_EXPECT_EQ_MSG(test, missing, 0, "tracked pages not on the list");
	KUNIT_EXPECT_EQ_MSG(test, stale, 0, "migrated-from pages still listed");
	KUNIT_EXPECT_EQ_MSG(test, wrong, 0, "listed pages unknown or malformed");
}

static void balloon_deflate_returns_every_page(struct kunit *test)
{
	long stat = mk_balloon_pages_stat();
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
	KUNIT_EXPECT_EQ(test, got, N);
	KUNIT_EXPECT_EQ_MSG(test, unknown, 0, "deflate returned pages not in the balloon");
	KUNIT_EXPECT_EQ_MSG(test, still_owned, 0, "deflated pages still point at the device");
	KUNIT_EXPECT_TRUE(test, list_empty(&mb->b.pages));
	KUNIT_EXPECT_EQ(test, mb->b.isolated_pages, 0);
	KUNIT_EXPECT_EQ(test, mk_vm_event(test, BALLOON_DEFLATE) - ev, N);
	if (MV_HAVE_NR_BALLOON_PAGES)
		KUNIT_EXPECT_EQ(test, mk_balloon_pages_stat() - stat, 0);
	else
		kunit_info(test, "not checked: %s\n", MV_NO_NR_BALLOON_PAGES_REASON);
}

#define N_ENOENT	4

static void balloon_enoent_deflates_during_migration(struct kunit *test)
{
	unsigned int i, since, left = 0;
	unsigned long pfn, mig, defl;
	struct mk_balloon *mb;
	struct mk_call c;
	LIST_HEAD(pages);

	if (!MV_HAVE_BALLOON_ENOENT)
		kunit_skip(test, "precondition: %s", MV_NO_BALLOON_ENOENT_REASON);
	mb = mk_inflated(test);
	mig = mk_vm_event(test, BALLOON_MIGRATE);
	defl = mk_vm_event(test, BALLOON_DEFLATE);
	since = mk_balloon_mark(mb);
	mk_balloon_answer(mb, -ENOENT);
	for (i = 0; i < N_ENOENT; i++) {
		pfn = mk_balloon_slot_pfn(mb, i);
		KUNIT_EXPECT_EQ_MSG(test, mk_migrate_pfn(pfn), 0,
				    "pfn %#lx: -ENOENT must complete the migration", pfn);
		KUNIT_ASSERT_TRUE(test, mk_balloon_last_call(mb, since, pfn, &c));
		/* Neither the old page nor the offered new page is in the balloon. */
		left += mk_balloon_list_has(mb, pfn) + mk_balloon_list_has(mb, c.dst);
	}
	KUNIT_EXPECT_EQ(test, mk_balloon_calls(mb), N_ENOENT);
	KUNIT_EXPECT_EQ_MSG(test, left, 0, "a deflated page stayed in the balloon");
	KUNIT_EXPECT_EQ(test, mk_balloon_list_len(mb), N - N_ENOENT);
	KUNIT_EXPECT_EQ(test, mb->b.isolated_pages, 0);
	KUNIT_EXPECT_EQ(test, mk_vm_event(test, BALLOON_MIGRATE) - mig, 0);
	KUNIT_EXPECT_EQ(test, mk_vm_event(test, BALLOON_DEFLATE) - defl, N_ENOENT);

	/* What is left deflates completely: no page lost, none extra. */
	mk_balloon_answer(mb, 0);
	KUNIT_EXPECT_EQ(test, mk_balloon_deflate(mb, &pages), N - N_ENOENT);
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
	unsigned long pfn = mk_balloon_slot_pfn(mb, 0);
	struct page *page = pfn_to_page(pfn);
	unsigned int since = mk_balloon_mark(mb);
	struct mk_call c;

	mk_balloon_answer(mb, -EAGAIN);
	KUNIT_EXPECT_NE(test, mk_migrate_pfn_quiet(pfn), 0);
	KUNIT_EXPECT_GT(test, mk_balloon_calls(mb), 0);
	KUNIT_EXPECT_TRUE(test, mk_balloon_last_call(mb, since, pfn, &c));
	KUNIT_EXPECT_EQ(test, mb->foreign, 0);
	/* Put back: listed again, same PFN, not isolated, nothing counted. */
	KUNIT_EXPECT_EQ(test, mk_balloon_slot_pfn(mb, 0), pfn);
	KUNIT_EXPECT_TRUE(test, mk_balloon_list_has(mb, pfn));
	KUNIT_EXPECT_EQ(test, mk_balloon_list_len(mb), N);
	KUNIT_EXPECT_EQ(test, mb->b.isolated_pages, 0);
	KUNIT_EXPECT_TRUE(test, mv_page_has_movable_ops(page));
	KUNIT_EXPECT_FALSE(test, mv_page_ops_isolated(page));
	KUNIT_EXPECT_EQ(test, mk_vm_event(test, BALLOON_MIGRATE) - ev, 0);

	/* And it still migrates once the driver agrees. */
	mk_balloon_answer(mb, 0);
	KUNIT_EXPECT_TRUE(test, mk_move_slot(test, mb, 0));
}

static struct kunit_case movops_balloon_cases[] = {
	KUNIT_CASE(balloon_inflate_enqueues_every_page),
	KUNIT_CASE(balloon_targeted_migration_moves_each_page),
	KUNIT_CASE(balloon_list_consistent_after_migration),
	KUNIT_CASE(balloon_deflate_returns_every_page),
	KUNIT_CASE(balloon_enoent_deflates_during_migration),
	KUNIT_CASE(balloon_enoent_balloon_pages_stat),
	KUNIT_CASE(balloon_eagain_puts_page_back),
	{}
};

static struct kunit_suite movops_balloon_suite = {
	.name = "movops_balloon",
	.test_cases = movops_balloon_cases,
};

kunit_test_suites(&movops_balloon_suite);
